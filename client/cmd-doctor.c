/*
 * `hearth doctor`: check what hearth needs, one line per check, with the
 * fix for each one that fails: Nix and its version, flakes, how hearth
 * follows the inputs with this Nix, the runtime directory, the daemon and
 * its version, inotify limits and the shell hook. It sees only what this
 * process can: its own environment (a running daemon keeps the one it
 * started with), the user's rc files (not what the running shell has
 * loaded) and /proc.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/nix.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "doctor.h"
#include "hearth.h"

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.1.0"
#endif

/* What a check may read of a program's output; how long (s) it may run. */
#define DOCTOR_MAX_OUTPUT	(64 * 1024)
#define DOCTOR_NIX_TIMEOUT	10
#define DOCTOR_EVAL_TIMEOUT	30
/* inotify: fail when the daemon alone uses this share of the limit. */
#define DOCTOR_WATCH_PERCENT	90

static int	cmd_doctor_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_doctor_entry = {
	.name = "doctor",
	.args = "",
	.summary = "check Nix, the daemon, inotify and the shell hook",
	.help =
	    "One line per check: ok, FAIL (with the fix) or skip (when an\n"
	    "earlier failure leaves nothing to check). Exits 1 when any\n"
	    "check fails. The checks see this shell's environment (PATH,\n"
	    "HEARTH_NIX); a running hearthd keeps the environment it was\n"
	    "started with. The hook check reads the rc files of $SHELL: it\n"
	    "cannot see what the running shell has loaded. hearthd is\n"
	    "started if it is not running, as any command would.\n",
	.exec = cmd_doctor_exec,
};

/* The first line of a program's output, for a one-line report. */
static char *
doctor_first_line(const struct buf *out)
{
	const char	*p = out->data;

	while (*p == '\n' || *p == ' ')
		p++;
	if (*p == '\0')
		return (xstrdup("no output"));
	return (xstrndup(p, strcspn(p, "\n")));
}

static void
doctor_check_nix(struct doctor *d)
{
	static const char	 fix[] = "install Nix (Debian: apt-get install "
	    "nix-bin; elsewhere see nixos.org/download), or point HEARTH_NIX "
	    "at the nix program";
	struct runner_result	 r;
	struct nix_argv		*argv;
	const char		*env = getenv("HEARTH_NIX");
	char			*why, *cause = NULL;
	int			 rc;

	if (env != NULL && *env != '\0') {
		if ((d->nix = path_which(env)) == NULL) {
			doctor_fail(d, "nix", fix, "HEARTH_NIX=%s is not an "
			    "executable program", env);
			return;
		}
	} else if ((d->nix = path_which("nix")) == NULL) {
		doctor_fail(d, "nix", fix, "nix is not in PATH");
		return;
	}
	argv = nix_argv_version(d->nix);
	runner_result_init(&r);
	rc = runner_run(nix_argv_vector(argv), NULL, DOCTOR_NIX_TIMEOUT,
	    DOCTOR_MAX_OUTPUT, &r, &cause);
	nix_argv_free(argv);
	if (rc != 0) {
		doctor_fail(d, "nix", "check the Nix installation (run nix "
		    "--version)", "cannot run %s --version: %s", d->nix, cause);
		free(cause);
	} else if (r.timed_out)
		doctor_fail(d, "nix", "check the Nix installation (run nix "
		    "--version)", "%s --version did not finish in %d s",
		    d->nix, DOCTOR_NIX_TIMEOUT);
	else if (!runner_ok(&r)) {
		why = runner_why(&r, DOCTOR_NIX_TIMEOUT);
		doctor_fail(d, "nix", "check the Nix installation (run nix "
		    "--version)", "%s --version failed: %s", d->nix, why);
		free(why);
	} else {
		d->version_line = doctor_first_line(&r.out);
		d->have_version = nix_version_parse(&d->version, r.out.data,
		    r.out.len) == 0;
		doctor_ok(d, "nix", "%s, %s", d->nix, d->version_line);
	}
	if (d->version_line == NULL) {
		free(d->nix);
		d->nix = NULL;
	}
	runner_result_release(&r);
}

/* The probe the daemon runs (nixprobe.c), judged the same way. */
static void
doctor_check_flakes(struct doctor *d)
{
	struct runner_result	 r;
	struct nix_argv		*argv;
	char			*why = NULL, *cause = NULL, *cmd, *fix;
	int			 rc;

	if (d->nix == NULL) {
		doctor_skip(d, "flakes", "no working nix to ask");
		return;
	}
	argv = nix_argv_flakes_probe(d->nix);
	cmd = nix_argv_text(argv);
	runner_result_init(&r);
	rc = runner_run(nix_argv_vector(argv), NULL, DOCTOR_EVAL_TIMEOUT,
	    DOCTOR_MAX_OUTPUT, &r, &cause);
	nix_argv_free(argv);
	fix = xasprintf("check that the Nix store and daemon work (run %s)",
	    cmd);
	if (rc != 0) {
		doctor_fail(d, "flakes", fix, "cannot run %s: %s", cmd, cause);
		free(cause);
	} else if (r.timed_out)
		doctor_fail(d, "flakes", fix, "%s did not finish in %d s", cmd,
		    DOCTOR_EVAL_TIMEOUT);
	else if (nix_flakes_judge(runner_ok(&r), r.out.data, r.out.len,
	    r.err.data, r.err.len, &why))
		doctor_ok(d, "flakes", "usable (hearth passes "
		    "--extra-experimental-features 'nix-command flakes' "
		    "itself: nix.conf need not enable them)");
	else
		doctor_fail(d, "flakes", "hearth needs Nix 2.4 or newer "
		    "(flakes and the nix command); upgrade Nix",
		    "%s cannot use flakes: %s", d->nix, why);
	free(why);
	free(fix);
	free(cmd);
	runner_result_release(&r);
}

