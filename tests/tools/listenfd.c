/*
 * listenfd: pass a listening Unix socket to a program the way systemd's
 * socket activation does (sd_listen_fds(3)), for the tests.
 *
 *   listenfd PATH PROG [ARGS...]     bind and listen on PATH, then exec
 *                                    PROG with the socket as fd 3
 *   listenfd -r PATH PROG [ARGS...]  stay as the "service manager": start
 *                                    PROG whenever a client is waiting on
 *                                    the socket and PROG is not running
 *
 * PROG gets LISTEN_FDS=1 and LISTEN_PID set to its own pid, set right
 * before exec. The socket file gets mode 0600 (SocketMode=0600); the
 * directory must exist. With -r, each start is announced on stderr as
 * "listenfd: started PID".
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LISTEN_FD	3

static void
usage(void)
{
	fprintf(stderr, "usage: listenfd [-r] PATH PROG [ARGS...]\n");
	exit(2);
}

static int
listen_on(const char *path)
{
	struct sockaddr_un	 sun;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		fprintf(stderr, "listenfd: path too long: %s\n", path);
		exit(1);
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("listenfd: socket");
		exit(1);
	}
	unlink(path);
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		fprintf(stderr, "listenfd: bind %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	umask(old);
	if (listen(fd, 64) == -1) {
		perror("listenfd: listen");
		exit(1);
	}
	return (fd);
}

/* In the process that becomes PROG: fd 3, the variables, exec. */
static void
run(int fd, char **argv)
{
	char	 pid[32];

	if (fd == LISTEN_FD) {
		if (fcntl(fd, F_SETFD, 0) == -1)
			_exit(127);
	} else {
		if (dup2(fd, LISTEN_FD) == -1)
			_exit(127);
		close(fd);
	}
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	if (setenv("LISTEN_FDS", "1", 1) != 0 ||
	    setenv("LISTEN_PID", pid, 1) != 0)
		_exit(127);
	execvp(argv[0], argv);
	fprintf(stderr, "listenfd: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int
main(int argc, char **argv)
{
	struct pollfd	 pfd;
	pid_t		 pid;
	int		 fd, respawn = 0, status;

	if (argc > 1 && strcmp(argv[1], "-r") == 0) {
		respawn = 1;
		argc--;
		argv++;
	}
	if (argc < 3)
		usage();
	fd = listen_on(argv[1]);
	if (!respawn)
		run(fd, argv + 2);
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("listenfd: poll");
			return (1);
		}
		switch ((pid = fork())) {
		case -1:
			perror("listenfd: fork");
			return (1);
		case 0:
			run(fd, argv + 2);
		}
		fprintf(stderr, "listenfd: started %ld\n", (long)pid);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	}
}
