/*
 * The client side of the control socket: connect, send one frame, read one
 * reply, all within a deadline, because `hearth export` runs at every
 * prompt and must never hang it. A daemon that is not running is started
 * on demand (like tmux's server), with the lock in hearthd making
 * concurrent starts safe.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/monotime.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* Milliseconds left before the deadline (-1 deadline: wait forever). */
static int
left_ms(int64_t deadline)
{
	int64_t	 left;

	if (deadline < 0)
		return (-1);
	left = deadline - monotime_ms();
	return (left < 0 ? 0 : (int)(left > INT_MAX ? INT_MAX : left));
}

static int
ipc_connect(char **cause)
{
	struct sockaddr_un	 sun;
	char			*rundir, *sock;
	int			 fd, err;

	if ((rundir = path_runtime_dir(cause)) == NULL)
		return (-1);
	sock = path_socket(rundir);
	free(rundir);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof sun.sun_path) {
		*cause = xasprintf("socket path too long: %s", sock);
		free(sock);
		return (-1);
	}
	strcpy(sun.sun_path, sock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		*cause = xasprintf("socket: %s", strerror(errno));
		free(sock);
		return (-1);
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		/* Callers tell "not running" from other errors by errno. */
		err = errno;
		*cause = xasprintf("hearthd is not running (%s: %s)", sock,
		    strerror(err));
		close(fd);
		free(sock);
		errno = err;
		return (-1);
	}
	free(sock);
	return (fd);
}

int
ipc_daemon_alive(void)
{
	char	*cause = NULL;
	int	 fd;

	if ((fd = ipc_connect(&cause)) == -1) {
		free(cause);
		return (0);
	}
	close(fd);
	return (1);
}

pid_t
ipc_daemon_pid(char **cause)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	char		*path, comm[32];
	FILE		*f;
	int		 fd, ok;

	if ((fd = ipc_connect(cause)) == -1)
		return (-1);
	ok = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0;
	close(fd);
	if (!ok || cred.pid <= 0 || cred.uid != getuid()) {
		*cause = xstrdup("the socket is not held by a hearthd of this "
		    "user");
		return (-1);
	}
	/*
	 * Under socket activation the listener is the service manager, not
	 * hearthd: never signal anything but a process named hearthd.
	 */
	comm[0] = '\0';
	path = xasprintf("/proc/%d/comm", (int)cred.pid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) == NULL)
			comm[0] = '\0';
		fclose(f);
	}
	free(path);
	comm[strcspn(comm, "\n")] = '\0';
	if (strcmp(comm, "hearthd") != 0) {
		*cause = xasprintf("the socket is held by pid %d (%s), not by "
		    "hearthd: stop it through its service manager (systemctl "
		    "--user stop hearthd.socket hearthd)", (int)cred.pid,
		    *comm != '\0' ? comm : "unknown");
		return (-1);
	}
	return (cred.pid);
}

/* The hearthd beside this client, or the one in PATH. */
static char *
ipc_daemon_path(void)
{
	char	 self[PATH_MAX];
	ssize_t	 n;
	char	*slash, *p;

	if ((p = getenv("HEARTHD")) != NULL && *p != '\0')
		return (xstrdup(p));
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			p = path_join(self, "hearthd");
			if (access(p, X_OK) == 0)
				return (p);
			free(p);
		}
	}
	return (xstrdup("hearthd"));
}

/*
 * Run hearthd, which detaches once it listens. With wait_ms 0, do not wait
 * for it (a prompt must not); otherwise wait for it to be ready.
 */
int
ipc_start_daemon(int wait_ms, char **env, char **cause)
{
	char	*prog, *argv[] = { "hearthd", NULL };
	pid_t	 pid;
	int	 status, fd;
	int64_t	 deadline;

	prog = ipc_daemon_path();
	switch ((pid = fork())) {
	case -1:
		if (cause != NULL)
			*cause = xasprintf("fork: %s", strerror(errno));
		free(prog);
		return (-1);
	case 0:
		if (wait_ms == 0) {
			/* Detach from the prompt: nobody waits for us. */
			if (fork() != 0)
				_exit(0);
			if ((fd = open("/dev/null", O_RDWR)) != -1) {
				dup2(fd, STDERR_FILENO);
				close(fd);
			}
		}
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		execvpe(prog, argv, env);
		fprintf(stderr, "hearth: cannot run %s: %s\n", prog,
		    strerror(errno));
		_exit(127);
	}
	free(prog);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (wait_ms == 0)
		return (0);
	/* A daemon that lost the race to another start is fine too. */
	deadline = monotime_ms() + wait_ms;
	while (!ipc_daemon_alive()) {
		if (monotime_ms() > deadline) {
			if (cause != NULL)
				*cause = xstrdup("hearthd did not start (see "
			    "$XDG_STATE_HOME/hearth/hearthd.log)");
			return (-1);
		}
		usleep(5000);
	}
	return (0);
}

