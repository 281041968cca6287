/*
 * hearthd: the per-user daemon that keeps Nix dev shells warm.
 *
 * Start-up order matters: take the per-user lock first (so two daemons
 * never share a socket or a store), open the store, then listen, and only
 * then tell a waiting `hearth daemon start` that the daemon is ready. The
 * lock is in the state directory, beside the store it guards, and not in
 * the runtime directory, which a cleaner may remove under a running
 * daemon (rundir.c then makes it and the socket again). A hearthd that
 * finds the lock taken exits with PATH_EXIT_RUNNING, which tells a client
 * that started it to connect to the running one.
 * Without -f the daemon detaches, and the parent exits once the child is
 * listening (or has failed), so the caller can connect at once.
 *
 * The daemon's layers, top to bottom; each calls only layers below it, and
 * what a lower layer needs from above it is given, as operations or
 * callbacks, when it is started or made:
 *   1 hearthd.c    main: wires the layers (starts and stops each, job.c's
 *                  leftovers too).
 *   2 request.c    the handlers: workspace, devshell, store, server,
 *                  liveshells.
 *   3 workspace.c  the coordinator: devshell, names, roots, gc, trust,
 *                  watchset, shellmap, scheduler, changed, store, inputs,
 *                  liveshells; its trust in workspace_trust.c (trust,
 *                  trustconf); what requests ask of it in
 *                  workspace_query.c (devshell, names, trust,
 *                  trustconf).
 *   4 devshell.c   one shell: devenv, eval, scheduler, store, inputs, and
 *                  below it devshell_eval.c, its evaluations (devenv, eval,
 *                  scheduler, changed, store, inputs, gitindex).
 *     names.c roots.c gc.c  workspace parts: eval, devenv, scheduler,
 *                  changed, store, inputs.
 *   5 devenv.c trust.c watchset.c shellmap.c: store, attrs, inputs,
 *                  watcher, scheduler, gitindex; trust.c also trustconf.
 *   6 scheduler.c (nothing of the daemon), changed.c (generation, server),
 *     eval.c (job, readset, envdump), readset.c (inputs, gitindex, hookreads),
 *     hookreads.c (inputs), nixprobe.c (job, changed).
 *   7 server.c (the transport: knows no request), job.c, generation.c,
 *     store.c (with store_snapshot.c, store_eval.c, store_trust.c),
 *     inputs.c, attrs.c, gitindex.c, watcher.c, settings.c, trustconf.c,
 *     rundir.c, liveshells.c (which shells have a workspace applied),
 *     envdump.c (the environment dumps of an evaluation's stage 2).
 *   8 baseenv.c (settings, eval: the environments evaluations start
 *     from).
 * Each file's interface is its own header (daemon/NAME.h); a file
 * includes only the headers of what it calls.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "generation.h"
#include "job.h"
#include "liveshells.h"
#include "nixprobe.h"
#include "request.h"
#include "rundir.h"
#include "scheduler.h"
#include "server.h"
#include "settings.h"
#include "store.h"
#include "workspace.h"

static uv_loop_t	*loop;
static uv_signal_t	 sig_term, sig_int;
static int		 stopping;
static char		*rundir;

static void	hearthd_shutdown(void);

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hearthd [-fv]\n"
	    "\n"
	    "The hearth daemon: evaluates the dev shells of allowed Nix\n"
	    "flake workspaces in the background and serves them to `hearth`.\n"
	    "It is started on demand by `hearth`, or by systemd through\n"
	    "hearthd.socket (then it stays in the foreground); run it by\n"
	    "hand to debug.\n"
	    "\n"
	    "  -f, --foreground  stay in the foreground and log to stderr\n"
	    "  -v, --verbose     log debug messages\n"
	    "  -h, --help        show this help\n"
	    "\n"
	    "Socket: $XDG_RUNTIME_DIR/hearth/hearthd.sock\n"
	    "State:  $XDG_STATE_HOME/hearth/ (store.db, hearthd.log,\n"
	    "        hearthd-HOSTNAME.lock)\n"
	    "Environment: HEARTH_NIX (the nix program), HEARTH_EVAL_TIMEOUT\n"
	    "(seconds), HEARTH_MAX_EVALS (concurrent Nix runs).\n");
}

/*
 * The runtime directory or the socket was removed: make them again, and
 * a new generation file, so that clients reach this daemon and not a new
 * one. A daemon that cannot be reached stops.
 */
