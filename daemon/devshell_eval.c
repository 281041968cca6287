/*
 * A devShell kept in line with its inputs: its current snapshot (the
 * last good one), the cache of earlier snapshots, and its evaluation.
 *
 * A snapshot is current while the key over its inputs, as they are on
 * disk, equals the key it was made with (see inputs.c). When it is not,
 * the shell first looks for a cached snapshot whose inputs match the disk
 * (a branch switched back, a lock moved back): that is a hit, applied with
 * no Nix call. Otherwise it asks the scheduler for an evaluation, and
 * until that lands the last good snapshot stays in use
 * (stale-while-revalidate). A failed evaluation keeps the last good
 * snapshot and remembers the inputs it failed on, so that a fix, or going
 * back, is noticed. A failure that a later run may not meet (see
 * eval_transient()) is tried again by itself, a few times, further apart
 * each time; a deterministic one waits for its inputs, `hearth reload`
 * or `hearth allow`.
 *
 * A snapshot is applied only while its dev environment is still in the
 * Nix store: each one is rooted by a generation of the shell's profile,
 * and one whose store path is gone is evaluated again, never served.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/xmalloc.h"
#include "changed.h"
#include "devenv.h"
#include "devshell-private.h"
#include "devshell_eval.h"
#include "eval.h"
#include "gitindex.h"
#include "inputs.h"
#include "scheduler.h"
#include "settings.h"
#include "store.h"

/* A passing failure is tried again after 1, 4 and 16 s, then left. */
#define DEVSHELL_RETRIES	3
#define DEVSHELL_RETRY_MS	1000
#define DEVSHELL_RETRY_FACTOR	4

static int	devshell_eval_start(void *);
static void	devshell_eval_stop(void *);

/* A shell's evaluation, as the scheduler runs it. */
static int
devshell_rank(void *arg)
{
	(void)arg;
	return (2);
}

const struct scheduler_ops devshell_job = {
	.start = devshell_eval_start,
	.cancel = devshell_eval_stop,
	.rank = devshell_rank,
};

/* A new input set, aware of the flake's git index. */
struct inputs *
devshell_new_inputs(struct devshell *sh)
{
	struct inputs	*in = inputs_new();

	inputs_set_top(in, sh->top);
	return (in);
}

/* Replace the current snapshot (taking over snap's contents). */
void
devshell_set_snapshot(struct devshell *sh, struct store_snapshot *snap)
{
	store_snapshot_release(&sh->snap);
	sh->snap = *snap;
	store_snapshot_init(snap);
	inputs_free(sh->snap_inputs);
	sh->snap_inputs = devshell_new_inputs(sh);
	if (inputs_decode(sh->snap_inputs, sh->snap.inputs.data,
	    sh->snap.inputs.len) != 0)
		log_warnx("%s#%s: snapshot %lld has malformed inputs",
		    sh->root, sh->name, (long long)sh->snap.id);
}

/* The GC root (a Nix profile) of the shell's dev environments. */
static char *
devshell_profile(struct devshell *sh)
{
	return (xasprintf("%s/shell-%lld", settings.profiles,
	    (long long)sh->id));
}

/* 1 if the current snapshot was made from the inputs on disk now. */
static int
devshell_current(struct devshell *sh)
{
	char	 key[HASH_HEX_SIZE];

	if (sh->snap.id == 0 || !devenv_alive(&sh->snap))
		return (0);
	inputs_key(sh->snap_inputs, sh->salt, key);
	return (strcmp(key, sh->snap.key) == 0);
}

/* 1 if the running evaluation started from the inputs on disk now. */
static int
devshell_eval_fresh(struct devshell *sh)
{
	struct buf	 b = BUF_INIT;
	int		 fresh;

	if (sh->eval == NULL)
		return (0);
	inputs_changed(sh->eval_inputs, sh->root, NULL, &b);
	fresh = b.len == 0;
	buf_release(&b);
	return (fresh);
}

/* Say which files changed since the current snapshot, for the switch. */
static void
devshell_note_change(struct devshell *sh)
{
	struct buf	 b = BUF_INIT;

	inputs_changed(sh->snap_inputs, sh->root, NULL, &b);
	free(sh->changed);
	sh->changed = b.len != 0 ? xasprintf("%s changed", b.data) : NULL;
	buf_release(&b);
}