/*
 * Which Nix it is, whether hearth knows how it logs what an evaluation
 * read, and what that means for the files hearth watches.
 */
static void
doctor_check_tracking(struct doctor *d)
{
	enum nix_dialect	 dl;

	if (d->nix == NULL) {
		doctor_skip(d, "input tracking", "no working nix to ask");
		return;
	}
	dl = nix_dialect(d->have_version ? &d->version : NULL);
	if (!d->have_version)
		doctor_ok(d, "input tracking", "cannot tell which Nix says "
		    "\"%.80s\"; %s", d->version_line, nix_dialect_tracking(dl));
	else
		doctor_ok(d, "input tracking", "%s: hearth %s its logs (%s); "
		    "%s", d->version_line, nix_dialect_known(dl) ? "knows" :
		    "has not tested", nix_dialect_name(dl),
		    nix_dialect_tracking(dl));
}

static void
doctor_check_rundir(struct doctor *d)
{
	const char	*base = getenv("XDG_RUNTIME_DIR");
	struct stat	 st;
	char		*dir, *fix;

	if (base != NULL && base[0] == '/')
		dir = path_join(base, "hearth");
	else
		dir = xasprintf("/tmp/hearth-%u", (unsigned)getuid());
	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT) {
			doctor_ok(d, "runtime directory", "%s does not exist "
			    "yet (hearth creates it with mode 0700)", dir);
			d->rundir_ok = 1;
		} else
			doctor_fail(d, "runtime directory", "check the "
			    "permissions of its parent", "%s: %s", dir,
			    strerror(errno));
	} else if (!S_ISDIR(st.st_mode)) {
		fix = xasprintf("remove it (rm %s); hearth creates the "
		    "directory", dir);
		doctor_fail(d, "runtime directory", fix, "%s is not a "
		    "directory", dir);
		free(fix);
	} else if (st.st_uid != getuid()) {
		doctor_fail(d, "runtime directory", "have it removed (it is "
		    "not yours), or set XDG_RUNTIME_DIR to a directory of your "
		    "own", "%s is owned by uid %u, not by you (uid %u)", dir,
		    (unsigned)st.st_uid, (unsigned)getuid());
	} else if ((st.st_mode & 077) != 0) {
		fix = xasprintf("chmod 700 %s", dir);
		doctor_fail(d, "runtime directory", fix, "%s has mode %04o; "
		    "it holds the socket and must be 0700", dir,
		    (unsigned)(st.st_mode & 07777));
		free(fix);
	} else {
		doctor_ok(d, "runtime directory", "%s is yours, mode 0700",
		    dir);
		d->rundir_ok = 1;
	}
	free(dir);
}

/*
 * PING: the daemon's pid and version; -1 with *cause. *protocol is the one
 * its reply's header names, 0 if no reply came.
 */
static int
doctor_ping(uint32_t *pid, char **version, uint16_t *protocol, char **cause)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	struct protocol_reader	 r;
	size_t			 off;
	int			 rc;

	off = protocol_begin(&b, MSG_PING);
	protocol_end(&b, off);
	rc = ipc_request(&b, &reply, IPC_DEADLINE_MS, 0, cause);
	buf_release(&b);
	*protocol = reply.version;
	if (rc != 0)
		return (-1);
	if (reply.type == MSG_ERROR) {
		*cause = reply_text(&reply);
		ipc_reply_release(&reply);
		return (-1);
	}
	protocol_reader_init(&r, reply.payload.data, reply.payload.len);
	*pid = protocol_get_u32(&r);
	*version = protocol_get_str(&r);
	rc = reply.type == MSG_PONG && protocol_reader_done(&r) == 0 ? 0 : -1;
	if (rc != 0) {
		free(*version);
		*version = NULL;
		*cause = xstrdup("hearthd sent a malformed reply");
	}
	ipc_reply_release(&reply);
	return (rc);
}

