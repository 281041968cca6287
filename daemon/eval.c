/*
 * The evaluation runner: turns a workspace's devShell into two environment
 * dumps, in two stages that each run one child process.
 *
 *  1. `nix print-dev-env --profile P ROOT#SHELL` from the workspace root,
 *     with --no-write-lock-file so hearth never writes into the user's
 *     repository. Its stdout is the dev shell's bash rc.
 *  2. `bash --noprofile --norc` sources that rc (which runs shellHook, as
 *     `nix develop` does), in the workspace root, with the base
 *     environment (baseenv.c; Nix runs with its own). Its script
 *     (envdump.c) dumps the exported variables before and after on fd 3,
 *     so nothing the hook prints on stdout or stderr can mix in; what the
 *     hook prints is kept for the user to see once.
 *
 * Nix runs with -vvv and without its eval cache, with hearth-nixtrace.so
 * preloaded; readset.c reads its log as it comes and makes the snapshot's
 * inputs of what the evaluation read. The bash of stage 2 runs with it
 * too, so that the set also holds what the shellHook read.
 *
 * A second kind of job lists a flake's devShell names (`nix eval --json
 * ROOT#devShells.SYSTEM --apply builtins.attrNames`), without building.
 * A third roots the flake's inputs, as nix-direnv does: `nix flake
 * archive --json` names their store paths, and `nix build --out-link`
 * makes each a GC root, so that a garbage collection cannot force a
 * re-fetch (impossible offline) the next time the shell is evaluated.
 *
 * Each stage is one job (job.c) with a size cap on every output; the
 * stages share one deadline, which kills the running stage's process
 * group. This file keeps the recipes and reads what they print; it runs
 * one evaluation and knows nothing of when or why: that is the
 * scheduler's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/nixlog.h"
#include "hearth/xmalloc.h"
#include "baseenv.h"
#include "envdump.h"
#include "eval.h"
#include "job.h"
#include "readset.h"
#include "settings.h"

/* Caps on what a child may write; a real dev shell is far smaller. */
#define EVAL_MAX_RC	(32U * 1024 * 1024)
#define EVAL_MAX_LOG	(1U * 1024 * 1024)
#define EVAL_MAX_HOOK	(64U * 1024)
#define EVAL_MAX_DUMP	(16U * 1024 * 1024)

enum eval_stage {
	EVAL_VERSION,	/* EVAL_DEVENV, once per daemon: nix --version */
	EVAL_NIX,
	EVAL_BASH,	/* EVAL_DEVENV: source the rc */
	EVAL_LINK,	/* EVAL_ROOTS: nix build --out-link the inputs */
	EVAL_DONE,
};

struct eval {
	uv_loop_t	*loop;
	enum eval_mode	 mode;
	char		*root;
	char		*top;
	char		*system;
	char		*shell;
	char		*profile;
	char		*rcfile;
	char		*nix;
	char		**env;
	char		**hook_env;	/* EVAL_DEVENV's bash: the base */
	struct nixinfo	*nixinfo;
	enum eval_stage	 stage;

	struct job	*job;		/* the stage's, while it runs */
	int64_t		 status;
	int		 signal;
	int		 cancelled;
	int		 timed_out;
	uint64_t	 started;
	uint64_t	 timeout_ms;	/* for the whole evaluation */

	struct buf	 rc;
	struct buf	 log;
	struct buf	 hook;
	struct buf	 dump;
	struct buf	 base;
	struct buf	 dev;
	struct buf	 report;	/* the log less -vvv chatter */
	struct readset	*readset;	/* EVAL_DEVENV: what it read */
	int		 hook_ran;	/* stage 2 was started */
	char		**names;
	int		 ok;
	char		*reason;
	uint32_t	 ms;
	char		*activity;	/* the last build Nix started */

	eval_cb		 cb;
	void		*arg;
};

static void	eval_stage_start(struct eval *);
static void	eval_stage_done(const struct job_result *, void *);
static void	eval_parse_names(struct eval *);