static int
hearthd_rundir_gone(void)
{
	char	*dir, *cause = NULL;

	if (stopping)
		return (-1);
	log_warnx("%s or its socket was removed: making them again", rundir);
	if ((dir = path_runtime_dir(&cause)) == NULL ||
	    strcmp(dir, rundir) != 0 || server_rebind(&cause) != 0) {
		log_warnx("stopping, since no client can reach this hearthd: "
		    "%s", cause != NULL ? cause : "the runtime directory "
		    "moved");
		free(cause);
		free(dir);
		hearthd_shutdown();
		return (-1);
	}
	free(dir);
	generation_bump("the runtime directory was made again");
	return (0);
}

/*
 * Take the per-user lock in dir: the lock's fd, or -1 with errno (EEXIST:
 * another hearthd holds it) and *cause.
 */
static int
hearthd_lock_in(const char *dir, char **cause)
{
	char	*lockpath;
	int	 fd, err;

	lockpath = path_lock(dir);
	if ((fd = open(lockpath, O_RDWR|O_CREAT|O_CLOEXEC, 0600)) == -1) {
		err = errno;
		*cause = xasprintf("cannot open %s (%s): make the state "
		    "directory writable, or set XDG_STATE_HOME to a writable "
		    "directory", lockpath, strerror(err));
		free(lockpath);
		errno = err;
		return (-1);
	}
	if (flock(fd, LOCK_EX|LOCK_NB) == -1) {
		err = errno;
		if (err == EWOULDBLOCK) {
			*cause = xstrdup("another hearthd is already running "
			    "for this user (hearth daemon status)");
			err = EEXIST;
		} else
			*cause = xasprintf("cannot lock %s: %s", lockpath,
			    strerror(err));
		close(fd);
		free(lockpath);
		errno = err;
		return (-1);
	}
	free(lockpath);
	return (fd);
}

/*
 * Take the per-user lock, in the state directory: the lock's fd, or -1
 * after saying why on stderr (and exiting PATH_EXIT_RUNNING when another
 * hearthd holds it). Where that file system has no locks (some NFS), the
 * lock is taken in the runtime directory instead, and *where says so.
 */
static int
hearthd_lock(const char *statedir, const char *fallback, int *status,
    const char **where)
{
	char	*cause = NULL;
	int	 fd;

	*status = 1;
	/* Root passes access(2), but not a read-only file system. */
	if (access(statedir, W_OK|X_OK) == -1) {
		fprintf(stderr, "hearthd: cannot write to the state directory "
		    "%s (%s): make it writable, or set XDG_STATE_HOME to a "
		    "writable directory\n", statedir, strerror(errno));
		return (-1);
	}
	*where = statedir;
	fd = hearthd_lock_in(statedir, &cause);
	if (fd == -1 && (errno == ENOLCK || errno == EOPNOTSUPP ||
	    errno == ENOSYS)) {
		free(cause);
		cause = NULL;
		*where = fallback;
		fd = hearthd_lock_in(fallback, &cause);
	}
	if (fd == -1) {
		if (errno == EEXIST)
			*status = PATH_EXIT_RUNNING;
		fprintf(stderr, "hearthd: %s\n", cause);
		free(cause);
	}
	return (fd);
}

static void
signal_closed(uv_handle_t *h)
{
	(void)h;
}

/* Begin an orderly shutdown: stop listening, cancel evaluations, exit. */
static void
hearthd_shutdown(void)
{
	if (stopping)
		return;
	stopping = 1;
	log_info("shutting down");
	rundir_stop();
	server_stop();
	nixprobe_stop();
	scheduler_shutdown();
	job_shutdown();
	workspace_unwatch();
	uv_close((uv_handle_t *)&sig_term, signal_closed);
	uv_close((uv_handle_t *)&sig_int, signal_closed);
	/*
	 * The loop ends by itself once the cancelled evaluations and the
	 * watcher have closed their handles.
	 */
}

static void
on_signal(uv_signal_t *s, int signum)
{
	(void)s;
	log_info("signal %d", signum);
	hearthd_shutdown();
}

/* The default cap on concurrent evaluations: half the cores, at least 1. */
static unsigned
max_evals(void)
{
	const char	*v = getenv("HEARTH_MAX_EVALS");
	long		 n;

	if (v != NULL && atoi(v) > 0)
		return ((unsigned)atoi(v));
	n = sysconf(_SC_NPROCESSORS_ONLN) / 2;
	return (n < 1 ? 1 : (unsigned)n);
}

/*
 * Detach. The parent waits on a pipe until the child says it is ready and
 * returns 0 (ready) or 1 (the child failed, and said why on stderr) for
 * main to exit with; the child returns -1 and goes on.
 */