void
devshell_refresh(struct devshell *sh, int urgent)
{
	struct store_snapshot	 found;
	char			 key[HASH_HEX_SIZE];

	if (sh->forced) {
		if (!sh->ops->trusted(sh->ws))
			devshell_eval_cancel(sh);
		return;
	}
	if (devshell_current(sh)) {
		/* Back to what the snapshot has: no evaluation. */
		devshell_eval_cancel(sh);
		sh->stale_told = 0;
		return;
	}
	/* Already evaluating exactly these inputs. */
	if (devshell_eval_fresh(sh))
		return;
	/* A cached snapshot made from the inputs on disk now is a hit. */
	store_snapshot_init(&found);
	if (devenv_cached(sh->id, sh->snap.id, sh->top, sh->salt,
	    &found) == 0 && found.id != 0 &&
	    store_snapshot_use(settings.store, sh->id, found.id) == 0) {
		log_info("%s#%s: cache hit, snapshot %lld (no evaluation)",
		    sh->root, sh->name, (long long)found.id);
		devshell_note_change(sh);
		devshell_set_snapshot(sh, &found);
		devshell_eval_cancel(sh);
		sh->stale_told = 0;
		sh->ops->inputs_moved(sh->ws);
		changed_announce("cache hit");
		return;
	}
	store_snapshot_release(&found);
	/*
	 * Only now: a snapshot made from the files as they are runs no code,
	 * so it is used even while the workspace is blocked.
	 */
	if (!sh->ops->trusted(sh->ws)) {
		devshell_eval_cancel(sh);
		return;
	}
	/*
	 * Still failing on the same inputs: wait for them to change (a
	 * passing failure's retry is the scheduler's, already asked for).
	 */
	if (sh->failed_inputs != NULL && sh->eval == NULL) {
		inputs_key(sh->failed_inputs, sh->salt, key);
		if (strcmp(key, sh->failed_key) == 0)
			return;
		sh->retries = 0;
	}
	scheduler_want(&devshell_job, sh, urgent);
	/*
	 * The snapshot in use is out of date (a lock update): the prompts
	 * of shells that use it run the client, and say so, once.
	 */
	if (sh->snap.id != 0 && !sh->stale_told) {
		sh->stale_told = 1;
		changed_announce("a new shell is being prepared");
	}
}

/* Store a finished evaluation's result; the shell's new current one. */
static void
devshell_save(struct devshell *sh, struct eval *ev, struct inputs *in)
{
	struct store_snapshot	 snap;
	struct store_eval	 rec;
	char			*cause = NULL, *profile, *label, *why = NULL;
	size_t			 nvars = 0;
	int			 rc;

	store_snapshot_init(&snap);
	memset(&rec, 0, sizeof rec);
	rec.started_at = sh->eval_started;
	rec.duration_ms = eval_ms(ev);
	rec.log = (char *)eval_log(ev);
	profile = devshell_profile(sh);
	label = xasprintf("%s#%s", sh->root, sh->name);
	rc = devenv_snapshot(ev, profile, label, &snap, &nvars, &cause);
	free(label);
	free(profile);
	if (rc != 0)
		goto fail;
	/* The hashes say, later, which of them changed. */
	inputs_record(in);
	inputs_encode(in, &snap.inputs);
	inputs_key(in, sh->salt, snap.key);
	snap.created_at = time(NULL);
	snap.eval_ms = eval_ms(ev);
	rec.ok = 1;
	rec.reason = "";
	if (store_snapshot_put(settings.store, sh->id, &snap, &rec,
	    devenv_unroot, &why) != 0) {
		/* The shell keeps its last good snapshot (sh->snap). */
		cause = xasprintf("cannot save the snapshot: %s", why);
		free(why);
		goto fail;
	}
	if (sh->snap.id != 0)
		devshell_note_change(sh);
	devshell_set_snapshot(sh, &snap);
	inputs_free(sh->failed_inputs);
	sh->failed_inputs = NULL;
	sh->retries = 0;
	free(sh->error);
	sh->error = NULL;
	log_info("%s#%s: snapshot %lld ready (%u ms, %zu variables, %zu "
	    "inputs)", sh->root, sh->name,
	    (long long)sh->snap.id, eval_ms(ev), nvars, inputs_count(in));
	sh->ops->evaluated(sh->ws);
	goto out;
fail:
	log_warnx("%s#%s: %s", sh->root, sh->name, cause);
	rec.ok = 0;
	rec.reason = cause;
	store_eval_failed(settings.store, sh->id, &rec);
	free(sh->error);
	sh->error = cause;
	inputs_free(sh->failed_inputs);
	sh->failed_inputs = devshell_new_inputs(sh);
	inputs_merge(sh->failed_inputs, in);
	inputs_key(sh->failed_inputs, sh->salt, sh->failed_key);
out:
	store_snapshot_release(&snap);
}