static void
eval_fail(struct eval *ev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
eval_fail(struct eval *ev, const char *fmt, ...)
{
	va_list	 ap;

	if (ev->reason != NULL)
		return;
	va_start(ap, fmt);
	if (vasprintf(&ev->reason, fmt, ap) == -1)
		fatal("vasprintf");
	va_end(ap);
}

/* The job is over: stop the clock and tell the owner. */
static void
eval_finish(struct eval *ev)
{
	ev->stage = EVAL_DONE;
	ev->ms = (uint32_t)(uv_now(ev->loop) - ev->started);
	if (ev->rcfile != NULL)
		unlink(ev->rcfile);
	if (ev->readset != NULL && ev->hook_ran)
		readset_hook_ended(ev->readset);
	ev->ok = ev->reason == NULL;
	ev->cb(ev, ev->arg);
}

/* Nix's error message, as one line; else how it ended. */
static void
eval_nix_reason(struct eval *ev)
{
	const char	*what = "nix print-dev-env";
	struct buf	 b = BUF_INIT;
	char		*msg;

	if ((msg = nix_error_message(ev->log.data, ev->log.len, 0)) != NULL) {
		buf_adds(&b, msg);
		nix_error_in_workspace(&b, ev->log.data, ev->log.len, ev->root,
		    ev->top);
		eval_fail(ev, "%s", b.data);
		buf_release(&b);
		free(msg);
		return;
	}
	if (ev->stage == EVAL_LINK)
		what = "nix build";
	else if (ev->mode == EVAL_ROOTS)
		what = "nix flake archive";
	else if (ev->mode == EVAL_LIST)
		what = "nix eval";
	if (ev->signal != 0)
		eval_fail(ev, "%s was killed by signal %d", what, ev->signal);
	else
		eval_fail(ev, "%s failed (status %lld)", what,
		    (long long)ev->status);
}

/* A stage's job has ended: its process exited and its pipes closed. */
static void
eval_stage_done(const struct job_result *r, void *arg)
{
	struct eval	*ev = arg;
	int		 fd;

	ev->job = NULL;
	ev->status = r->status;
	ev->signal = r->signal;
	if (r->error == UV_ENOENT)
		eval_fail(ev, "%s: not found in PATH (is Nix installed?)",
		    ev->stage == EVAL_BASH ? "bash" : ev->nix);
	else if (r->error != 0)
		eval_fail(ev, "%s", r->cause);
	else if (ev->cancelled)
		eval_fail(ev, "evaluation cancelled");
	else if (r->timed_out) {
		ev->timed_out = 1;
		log_warnx("%s#%s: evaluation timed out", ev->root, ev->shell);
		eval_fail(ev, "evaluation timed out; its processes were "
		    "killed");
	} else if (r->overflow)
		eval_fail(ev, "%s wrote more output than hearth accepts",
		    ev->stage == EVAL_NIX ? "nix print-dev-env" : "shellHook");
	if (ev->reason != NULL) {
		eval_finish(ev);
		return;
	}
	if (ev->mode == EVAL_ROOTS) {
		if (ev->signal != 0 || ev->status != 0)
			eval_nix_reason(ev);
		else if (ev->stage == EVAL_NIX) {
			ev->stage = EVAL_LINK;
			eval_stage_start(ev);
			return;
		}
		eval_finish(ev);
		return;
	}
	if (ev->stage == EVAL_VERSION) {
		/* Which Nix decides what its log can be trusted to say. */
		ev->nixinfo->probed = 1;
		if (ev->status == 0 && ev->signal == 0 &&
		    nix_version_parse(&ev->nixinfo->version, ev->rc.data,
		    ev->rc.len) == 0)
			ev->nixinfo->parsed = 1;
		log_info("%.*s", (int)strcspn(ev->rc.data, "\n"), ev->rc.data);
		buf_reset(&ev->rc);
		buf_reset(&ev->log);
		ev->stage = EVAL_NIX;
		eval_stage_start(ev);
		return;
	}
	if (ev->stage == EVAL_NIX && ev->mode == EVAL_LIST) {
		/* No devShells for this system: the flake's default. */
		if (ev->status != 0 && nix_names_absent(ev->log.data,
		    ev->log.len, ev->system)) {
			ev->names = xcalloc(2, sizeof *ev->names);
			ev->names[0] = xstrdup("default");
		} else if (ev->signal != 0 || ev->status != 0)
			eval_nix_reason(ev);
		else
			eval_parse_names(ev);
		eval_finish(ev);
		return;
	}
	if (ev->stage == EVAL_NIX) {
		if (ev->signal != 0 || ev->status != 0) {
			if (ev->status == 127)
				eval_fail(ev, "%s: command not found", ev->nix);
			else
				eval_nix_reason(ev);
			eval_finish(ev);
			return;
		}
		readset_settle(ev->readset);
		/*
		 * A mark after Nix's rc tells a complete run from one that
		 * stopped early (a truncated rc, or one that is not bash).
		 */
		envdump_end_rc(&ev->rc);
		fd = open(ev->rcfile, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC,
		    0600);
		if (fd == -1 || write(fd, ev->rc.data, ev->rc.len) !=
		    (ssize_t)ev->rc.len) {
			eval_fail(ev, "cannot write %s: %s", ev->rcfile,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			eval_finish(ev);
			return;
		}
		close(fd);
		ev->stage = EVAL_BASH;
		eval_stage_start(ev);
		return;
	}
	if (ev->signal != 0)
		eval_fail(ev, "bash was killed by signal %d", ev->signal);
	else if (ev->status == 99)
		eval_fail(ev, "sourcing the dev shell failed: its rc stopped "
		    "early (truncated, or not bash): %.*s",
		    (int)strcspn(ev->hook.data, "\n"), ev->hook.data);
	else if (ev->status != 0)
		eval_fail(ev, "sourcing the dev shell failed (status %lld): "
		    "%.*s", (long long)ev->status,
		    (int)strcspn(ev->hook.data, "\n"), ev->hook.data);
	else if (envdump_split(&ev->dump, &ev->base, &ev->dev) != 0)
		eval_fail(ev, "the dev shell's rc or shellHook exited before "
		    "hearth could read its environment");
	eval_finish(ev);
}

/* The devShell names `nix eval --json` printed, or why they are bad. */
static void
eval_parse_names(struct eval *ev)
{
	char	*cause = NULL;

	if ((ev->names = nix_names_parse(ev->rc.data, ev->rc.len,
	    &cause)) == NULL) {
		eval_fail(ev, "cannot read the devShell names Nix printed: %s",
		    cause);
		free(cause);
	}
}

/* A line of Nix's log, read as it comes: what the evaluation read. */
static void
eval_log_line(const char *line, void *arg)
{
	struct eval	*ev = arg;
	char		*what;

	readset_line(line, ev->readset);
	/* What it is doing now, for hearth status and hearth wait. */
	if ((what = nixlog_activity(line)) != NULL) {
		free(ev->activity);
		ev->activity = what;
	}
}

/*
 * Where output i of the stage goes: the child's fd, the buffer, its cap,
 * whether past the cap the end is kept (else the job fails), and whether
 * its lines are Nix's log to read as they come.
 */
static void
eval_out(struct job_spec *js, int i, int fd, struct buf *to, size_t cap,
    int keep_tail, int lines)
{
	js->out[i].fd = fd;
	js->out[i].to = to;
	js->out[i].cap = cap;
	js->out[i].keep_tail = keep_tail;
	js->out[i].line = lines ? eval_log_line : NULL;
}

/* Run the current stage's child with its output pipes. */
static void
eval_stage_start(struct eval *ev)
{
	struct job_spec		 js;
	struct nix_argv		*nargv = NULL;
	char			*argv[8], *cause;
	uint64_t		 spent;
	int			 i;

	memset(&js, 0, sizeof js);
	ev->status = 0;
	ev->signal = 0;

	if (ev->stage == EVAL_VERSION) {
		nargv = nix_argv_version(ev->nix);
		eval_out(&js, 0, 1, &ev->rc, EVAL_MAX_HOOK, 0, 0);
		eval_out(&js, 1, 2, &ev->log, EVAL_MAX_HOOK, 1, 0);
	} else if (ev->stage == EVAL_NIX) {
		if (ev->mode == EVAL_ROOTS)
			nargv = nix_argv_archive(ev->nix, ev->root);
		else if (ev->mode == EVAL_LIST)
			nargv = nix_argv_list(ev->nix, ev->root, ev->system);
		else if ((nargv = nix_argv_print_dev_env(ev->nix, ev->root,
		    ev->shell, ev->profile, NIX_TRACE, &cause)) == NULL)
			fatalx("%s", cause);	/* the caller checked the name */
		eval_out(&js, 0, 1, &ev->rc, EVAL_MAX_RC, 0, 0);
		eval_out(&js, 1, 2, &ev->log, EVAL_MAX_LOG, 1,
		    ev->mode == EVAL_DEVENV);
	} else if (ev->stage == EVAL_LINK) {
		/* Every store path the archive named, rooted at profile. */
		if ((nargv = nix_argv_gcroots(ev->nix, ev->profile,
		    ev->rc.data, ev->rc.len)) == NULL) {
			eval_fail(ev, "nix flake archive named no store path");
			eval_finish(ev);
			return;
		}
		eval_out(&js, 0, 1, &ev->hook, EVAL_MAX_HOOK, 1, 0);
		eval_out(&js, 1, 2, &ev->log, EVAL_MAX_LOG, 1, 0);
	} else {
		i = 0;
		argv[i++] = "bash";
		argv[i++] = "--noprofile";
		argv[i++] = "--norc";
		argv[i++] = "-c";
		argv[i++] = (char *)envdump_script;
		argv[i++] = "hearth-eval";
		argv[i++] = ev->rcfile;
		argv[i] = NULL;
		eval_out(&js, 0, 1, &ev->hook, EVAL_MAX_HOOK, 1, 0);
		eval_out(&js, 1, 3, &ev->dump, EVAL_MAX_DUMP, 0, 0);
		/* A hook's background processes must not hold it open. */
		js.end_at_exit = 1;
	}
	js.nout = 2;
	js.argv = nargv != NULL ? nix_argv_vector(nargv) : argv;
	js.env = ev->env;
	if (ev->stage == EVAL_NIX && ev->readset != NULL &&
	    readset_env(ev->readset) != NULL)
		js.env = readset_env(ev->readset);
	else if (ev->stage == EVAL_BASH) {
		js.env = ev->hook_env;
		if (ev->readset != NULL && readset_hook_env(ev->readset) != NULL)
			js.env = readset_hook_env(ev->readset);
		ev->hook_ran = 1;
	}
	js.cwd = ev->root;
	/* The deadline is the whole evaluation's: what the stages left. */
	spent = uv_now(ev->loop) - ev->started;
	js.timeout_ms = spent < ev->timeout_ms ? ev->timeout_ms - spent : 1;
	js.cb = eval_stage_done;
	js.arg = ev;
	ev->job = job_start(ev->loop, &js);
	nix_argv_free(nargv);
}

struct eval *
eval_start(uv_loop_t *loop, const struct eval_spec *spec, eval_cb cb,
    void *arg, char **cause)
{
	struct eval	*ev;
	char		*tracefile;
	static unsigned	 seq;

	(void)cause;
	ev = xcalloc(1, sizeof *ev);
	ev->loop = loop;
	ev->mode = spec->mode;
	ev->root = xstrdup(spec->root);
	ev->top = xstrdup(spec->top != NULL ? spec->top : spec->root);
	ev->system = xstrdup(spec->system != NULL ? spec->system : "");
	ev->shell = xstrdup(spec->shell != NULL ? spec->shell : "");
	ev->profile = xstrdup(spec->profile != NULL ? spec->profile : "");
	ev->nix = xstrdup(spec->nix);
	ev->rcfile = xasprintf("%s/eval-%d-%u.rc", spec->tmpdir,
	    (int)getpid(), ++seq);
	ev->env = baseenv_copy(spec->env);
	ev->hook_env = baseenv_copy(spec->hook_env != NULL ? spec->hook_env :
	    spec->env);
	if (ev->mode == EVAL_DEVENV) {
		tracefile = xasprintf("%s/eval-%d-%u.trace", spec->tmpdir,
		    (int)getpid(), seq);
		ev->readset = readset_new(ev->top, ev->root, ev->shell,
		    ev->env, ev->hook_env, tracefile, spec->nixtrace,
		    spec->nixinfo);
		free(tracefile);
	}
	buf_init(&ev->rc);
	buf_init(&ev->log);
	buf_init(&ev->hook);
	buf_init(&ev->dump);
	buf_init(&ev->base);
	buf_init(&ev->dev);
	buf_init(&ev->report);
	ev->cb = cb;
	ev->arg = arg;
	ev->started = uv_now(loop);
	ev->stage = EVAL_NIX;
	ev->nixinfo = spec->nixinfo;
	if (ev->mode == EVAL_DEVENV && ev->nixinfo != NULL &&
	    !ev->nixinfo->probed)
		ev->stage = EVAL_VERSION;
	ev->timeout_ms = (uint64_t)spec->timeout_sec * 1000;
	if (ev->mode == EVAL_LIST)
		log_info("listing the devShells of %s", ev->root);
	else if (ev->mode == EVAL_ROOTS)
		log_debug("rooting the inputs of %s", ev->root);
	else
		log_info("evaluating %s#%s", ev->root, ev->shell);
	eval_stage_start(ev);
	return (ev);
}

void
eval_cancel(struct eval *ev)
{
	ev->cancelled = 1;
	job_cancel(ev->job);
}

void
eval_free(struct eval *ev)
{
	size_t	 i;

	if (ev == NULL)
		return;
	free(ev->root);
	free(ev->top);
	free(ev->activity);
	free(ev->system);
	free(ev->shell);
	free(ev->profile);
	readset_free(ev->readset);
	for (i = 0; ev->names != NULL && ev->names[i] != NULL; i++)
		free(ev->names[i]);
	free(ev->names);
	free(ev->rcfile);
	free(ev->nix);
	baseenv_free(ev->env);
	baseenv_free(ev->hook_env);
	buf_release(&ev->rc);
	buf_release(&ev->log);
	buf_release(&ev->hook);
	buf_release(&ev->dump);
	buf_release(&ev->base);
	buf_release(&ev->dev);
	buf_release(&ev->report);
	free(ev->reason);
	free(ev);
}

int
eval_ok(struct eval *ev)
{
	return (ev->ok);
}

int
eval_transient(struct eval *ev)
{
	if (ev->ok || ev->cancelled || ev->reason == NULL)
		return (0);
	/* A deadline passes only while Nix waited on someone else's lock. */
	if (ev->timed_out)
		return (nix_log_lock_wait(ev->log.data, ev->log.len));
	/* Killed, but not by hearth: a cap is no accident. */
	if (ev->signal != 0 && strstr(ev->reason, "wrote more") == NULL)
		return (1);
	return (nix_error_passing(ev->reason));
}

int
eval_cancelled(struct eval *ev)
{
	return (ev->cancelled);
}

const char *
eval_reason(struct eval *ev)
{
	return (ev->reason != NULL ? ev->reason : "");
}

/*
 * Nix's output without the -vvv chatter: its warnings, traces and error
 * messages, whole (with their traces and code frames).
 */
const char *
eval_log(struct eval *ev)
{
	if (ev->report.len == 0 && ev->log.len != 0) {
		nix_error_report(ev->log.data, ev->log.len, &ev->report);
		nix_error_in_workspace(&ev->report, ev->log.data,
		    ev->log.len, ev->root, ev->top);
	}
	return (ev->report.data);
}

const struct buf *
eval_base_env(struct eval *ev)
{
	return (&ev->base);
}

const struct buf *
eval_dev_env(struct eval *ev)
{
	return (&ev->dev);
}

const struct buf *
eval_hook_output(struct eval *ev)
{
	return (&ev->hook);
}

struct inputs *
eval_inputs(struct eval *ev)
{
	return (ev->readset != NULL ? readset_inputs(ev->readset) : NULL);
}

const struct inputs *
eval_hook_written(struct eval *ev)
{
	return (ev->readset != NULL ? readset_hook_written(ev->readset) :
	    NULL);
}

char *const *
eval_names(struct eval *ev)
{
	return (ev->names);
}

const char *
eval_activity(struct eval *ev)
{
	return (ev->activity);
}

uint32_t
eval_ms(struct eval *ev)
{
	return (ev->ms);
}
