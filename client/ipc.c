/*
 * The client side of the control socket: connect, send one frame, read one
 * reply, all within a deadline, because `hearth export` runs at every
 * prompt and must never hang it. A daemon that is not running is started
 * on demand (like tmux's server), with the lock in hearthd making
 * concurrent starts safe: the client waits, within its deadline, for the
 * daemon it started or for the one that won the race, and shows what
 * hearthd said only when it could not start at all.
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
 * What a hearthd that failed to start said: its last line, without the
 * program's name, or NULL.
 */
static char *
ipc_start_error(struct buf *err)
{
	char	*line, *end;

	buf_addc(err, '\0');
	end = err->data + strlen(err->data);
	while (end > err->data && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	if (end == err->data)
		return (NULL);
	line = strrchr(err->data, '\n');
	line = line != NULL ? line + 1 : err->data;
	if (strncmp(line, "hearthd: ", 9) == 0)
		line += 9;
	return (xstrdup(line));
}

/* A hearthd holds the lock, but not the socket this client connects to. */
static char *
ipc_start_elsewhere(void)
{
	char	*statedir, *rundir, *lock, *sock, *cause = NULL, *msg;

	if ((statedir = path_state_dir(&cause)) == NULL ||
	    (rundir = path_runtime_dir(&cause)) == NULL) {
		free(statedir);
		return (cause);
	}
	lock = path_lock(statedir);
	sock = path_socket(rundir);
	msg = xasprintf("another hearthd holds %s but does not listen on %s: "
	    "was it started with another XDG_RUNTIME_DIR? Stop it with "
	    "hearth daemon stop under that one", lock, sock);
	free(sock);
	free(lock);
	free(rundir);
	free(statedir);
	return (msg);
}

/*
 * Wait for the hearthd we ran (pid) to exit, which it does once its
 * detached child listens or has failed, collecting what it writes on the
 * pipe fd. Its exit status, or -1 if the deadline passed first.
 */
static int
ipc_start_wait(pid_t pid, int fd, struct buf *err, int64_t deadline)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	char		 chunk[512];
	ssize_t		 n;
	int		 status, left, rc;

	for (;;) {
		if ((rc = waitpid(pid, &status, WNOHANG)) == pid)
			break;
		if (rc == -1 && errno != EINTR)
			return (-1);
		if ((left = left_ms(deadline)) == 0)
			return (-1);
		/*
		 * EOF on the pipe is not the end: the detached daemon holds
		 * it until it is ready. Read what comes, and look at the
		 * process every few milliseconds.
		 */
		if (pfd.fd != -1 && poll(&pfd, 1, left < 5 ? left : 5) > 0) {
			n = read(fd, chunk, sizeof chunk);
			if (n > 0 && err->len < 4096)
				buf_add(err, chunk, n);
			else if (n == 0)
				pfd.fd = -1;
		} else if (pfd.fd == -1)
			usleep(1000);
	}
	/* What it said before it exited is in the pipe now. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (err->len < 4096 && (n = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(err, chunk, n);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 128);
}

/*
 * Run hearthd and wait, at most wait_ms, until a daemon listens: the one
 * we ran, or the one that beat it to the lock (then ours says so and
 * exits PATH_EXIT_RUNNING, which is no error, and is not shown). If ours
 * failed, its own last line is the cause. On a timeout errno is
 * ETIMEDOUT; the daemon goes on starting, for the next request.
 */
int
ipc_start_daemon(int wait_ms, char **env, char **cause)
{
	struct buf	 err = BUF_INIT;
	char		*prog, *argv[] = { "hearthd", NULL }, *why;
	pid_t		 pid;
	int		 p[2], fd, status, rc = -1;
	int64_t		 deadline;

	deadline = monotime_ms() + wait_ms;
	prog = ipc_daemon_path();
	if (pipe2(p, O_CLOEXEC) == -1) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		free(prog);
		return (-1);
	}
	switch ((pid = fork())) {
	case -1:
		*cause = xasprintf("fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		free(prog);
		return (-1);
	case 0:
		/* Its stderr is ours to read: shown only if it fails. */
		dup2(p[1], STDERR_FILENO);
		if ((fd = open("/dev/null", O_RDWR)) != -1) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
			close(fd);
		}
		execvpe(prog, argv, env);
		fprintf(stderr, "hearthd: cannot run %s: %s\n", prog,
		    strerror(errno));
		_exit(127);
	}
	free(prog);
	close(p[1]);
	status = ipc_start_wait(pid, p[0], &err, deadline);
	close(p[0]);
	if (status == 0 || status == PATH_EXIT_RUNNING) {
		/* The winner of a race may still be starting: wait for it. */
		while (!(rc = ipc_daemon_alive()) && left_ms(deadline) > 0)
			usleep(2000);
		rc = rc ? 0 : -1;
	}
	if (rc == 0)
		goto out;
	if (status == PATH_EXIT_RUNNING && wait_ms >= IPC_START_MS) {
		/*
		 * A daemon still starting after so long is not one: it listens
		 * elsewhere. (A prompt's short wait says it is starting.)
		 */
		*cause = ipc_start_elsewhere();
		errno = EIO;
	} else if (status == -1 || status == 0 ||
	    status == PATH_EXIT_RUNNING) {
		*cause = xasprintf("hearthd did not start within %d ms",
		    wait_ms);
		errno = ETIMEDOUT;
	} else if ((why = ipc_start_error(&err)) != NULL) {
		*cause = xasprintf("hearthd cannot start: %s", why);
		free(why);
		errno = EIO;
	} else {
		*cause = xasprintf("hearthd cannot start (exit status %d; "
		    "run hearthd -f to see why)", status);
		errno = EIO;
	}
out:
	buf_release(&err);
	return (rc);
}

static int
ipc_write_all(int fd, const char *p, size_t n, int64_t deadline,
    char **cause)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLOUT };
	ssize_t		 w;
	int		 rc;

	while (n > 0) {
		if ((rc = poll(&pfd, 1, left_ms(deadline))) == 0) {
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
		if ((rc = poll(&pfd, 1, left_ms(deadline))) == 0) {
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
	int		 fd, start_ms, rc = -1;

	deadline = timeout_ms < 0 ? -1 : monotime_ms() + timeout_ms;
	buf_init(&reply->payload);
	reply->version = 0;
	if ((fd = ipc_connect(cause)) == -1) {
		if (!autostart || (errno != ENOENT && errno != ECONNREFUSED))
			return (-1);
		free(*cause);
		*cause = NULL;
		start_ms = IPC_START_MS;
		if (deadline >= 0 && left_ms(deadline) < start_ms)
			start_ms = left_ms(deadline);
		env = envstate_base_environ();
		rc = ipc_start_daemon(start_ms, env, cause);
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