/*
 * Was a file written at or after the evaluation started? Nanosecond
 * timestamps tell; a filesystem that keeps whole seconds only (nsec 0)
 * cannot, so the start's second counts as after (Git's racy rule).
 */
static int
devshell_after(const struct timespec *t, const struct timespec *start)
{
	if (t->tv_sec != start->tv_sec)
		return (t->tv_sec > start->tv_sec);
	return (t->tv_nsec == 0 || t->tv_nsec >= start->tv_nsec);
}

#define DEVSHELL_MOVED	1	/* an input changed during the evaluation */
#define DEVSHELL_RACY	2	/* one was written in its first second */

/*
 * Were the inputs changed while the evaluation ran? Files known at the
 * start must still hash as then; files the evaluation found on its way
 * must not have been modified since it started (same second included),
 * but for what the shellHook itself wrote (its doing, not news), and the
 * directories it only looked at (a new file in one changes no answer).
 * Of a directory in a git flake, Nix sees the files git tracks: a build
 * log written there is no news, a change of the tracked set is.
 */
static int
devshell_inputs_moved(struct devshell *sh, const struct inputs *found,
    const struct inputs *written)
{
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	char		 index[HASH_HEX_SIZE];
	size_t		 i;
	int		 moved, kind;

	inputs_changed(sh->eval_inputs, sh->root, written, &b);
	moved = b.len != 0 ? DEVSHELL_MOVED : 0;
	buf_release(&b);
	if (!moved && sh->eval_index_ok &&
	    (gitindex_paths_hash(sh->top, index) != 0 ||
	    strcmp(index, sh->eval_index) != 0))
		moved = DEVSHELL_MOVED;
	for (i = 0; !moved && i < inputs_count(found); i++) {
		kind = inputs_kind(found, i);
		if (stat(inputs_path(found, i), &st) != 0 ||
		    inputs_has(written, inputs_path(found, i)) ||
		    (S_ISDIR(st.st_mode) && (kind == INPUTS_WORK_STAT ||
		    sh->eval_index_ok)))
			continue;
		if (devshell_after(&st.st_mtim, &sh->eval_start_ts) ||
		    devshell_after(&st.st_ctim, &sh->eval_start_ts))
			moved = DEVSHELL_RACY;
	}
	return (moved);
}

/* A failure a later run may not meet: try again, a few times. */
static void
devshell_retry_later(struct devshell *sh, struct eval *ev)
{
	uint64_t	 ms = DEVSHELL_RETRY_MS;
	unsigned	 i;

	if (!eval_transient(ev) || sh->retries >= DEVSHELL_RETRIES) {
		sh->retries = 0;
		return;
	}
	for (i = 0; i < sh->retries; i++)
		ms *= DEVSHELL_RETRY_FACTOR;
	sh->retries++;
	log_info("%s#%s: a passing failure; trying again in %llu s (%u of "
	    "%u)", sh->root, sh->name, (unsigned long long)ms / 1000,
	    sh->retries, DEVSHELL_RETRIES);
	scheduler_want_after(&devshell_job, sh, ms);
}

static void
devshell_eval_finished(struct eval *ev, void *arg)
{
	struct devshell	*sh = arg;
	struct inputs	*in;
	struct store_eval rec;
	int		 stale = 0;

	sh->eval = NULL;
	sh->forced = 0;
	/* Whatever became of it, the next change is told again. */
	sh->stale_told = 0;
	in = devshell_new_inputs(sh);
	inputs_merge(in, sh->ops->base_inputs(sh->ws));
	inputs_merge(in, eval_inputs(ev));
	if (eval_cancelled(ev))
		/* Superseded or stopped: neither a result nor a failure. */
		log_debug("%s#%s: evaluation cancelled",
		    sh->root, sh->name);
	else if (!sh->ops->trusted(sh->ws))
		log_info("%s#%s: dropped an evaluation of an untrusted flake",
		    sh->root, sh->name);
	else if ((stale = devshell_inputs_moved(sh, eval_inputs(ev),
	    eval_hook_written(ev))) != 0) {
		/* Never store a result whose inputs changed meanwhile. */
		log_info("%s#%s: inputs %s during the evaluation; result "
		    "dropped", sh->root, sh->name,
		    stale == DEVSHELL_RACY ? "were written" : "changed");
	} else {
		/* Trusted code chose these files: they are allowed too. */
		sh->ops->read(sh->ws, in);
		if (eval_ok(ev)) {
			sh->last_eval = sh->eval_started;
			sh->last_eval_ms = eval_ms(ev);
			devshell_save(sh, ev, in);
		} else {
			sh->last_eval = sh->eval_started;
			sh->last_eval_ms = eval_ms(ev);
			log_warnx("%s#%s: evaluation failed: %s",
			    sh->root, sh->name, eval_reason(ev));
			free(sh->error);
			sh->error = xstrdup(eval_reason(ev));
			/* Watch what it and the last good one read. */
			inputs_free(sh->failed_inputs);
			sh->failed_inputs = in;
			in = NULL;
			inputs_merge(sh->failed_inputs, sh->eval_inputs);
			inputs_key(sh->failed_inputs, sh->salt, sh->failed_key);
			memset(&rec, 0, sizeof rec);
			rec.started_at = sh->eval_started;
			rec.duration_ms = eval_ms(ev);
			rec.reason = sh->error;
			rec.log = (char *)eval_log(ev);
			store_eval_failed(settings.store, sh->id, &rec);
			devshell_retry_later(sh, ev);
		}
	}
	inputs_free(in);
	inputs_free(sh->eval_inputs);
	sh->eval_inputs = NULL;
	eval_free(ev);
	scheduler_done(&devshell_job, sh);
	sh->ops->inputs_moved(sh->ws);
	/*
	 * Decide afresh, once the scheduler has seen this one end. A file
	 * written in the evaluation's first second could look the same to
	 * the next one: wait for the clock to move on first.
	 */
	if (stale == DEVSHELL_RACY)
		scheduler_dirty_after(sh->ws, 1050 - uv_now(settings.loop) %
		    1000);
	else if (stale)
		devshell_refresh(sh, 0);
	changed_announce("evaluation ended");
}

