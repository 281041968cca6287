/*
 * One devShell of a workspace: made and freed, what it tells (its state
 * for a reply, its last evaluation's log), and what users ask of it
 * (reload, allow, a client applying its snapshot).
 *
 * Its snapshot is kept in line with its inputs by devshell_eval.c (the
 * current one, a cache hit, or an evaluation and its result); this file
 * reads that state for replies and logs; `hearth reload` and `hearth
 * allow` only reset it (a reload also asks the scheduler again).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/protocol.h"
#include "hearth/xmalloc.h"
#include "devenv.h"
#include "devshell.h"
#include "devshell-private.h"
#include "eval.h"
#include "inputs.h"
#include "scheduler.h"
#include "settings.h"
#include "store.h"

/* How snapshots are made (baseenv.c, envdiff.c); part of their key. */
#define DEVSHELL_SNAPSHOT_FORMAT	"snapshot 2"

const char *
devshell_name(struct devshell *sh)
{
	return (sh->name);
}

struct devshell *
devshell_new(const struct devshell_ops *ops, void *ws, const char *root,
    const char *top, int64_t ws_id, const char *name)
{
	struct devshell		*sh;
	struct store_snapshot	 snap;

	sh = xcalloc(1, sizeof *sh);
	sh->ops = ops;
	sh->ws = ws;
	sh->root = root;
	sh->top = top;
	sh->ws_id = ws_id;
	sh->name = xstrdup(name);
	sh->salt = xasprintf("%s\n%s\n%s\n%s", name, settings.system,
	    settings.nix_version, DEVSHELL_SNAPSHOT_FORMAT);
	sh->snap_inputs = devshell_new_inputs(sh);
	store_snapshot_init(&sh->snap);
	store_snapshot_init(&snap);
	if (store_shell_ensure(settings.store, ws_id, name, &sh->id) != 0)
		log_warnx("%s#%s: cannot record the shell", root, name);
	else if (store_snapshot_current(settings.store, sh->id, &snap) > 0)
		devshell_set_snapshot(sh, &snap);
	store_snapshot_release(&snap);
	return (sh);
}

void
devshell_free(struct devshell *sh)
{
	if (sh == NULL)
		return;
	store_snapshot_release(&sh->snap);
	inputs_free(sh->snap_inputs);
	inputs_free(sh->failed_inputs);
	inputs_free(sh->eval_inputs);
	free(sh->changed);
	free(sh->name);
	free(sh->salt);
	free(sh->error);
	free(sh);
}

void
devshell_inputs(struct devshell *sh, struct inputs *in)
{
	inputs_merge(in, sh->snap_inputs);
	inputs_merge(in, sh->failed_inputs);
}

void
devshell_describe(struct devshell *sh, struct shell_info *info)
{
	char	 key[HASH_HEX_SIZE];
	int	 current = 0;

	info->shell = sh->name;
	info->last_eval = sh->last_eval;
	info->last_eval_ms = sh->last_eval_ms;
	if (sh->snap.id != 0 && devenv_alive(&sh->snap)) {
		info->snapshot_id = store_snapshot_wire_id(settings.store,
		    sh->snap.id);
		info->snapshot_made = sh->snap.created_at;
		info->env = &sh->snap.env;
		info->hook_output = &sh->snap.hook_output;
		info->changed = sh->changed;
		info->inputs_note = inputs_approx(sh->snap_inputs);
		inputs_key(sh->snap_inputs, sh->salt, key);
		current = strcmp(key, sh->snap.key) == 0;
	}
	if (current && !sh->forced) {
		info->state = SHELL_READY;
		if (sh->snap.notes.len != 0)
			info->message = xstrdup(sh->snap.notes.data);
	} else if (sh->eval != NULL || scheduler_busy(&devshell_job, sh)) {
		info->state = SHELL_EVALUATING;
		/* A passing failure, tried again soon. */
		if (sh->eval == NULL && sh->failed_inputs != NULL &&
		    sh->retries != 0)
			info->message = xasprintf("trying again after: %s",
			    sh->error ? sh->error : "failed");
	}
	else if (sh->failed_inputs != NULL) {
		info->state = SHELL_FAILED;
		info->message = xasprintf("%s %s",
		    sh->error ? sh->error : "failed", DEVSHELL_HINT);
	} else
		info->state = SHELL_EVALUATING;
	/* How long it has run, and what Nix does now, for progress. */
	if (info->state == SHELL_EVALUATING && sh->eval != NULL) {
		info->eval_started = sh->eval_started;
		info->activity = eval_activity(sh->eval);
	}
}

void
shell_info_release(struct shell_info *info)
{
	free(info->root);
	free(info->message);
	memset(info, 0, sizeof *info);
}

void
devshell_reload(struct devshell *sh)
{
	/* Forget the failure, and evaluate even if the snapshot is current. */
	inputs_free(sh->failed_inputs);
	sh->failed_inputs = NULL;
	sh->retries = 0;
	sh->forced = 1;
	scheduler_want(&devshell_job, sh, 1);
}

void
devshell_unfail(struct devshell *sh)
{
	inputs_free(sh->failed_inputs);
	sh->failed_inputs = NULL;
	sh->retries = 0;
}

int
devshell_log(struct devshell *sh, struct buf *out)
{
	struct store_eval	 ev;
	char			 stamp[64];
	time_t			 t;
	struct tm		 tm;
	int			 rc;

	memset(&ev, 0, sizeof ev);
	if ((rc = store_eval_last(settings.store, sh->id, &ev)) <= 0)
		return (rc);
	t = (time_t)ev.started_at;
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	buf_addf(out, "the %s shell of %s: evaluation of %s, %u ms, %s%s%s\n",
	    sh->name, sh->root, stamp, ev.duration_ms,
	    ev.ok ? "ok" : "failed", ev.reason && *ev.reason ? ": " : "",
	    ev.reason ? ev.reason : "");
	buf_adds(out, ev.log != NULL ? ev.log : "");
	store_eval_release(&ev);
	return (1);
}

void
devshell_used(struct devshell *sh)
{
	struct timespec	 now[2];

	if (sh->snap.id == 0)
		return;
	store_snapshot_touch(settings.store, sh->snap.id);
	store_workspace_used(settings.store, sh->ws_id);
	/* Age-based cleaners (nh clean) look at the root's own mtime. */
	clock_gettime(CLOCK_REALTIME, &now[0]);
	now[1] = now[0];
	if (sh->snap.gcroot != NULL && *sh->snap.gcroot != '\0')
		utimensat(AT_FDCWD, sh->snap.gcroot, now, AT_SYMLINK_NOFOLLOW);
}
