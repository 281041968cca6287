/*
 * `hearth daemon start|stop|status`: manage hearthd by hand. Every other
 * command starts the daemon when it is not running, so this is rarely
 * needed.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

static int	cmd_daemon_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_daemon_entry = {
	.name = "daemon",
	.args = "start|stop|status",
	.min_args = 1,
	.max_args = 1,
	.complete = CMD_COMPLETE_WORDS,
	.words = "start stop status",
	.summary = "start, stop or check hearthd",
	.help =
	    "status exits 0 when hearthd answers and 1 when it does not: not\n"
	    "running, or holding the socket without answering (stopped or\n"
	    "wedged), which it names with its pid. stop stops a hearthd that\n"
	    "does not answer with SIGTERM and SIGCONT.\n",
	.exec = cmd_daemon_exec,
};

/*
 * Ask the daemon for its pid and version; -1 if it does not answer, with
 * errno ETIMEDOUT if it took the connection but not in time.
 */
static int
daemon_ping(uint32_t *pid, char **version)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	struct protocol_reader	 r;
	char			*cause = NULL;
	size_t			 off;
	int			 rc, err;

	off = protocol_begin(&b, MSG_PING);
	protocol_end(&b, off);
	rc = ipc_request(&b, &reply, IPC_DEADLINE_MS, 0, &cause);
	err = errno;
	buf_release(&b);
	free(cause);
	if (rc != 0) {
		errno = err;
		return (-1);
	}
	protocol_reader_init(&r, reply.payload.data, reply.payload.len);
	*pid = protocol_get_u32(&r);
	*version = protocol_get_str(&r);
	rc = reply.type == MSG_PONG && protocol_reader_done(&r) == 0 ? 0 : -1;
	if (rc != 0) {
		free(*version);
		*version = NULL;
	}
	ipc_reply_release(&reply);
	return (rc);
}

static int
daemon_start(void)
{
	uint32_t	 pid;
	char		*version = NULL, *cause = NULL, **env;
	int		 rc;

	if (daemon_ping(&pid, &version) == 0) {
		printf("hearth: hearthd is already running (pid %u)\n", pid);
		free(version);
		return (EXIT_OK);
	}
	env = envstate_base_environ();
	rc = ipc_start_daemon(IPC_START_MS, env, &cause);
	envstate_free_environ(env);
	if (rc != 0 || daemon_ping(&pid, &version) != 0) {
		fprintf(stderr, "hearth daemon start: %s\n",
		    cause ? cause : "hearthd does not answer");
		free(cause);
		return (EXIT_FAIL);
	}
	printf("hearth: hearthd started (pid %u)\n", pid);
	free(version);
	return (EXIT_OK);
}

/* 1 while a hearthd holds the per-user lock (it is running). */
static int
daemon_locked(void)
{
	char	*statedir, *lockpath, *cause = NULL;
	int	 fd, locked = 0;

	if ((statedir = path_state_dir(&cause)) == NULL) {
		free(cause);
		return (0);
	}
	lockpath = path_lock(statedir);
	if ((fd = open(lockpath, O_RDONLY|O_CLOEXEC)) != -1) {
		locked = flock(fd, LOCK_SH|LOCK_NB) == -1 &&
		    errno == EWOULDBLOCK;
		close(fd);
	}
	free(lockpath);
	free(statedir);
	return (locked);
}

/*
 * A hearthd of another protocol cannot read STOP: SIGTERM, which every
 * hearthd handles as a clean shutdown, reaches it whatever it speaks.
 */
static int
daemon_stop_by_signal(uint16_t version)
{
	char	*cause = NULL;
	pid_t	 pid;

	if ((pid = ipc_daemon_pid(&cause)) == -1 || kill(pid, SIGTERM) == -1) {
		fprintf(stderr, "hearth daemon stop: the running hearthd speaks "
		    "protocol %u, this hearth %d, and it cannot be signalled: "
		    "%s\n", version, PROTOCOL_VERSION, cause != NULL ? cause :
		    strerror(errno));
		free(cause);
		return (-1);
	}
	printf("hearth: the running hearthd (pid %d) speaks protocol %u, this "
	    "hearth %d: sent it SIGTERM\n", (int)pid, version,
	    PROTOCOL_VERSION);
	return (0);
}

/* 1 if pid is stopped (SIGSTOP, or a debugger), from /proc. */
static int
daemon_is_stopped(pid_t pid)
{
	char	*path, line[512], *paren;
	FILE	*f;
	int	 stopped = 0;

	path = xasprintf("/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		/* The state follows the last ')': comm may hold one. */
		if (fgets(line, sizeof line, f) != NULL &&
		    (paren = strrchr(line, ')')) != NULL)
			stopped = paren[1] == ' ' &&
			    (paren[2] == 'T' || paren[2] == 't');
		fclose(f);
	}
	free(path);
	return (stopped);
}

/*
 * A hearthd that holds the socket but does not answer, stopped or wedged:
 * SIGTERM, then SIGCONT so that a stopped one wakes to handle it.
 */