static int
daemonize(int *ready_fd)
{
	int	 p[2], fd;
	pid_t	 pid;
	ssize_t	 n;
	char	 c = 0;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	switch ((pid = fork())) {
	case -1:
		fatal("fork");
	case 0:
		break;
	default:
		close(p[1]);
		while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
			;
		close(p[0]);
		return (n == 1 && c == 'R' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	/* Hold no directory busy; every path the daemon uses is absolute. */
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	*ready_fd = p[1];
	return (-1);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct store	*store = NULL;
	char		*statedir = NULL, *sock;
	const char	*lockdir;
	char		*dbpath;
	char		*logpath, *cause = NULL;
	int		 ch, foreground = 0, verbose = 0, lockfd, ready = -1, rc;
	int		 devnull, listenfd;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "fvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			foreground = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return (0);
		default:
			fprintf(stderr, "hearthd: unknown option: %s (see "
			    "hearthd --help)\n", argv[optind - 1]);
			return (2);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "hearthd: unexpected argument: %s (see "
		    "hearthd --help)\n", argv[optind]);
		return (2);
	}
	log_init("hearthd", NULL, LOG_STDERR_ALL, verbose);
	signal(SIGPIPE, SIG_IGN);
	umask(077);
	/*
	 * Socket activation: the descriptor is meant for this pid, so look
	 * before detaching. A service manager supervises the daemon, which
	 * must not fork away from it.
	 */
	if (server_inherited(&listenfd, &cause) != 0) {
		fprintf(stderr, "hearthd: %s\n", cause);
		free(cause);
		return (1);
	}
	if (listenfd != -1)
		foreground = 1;

	if ((rundir = path_runtime_dir(&cause)) == NULL ||
	    (statedir = path_state_dir(&cause)) == NULL) {
		fprintf(stderr, "hearthd: %s\n", cause);
		free(cause);
		free(rundir);
		return (1);
	}
	if ((lockfd = hearthd_lock(statedir, rundir, &rc, &lockdir)) == -1) {
		free(rundir);
		free(statedir);
		return (rc);
	}
	if (!foreground && (rc = daemonize(&ready)) != -1) {
		free(rundir);
		free(statedir);
		return (rc);
	}

	logpath = path_join(statedir, "hearthd.log");
	/* A detached daemon still reports start-up failures to its starter. */
	log_init("hearthd", logpath, foreground ? LOG_STDERR_ALL :
	    LOG_STDERR_WARN, verbose);
	log_info("starting (pid %d)", (int)getpid());
	if (lockdir == rundir)
		log_warnx("%s cannot lock files: the lock is in %s, which a "
		    "cleaner may remove", statedir, rundir);

	loop = uv_default_loop();
	dbpath = path_join(statedir, "store.db");
	if ((store = store_open(dbpath, &cause)) == NULL)
		fatalx("cannot open the store: %s", cause);
	scheduler_init(loop, max_evals(), &workspace_scheduler_hooks);
	sock = path_socket(rundir);
	request_init(hearthd_shutdown);
	if (server_start(loop, sock, listenfd, &request_server_ops, &cause) != 0)
		fatalx("%s", cause);
	generation_init(rundir);
	if (rundir_start(loop, rundir, sock, hearthd_rundir_gone,
	    &cause) != 0) {
		/* Only a cleaned runtime directory needs it. */
		log_warnx("%s", cause);
		free(cause);
		cause = NULL;
	}
	settings_init(loop, store, statedir);
	nixprobe_start(loop, settings.nix, settings.nix_env);
	if (workspace_start(&cause) != 0)
		fatalx("%s", cause);
	uv_signal_init(loop, &sig_term);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	uv_signal_init(loop, &sig_int);
	uv_signal_start(&sig_int, on_signal, SIGINT);

	if (ready != -1) {
		/* Ready: release the parent, and stop writing to stderr. */
		if (write(ready, "R", 1) != 1)
			log_warn("cannot signal readiness");
		close(ready);
		if ((devnull = open("/dev/null", O_WRONLY)) != -1) {
			dup2(devnull, STDERR_FILENO);
			close(devnull);
		}
		log_init("hearthd", logpath, LOG_STDERR_NONE, verbose);
	}
	log_info("listening on %s", sock);

	uv_run(loop, UV_RUN_DEFAULT);

	workspace_stop();
	liveshells_free();
	scheduler_free();
	generation_free();
	settings_free();
	store_close(store);
	if (uv_loop_close(loop) != 0)
		log_warnx("the loop still had handles open at exit");
	log_info("stopped");
	log_close();
	free(rundir);
	free(statedir);
	free(sock);
	free(dbpath);
	free(logpath);
	close(lockfd);
	return (0);
}