static void
doctor_check_daemon(struct doctor *d)
{
	static const char	 logfix[] = "run `hearthd -f` to see why it "
	    "does not start; its log is $XDG_STATE_HOME/hearth/hearthd.log";
	uint32_t		 pid;
	uint16_t		 protocol;
	char			*version = NULL, *cause = NULL, **env, *fix;
	const char		*started = "";
	int			 rc;

	if (!d->rundir_ok) {
		doctor_skip(d, "hearthd", "not reachable while the runtime "
		    "directory is unusable (see above)");
		return;
	}
	if (doctor_ping(&pid, &version, &protocol, &cause) != 0) {
		/*
		 * A hearthd of another protocol rejects our PING in a frame
		 * whose header names its own; `hearth daemon stop` signals
		 * it, since it cannot read our STOP.
		 */
		if (protocol != 0 && protocol != PROTOCOL_VERSION) {
			doctor_fail(d, "hearthd", "hearth daemon stop (it sends "
			    "that hearthd SIGTERM); the next command starts "
			    "this version", "the running hearthd "
			    "speaks protocol %u, this hearth protocol %d",
			    (unsigned)protocol, PROTOCOL_VERSION);
			free(cause);
			return;
		}
		if (ipc_daemon_alive()) {
			doctor_fail(d, "hearthd", logfix, "%s", cause ? cause :
			    "no answer");
			free(cause);
			return;
		}
		free(cause);
		cause = NULL;
		env = envstate_base_environ();
		rc = ipc_start_daemon(IPC_START_MS, env, &cause);
		envstate_free_environ(env);
		if (rc != 0 ||
		    doctor_ping(&pid, &version, &protocol, &cause) != 0) {
			doctor_fail(d, "hearthd", logfix, "not running, and "
			    "it did not start: %s", cause ? cause :
			    "no answer");
			free(cause);
			return;
		}
		started = "; it was not running: doctor started it";
	}
	d->daemon_pid = pid;
	if (strcmp(version, HEARTH_VERSION) != 0) {
		fix = xasprintf("hearth daemon stop (the next command starts "
		    "hearthd %s)", HEARTH_VERSION);
		doctor_fail(d, "hearthd", fix, "the running hearthd (pid %u) "
		    "is %s, this hearth is %s", pid, version, HEARTH_VERSION);
		free(fix);
	} else
		doctor_ok(d, "hearthd", "%s answers, pid %u, protocol %d%s",
		    version, pid, PROTOCOL_VERSION, started);
	free(version);
}

/* The inotify watches one process holds: `inotify wd:` lines in fdinfo. */
static long
doctor_count_watches(uint32_t pid)
{
	char		*dir, *path, line[512];
	DIR		*dp;
	struct dirent	*de;
	FILE		*f;
	long		 n = 0;

	dir = xasprintf("/proc/%u/fdinfo", pid);
	if ((dp = opendir(dir)) == NULL) {
		free(dir);
		return (-1);
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = path_join(dir, de->d_name);
		if ((f = fopen(path, "re")) != NULL) {
			while (fgets(line, sizeof line, f) != NULL) {
				if (strncmp(line, "inotify wd:", 11) == 0)
					n++;
			}
			fclose(f);
		}
		free(path);
	}
	closedir(dp);
	free(dir);
	return (n);
}

static void
doctor_check_inotify(struct doctor *d)
{
	static const char	 fix[] = "raise the limit: echo "
	    "fs.inotify.max_user_watches=524288 | sudo tee "
	    "/etc/sysctl.d/90-inotify.conf && sudo sysctl --system";
	FILE			*f;
	long			 limit = -1, used;

	if ((f = fopen("/proc/sys/fs/inotify/max_user_watches", "re")) !=
	    NULL) {
		if (fscanf(f, "%ld", &limit) != 1)
			limit = -1;
		fclose(f);
	}
	if (limit <= 0) {
		doctor_skip(d, "inotify", "cannot read "
		    "/proc/sys/fs/inotify/max_user_watches");
		return;
	}
	if (d->daemon_pid == 0) {
		doctor_skip(d, "inotify", "max_user_watches is %ld; no hearthd "
		    "to count the watches of", limit);
		return;
	}
	if ((used = doctor_count_watches(d->daemon_pid)) < 0) {
		doctor_skip(d, "inotify", "max_user_watches is %ld; cannot "
		    "read /proc/%u/fdinfo", limit, d->daemon_pid);
		return;
	}
	if (used * 100 >= limit * DOCTOR_WATCH_PERCENT)
		doctor_fail(d, "inotify", fix, "hearthd uses %ld watches of "
		    "max_user_watches %ld (past it, hearth checks workspaces "
		    "every few seconds instead)", used, limit);
	else
		doctor_ok(d, "inotify", "hearthd uses %ld watches of "
		    "max_user_watches %ld (the limit is shared by all your "
		    "programs)", used, limit);
}

static int
cmd_doctor_exec(const struct cmd_parsed *p)
{
	struct doctor	 d;

	(void)p;
	memset(&d, 0, sizeof d);
	/* Each line must be out before a slow check starts. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	doctor_check_nix(&d);
	doctor_check_flakes(&d);
	doctor_check_tracking(&d);
	doctor_check_rundir(&d);
	doctor_check_daemon(&d);
	doctor_check_inotify(&d);
	doctor_check_hook(&d);
	free(d.nix);
	free(d.version_line);
	printf("hearth doctor: %d passed, %d failed, %d skipped\n", d.passed,
	    d.failed, d.skipped);
	return (d.failed != 0 ? EXIT_FAIL : EXIT_OK);
}