static int
ipc_write_all(int fd, const char *p, size_t n, int64_t deadline,
    char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLOUT };
	ssize_t		 w;
	int		 rc;

	while (n > 0) {
		/* On a terminal, a long wait shows its progress. */
		if ((rc = poll(&pfd, 1, progress_poll_ms(left_ms(deadline)))) ==
		    0 && left_ms(deadline) != 0) {
			progress_tick();
			continue;
		}
		if (rc == 0) {
			errno = ETIMEDOUT;
			*cause = xstrdup("hearthd did not answer in time");
			return (-1);
		}
		if (rc == -1 && errno == EINTR)
			continue;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0) {
			*cause = xasprintf("writing to hearthd: %s",
			    strerror(errno));
			return (-1);
		}
		p += w;
		n -= w;
	}
	return (0);
}

/* Read exactly n bytes into b before the deadline. */
static int
ipc_read_n(int fd, struct buf *b, size_t n, int64_t deadline, char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 chunk[65536];
	ssize_t		 r;
	size_t		 want;
	int		 rc;

	while (n > 0) {
		/* On a terminal, a long wait shows its progress. */
		if ((rc = poll(&pfd, 1, progress_poll_ms(left_ms(deadline)))) ==
		    0 && left_ms(deadline) != 0) {
			progress_tick();
			continue;
		}
		if (rc == 0) {
			errno = ETIMEDOUT;
			*cause = xstrdup("hearthd did not answer in time");
			return (-1);
		}
		if (rc == -1 && errno == EINTR)
			continue;
		want = n < sizeof chunk ? n : sizeof chunk;
		r = read(fd, chunk, want);
		if (r == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			*cause = xstrdup(r == 0 ? "hearthd closed the "
			    "connection" : strerror(errno));
			return (-1);
		}
		buf_add(b, chunk, r);
		n -= r;
	}
	return (0);
}

/*
 * The one-line error for a daemon that took the connection but did not
 * answer before the deadline: whose it is, and what to run.
 */
static char *
ipc_timeout_cause(int fd, int timeout_ms)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	char		 after[32], who[48];

	if (timeout_ms >= 1000 && timeout_ms % 1000 == 0)
		snprintf(after, sizeof after, "%d s", timeout_ms / 1000);
	else
		snprintf(after, sizeof after, "%d ms", timeout_ms);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
	    cred.pid > 0)
		snprintf(who, sizeof who, "hearthd (pid %d)", (int)cred.pid);
	else
		snprintf(who, sizeof who, "hearthd");
	return (xasprintf("%s did not answer in %s; it may be stopped or "
	    "busy: run hearth daemon status", who, after));
}

int
ipc_request(struct buf *frame, struct ipc_reply *reply, int timeout_ms,
    int autostart, char **cause)
{
	struct buf	 hdr = BUF_INIT;
	const char	*why;
	int64_t		 deadline;
	uint32_t	 len;
	char		**env;
	int		 fd, rc = -1;

	deadline = timeout_ms < 0 ? -1 : monotime_ms() + timeout_ms;
	buf_init(&reply->payload);
	reply->version = 0;
	if ((fd = ipc_connect(cause)) == -1) {
		if (!autostart)
			return (-1);
		free(*cause);
		*cause = NULL;
		env = envstate_base_environ();
		rc = ipc_start_daemon(5000, env, cause);
		envstate_free_environ(env);
		if (rc != 0 || (fd = ipc_connect(cause)) == -1)
			return (-1);
		rc = -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (ipc_write_all(fd, frame->data, frame->len, deadline, cause) != 0) {
		/*
		 * A daemon that hung up at once (another user's, say) may
		 * have said why before it did: read that, if it is there.
		 */
		if (errno != EPIPE && errno != ECONNRESET)
			goto out;
		free(*cause);
		*cause = NULL;
	}
	if (ipc_read_n(fd, &hdr, PROTOCOL_HEADER_SIZE, deadline, cause) != 0)
		goto out;
	reply->version = protocol_header_version(hdr.data);
	if (protocol_header(hdr.data, &len, &reply->type, &why) != 0) {
		*cause = xstrdup(why);
		goto out;
	}
	if (ipc_read_n(fd, &reply->payload, len, deadline, cause) != 0)
		goto out;
	rc = 0;
out:
	if (rc != 0 && errno == ETIMEDOUT) {
		free(*cause);
		*cause = ipc_timeout_cause(fd, timeout_ms);
		errno = ETIMEDOUT;
	}
	buf_release(&hdr);
	close(fd);
	return (rc);
}

void
ipc_reply_release(struct ipc_reply *reply)
{
	buf_release(&reply->payload);
}

int
ipc_dir_request(enum msg_type type, const char *dir, struct ipc_reply *reply,
    int timeout_ms, char **cause)
{
	struct buf	 b = BUF_INIT;
	size_t		 off;
	int		 rc;

	off = protocol_begin(&b, type);
	protocol_put_str(&b, dir);
	protocol_end(&b, off);
	rc = ipc_request(&b, reply, timeout_ms, 1, cause);
	buf_release(&b);
	if (rc == 0 && reply->type == MSG_ERROR) {
		*cause = reply_text(reply);
		ipc_reply_release(reply);
		return (-1);
	}
	return (rc);
}
