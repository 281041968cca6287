/*
 * sockpush: send stdin's bytes to a Unix socket and copy what comes back
 * to stdout, for the tests that feed hearthd malformed frames.
 *
 *   sockpush SOCKET < bytes > reply
 *
 * It stops reading when the peer closes or after two quiet seconds.
 * Exit status: 0 if it connected and wrote, 1 otherwise.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	char			 buf[65536];
	ssize_t			 n;
	int			 fd;

	if (argc != 2 || strlen(argv[1]) >= sizeof sun.sun_path) {
		fprintf(stderr, "usage: sockpush SOCKET < bytes\n");
		return (1);
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		perror(argv[1]);
		return (1);
	}
	/* A peer that hangs up first may still have said why: read on. */
	signal(SIGPIPE, SIG_IGN);
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0) {
		if (write(fd, buf, n) != n)
			break;
	}
	shutdown(fd, SHUT_WR);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 2000) > 0 && (n = read(fd, buf, sizeof buf)) > 0)
		fwrite(buf, 1, n, stdout);
	close(fd);
	return (0);
}