/* Start the evaluation (from the scheduler); -1 if there is none to run. */
static int
devshell_eval_start(void *arg)
{
	struct devshell	*sh = arg;
	struct eval_spec spec;
	struct store_eval rec;
	struct nix_argv	*nargv;
	char		*profile, *cause = NULL;

	if (sh->eval != NULL || !sh->ops->trusted(sh->ws))
		return (-1);
	/* Asked for earlier, but current again meanwhile: nothing to do. */
	if (!sh->forced && devshell_current(sh))
		return (-1);
	/* What the result will be judged against when it lands. */
	inputs_free(sh->eval_inputs);
	sh->eval_inputs = devshell_new_inputs(sh);
	inputs_merge(sh->eval_inputs, sh->ops->base_inputs(sh->ws));
	inputs_merge(sh->eval_inputs, sh->snap_inputs);
	inputs_record(sh->eval_inputs);
	sh->eval_index_ok = gitindex_paths_hash(sh->top, sh->eval_index) == 0;
	profile = devshell_profile(sh);
	memset(&spec, 0, sizeof spec);
	spec.mode = EVAL_DEVENV;
	spec.root = sh->root;
	spec.top = sh->top;
	spec.shell = sh->name;
	spec.system = settings.system;
	spec.profile = profile;
	spec.tmpdir = settings.tmp;
	spec.nix = settings.nix;
	spec.env = settings.nix_env;
	spec.hook_env = settings.base_env;
	spec.timeout_sec = settings.timeout_sec;
	spec.nixtrace = settings.nixtrace;
	spec.nixinfo = &settings.nixinfo;
	/* Before the inputs are read: anything written later is "after". */
	clock_gettime(CLOCK_REALTIME, &sh->eval_start_ts);
	sh->eval_started = sh->eval_start_ts.tv_sec;
	/* A name Nix cannot take fails here, before eval_start runs it. */
	nargv = nix_argv_print_dev_env(spec.nix, spec.root, spec.shell, NULL,
	    0, &cause);
	if (nargv != NULL)
		sh->eval = eval_start(settings.loop, &spec,
		    devshell_eval_finished, sh, &cause);
	nix_argv_free(nargv);
	free(profile);
	if (sh->eval == NULL) {
		/* Nix cannot be given the name: failed till the inputs move. */
		log_warnx("%s#%s: evaluation failed: %s", sh->root, sh->name,
		    cause);
		free(sh->error);
		sh->error = cause;
		/* hearth log tells it like any other failure. */
		memset(&rec, 0, sizeof rec);
		rec.started_at = sh->eval_started;
		rec.reason = cause;
		store_eval_failed(settings.store, sh->id, &rec);
		inputs_free(sh->failed_inputs);
		sh->failed_inputs = sh->eval_inputs;
		sh->eval_inputs = NULL;
		inputs_key(sh->failed_inputs, sh->salt, sh->failed_key);
		return (-1);
	}
	return (0);
}

void
devshell_eval_cancel(struct devshell *sh)
{
	if (sh->eval != NULL)
		eval_cancel(sh->eval);
}

static void
devshell_eval_stop(void *arg)
{
	devshell_eval_cancel(arg);
}