static int
daemon_stop_wedged(pid_t *pidp)
{
	char	*cause = NULL;
	pid_t	 pid;

	if ((pid = ipc_daemon_pid(&cause)) == -1) {
		fprintf(stderr, "hearth daemon stop: hearthd does not answer "
		    "and cannot be signalled: %s\n", cause);
		free(cause);
		return (-1);
	}
	if (kill(pid, SIGTERM) == -1 || kill(pid, SIGCONT) == -1) {
		fprintf(stderr, "hearth daemon stop: hearthd (pid %d) does not "
		    "answer and cannot be signalled: %s: run kill -KILL %d\n",
		    (int)pid, strerror(errno), (int)pid);
		return (-1);
	}
	printf("hearth: hearthd (pid %d) did not answer: sent it SIGTERM and "
	    "SIGCONT\n", (int)pid);
	*pidp = pid;
	return (0);
}

static int
daemon_stop(void)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	char			*cause = NULL;
	size_t			 off;
	pid_t			 pid = -1;
	int			 i, err;

	off = protocol_begin(&b, MSG_STOP);
	protocol_end(&b, off);
	if (ipc_request(&b, &reply, IPC_DEADLINE_MS, 0, &cause) != 0) {
		err = errno;
		buf_release(&b);
		ipc_reply_release(&reply);
		if (!ipc_daemon_alive() && daemon_locked()) {
			fprintf(stderr, "hearth daemon stop: a hearthd holds "
			    "the lock but does not listen (%s): was it started "
			    "with another XDG_RUNTIME_DIR?\n", cause);
			free(cause);
			return (EXIT_FAIL);
		}
		if (!ipc_daemon_alive()) {
			printf("hearth: hearthd is not running\n");
			free(cause);
			return (EXIT_OK);
		}
		if (reply.version != 0 && reply.version != PROTOCOL_VERSION) {
			free(cause);
			if (daemon_stop_by_signal(reply.version) != 0)
				return (EXIT_FAIL);
		} else if (err == ETIMEDOUT) {
			free(cause);
			if (daemon_stop_wedged(&pid) != 0)
				return (EXIT_FAIL);
		} else {
			fprintf(stderr, "hearth daemon stop: %s\n", cause);
			free(cause);
			return (EXIT_FAIL);
		}
	} else {
		buf_release(&b);
		ipc_reply_release(&reply);
	}
	/*
	 * Wait until the daemon has exited and released its lock, so that a
	 * start right after this gets a new daemon, not a refusal.
	 */
	for (i = 0; i < 500 && daemon_locked(); i++)
		usleep(10000);
	if (daemon_locked()) {
		if (pid != -1)
			fprintf(stderr, "hearth daemon stop: hearthd (pid %d) "
			    "is still running after 5 s: run kill -KILL %d\n",
			    (int)pid, (int)pid);
		else
			fprintf(stderr, "hearth daemon stop: hearthd is still "
			    "running after 5 s\n");
		return (EXIT_FAIL);
	}
	printf("hearth: hearthd stopped\n");
	return (EXIT_OK);
}

/* Status of a hearthd that holds the socket or lock but does not answer. */
static int
daemon_status_wedged(void)
{
	char	*cause = NULL;
	pid_t	 pid;

	if ((pid = ipc_daemon_pid(&cause)) == -1) {
		printf("hearth: a hearthd holds the lock but does not answer "
		    "(%s): run hearth daemon stop\n", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	if (daemon_is_stopped(pid))
		printf("hearth: hearthd (pid %d) holds the socket but does not "
		    "answer: it is stopped; run kill -CONT %d, or hearth daemon "
		    "stop\n", (int)pid, (int)pid);
	else
		printf("hearth: hearthd (pid %d) holds the socket but does not "
		    "answer in %d s: it is busy or wedged; run hearth daemon "
		    "stop\n", (int)pid, IPC_DEADLINE_MS / 1000);
	return (EXIT_FAIL);
}

static int
daemon_status(void)
{
	uint32_t	 pid;
	char		*version = NULL, *rundir, *sock = NULL, *cause = NULL;

	if (daemon_ping(&pid, &version) != 0) {
		if (errno == ETIMEDOUT || daemon_locked())
			return (daemon_status_wedged());
		printf("hearth: hearthd is not running\n");
		return (EXIT_FAIL);
	}
	if ((rundir = path_runtime_dir(&cause)) != NULL)
		sock = path_socket(rundir);
	printf("hearth: hearthd %s is running (pid %u, socket %s)\n",
	    version, pid, sock ? sock : "?");
	free(sock);
	free(rundir);
	free(cause);
	free(version);
	return (EXIT_OK);
}

static int
cmd_daemon_exec(const struct cmd_parsed *p)
{
	const char	*action = cmd_arg(p, 0);

	if (strcmp(action, "start") == 0)
		return (daemon_start());
	if (strcmp(action, "stop") == 0)
		return (daemon_stop());
	if (strcmp(action, "status") == 0)
		return (daemon_status());
	return (cmd_usage_error(&cmd_daemon_entry, "unknown action: %s",
	    action));
}
