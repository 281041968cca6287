/*
 * Workspaces, their trust, and their shells.
 *
 * A workspace is a directory holding flake.nix. It is trusted once the
 * user runs `hearth allow`, which records the BLAKE2b hash of flake.nix;
 * when flake.nix no longer has that hash the workspace is blocked and
 * nothing of it is evaluated (or served) until the next `hearth allow`.
 * flake.lock is not part of the allowance, so a lock update keeps shells
 * warm.
 *
 * Each shell holds its current snapshot (the last good one) and the key of
 * its inputs as they are on disk. A shell whose snapshot was made from
 * other inputs is evaluated again; until that lands, the last good
 * snapshot stays in use (stale-while-revalidate). Only trusted workspaces
 * are kept in memory; they live until the daemon exits.
 */
#include <sys/queue.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/envdiff.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/shellname.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

/* The shell every directory maps to until per-package shells exist. */
#define WORKSPACE_DEFAULT_SHELL	"default"

struct shell {
	struct workspace	*ws;
	char			*name;
	int64_t			 id;
	struct store_snapshot	 snap;		/* last good; id 0 if none */
	char			 key[HASH_HEX_SIZE];	/* inputs on disk */
	char			 failed_key[HASH_HEX_SIZE];
	char			*error;		/* why the last one failed */
	int64_t			 last_eval;
	uint32_t		 last_eval_ms;
	struct eval		*eval;
	char			 eval_key[HASH_HEX_SIZE];
	int64_t			 eval_started;
	void			(*eval_done)(struct shell *);
};

struct workspace {
	int64_t			 id;
	char			*root;
	char			*allowed_hash;	/* NULL: not allowed */
	int			 blocked;
	int			 wd;
	struct shell		*shell;
	TAILQ_ENTRY(workspace)	 entry;
};

static TAILQ_HEAD(, workspace) workspaces =
    TAILQ_HEAD_INITIALIZER(workspaces);
static uv_loop_t	*ws_loop;
static struct store	*ws_store;
static struct watcher	*ws_watcher;
static char		*ws_state_dir;
static char		*ws_profiles;
static char		*ws_tmp;
static char		**ws_base_env;
static const char	*ws_nix = "nix";
static unsigned		 ws_timeout = 600;

extern char		**environ;

static void	workspace_changed(void *, const char *);

const char *
shell_name(struct shell *sh)
{
	return (sh->name);
}

/*
 * The environment evaluations start from: the daemon's own, less hearth's
 * variables. A dev shell's diff is taken against it, so only what the dev
 * shell changes reaches a user's shell.
 */
static void
workspace_make_base_env(void)
{
	size_t	 n, i, j;

	for (n = 0; environ[n] != NULL; n++)
		;
	ws_base_env = xcalloc(n + 1, sizeof *ws_base_env);
	for (i = j = 0; i < n; i++) {
		if (strncmp(environ[i], "HEARTH_", 7) == 0)
			continue;
		ws_base_env[j++] = xstrdup(environ[i]);
	}
}

/* Hash the files that can change a shell's result into its key. */
static int
shell_compute_key(struct shell *sh, char key[HASH_HEX_SIZE])
{
	struct hash_state	*h;
	char			*flake, *lock;
	int			 rc = 0;

	flake = path_join(sh->ws->root, PATH_FLAKE);
	lock = path_join(sh->ws->root, PATH_LOCK);
	h = hash_new();
	hash_update(h, "hearth-inputs-1", 16);
	hash_update(h, sh->name, strlen(sh->name) + 1);
	if (hash_update_file(h, flake) != 0 || hash_update_file(h, lock) != 0)
		rc = -1;
	hash_final(h, key);
	free(flake);
	free(lock);
	return (rc);
}

/* Re-read flake.nix; 1 if the workspace is (now) blocked. */
static int
workspace_check_trust(struct workspace *ws)
{
	char	*flake, hex[HASH_HEX_SIZE];
	int	 was = ws->blocked;

	flake = path_join(ws->root, PATH_FLAKE);
	ws->blocked = hash_file(flake, hex) != 0 || ws->allowed_hash == NULL ||
	    strcmp(hex, ws->allowed_hash) != 0;
	free(flake);
	if (ws->blocked && !was)
		log_info("%s: flake.nix changed since it was allowed; blocked",
		    ws->root);
	if (ws->blocked != was)
		generation_bump("trust changed");
	return (ws->blocked);
}

static struct shell *
shell_new(struct workspace *ws, const char *name)
{
	struct shell	*sh;

	sh = xcalloc(1, sizeof *sh);
	sh->ws = ws;
	sh->name = xstrdup(name);
	store_snapshot_init(&sh->snap);
	if (store_shell_ensure(ws_store, ws->id, name, &sh->id) == 0 &&
	    store_snapshot_current(ws_store, sh->id, &sh->snap) < 0)
		log_warnx("%s#%s: cannot load snapshot", ws->root, name);
	return (sh);
}

static void
shell_free(struct shell *sh)
{
	store_snapshot_release(&sh->snap);
	free(sh->name);
	free(sh->error);
	free(sh);
}

static struct workspace *
workspace_find(const char *root)
{
	struct workspace	*ws;

	TAILQ_FOREACH(ws, &workspaces, entry) {
		if (strcmp(ws->root, root) == 0)
			return (ws);
	}
	return (NULL);
}

static struct workspace *
workspace_add(int64_t id, const char *root, const char *hash)
{
	struct workspace	*ws;

	ws = xcalloc(1, sizeof *ws);
	ws->id = id;
	ws->root = xstrdup(root);
	ws->allowed_hash = hash != NULL ? xstrdup(hash) : NULL;
	ws->wd = -1;
	TAILQ_INSERT_TAIL(&workspaces, ws, entry);
	ws->shell = shell_new(ws, WORKSPACE_DEFAULT_SHELL);
	return (ws);
}

static void
workspace_watch(struct workspace *ws)
{
	if (ws->wd == -1 && ws_watcher != NULL)
		ws->wd = watcher_add(ws_watcher, ws->root, ws);
}

void
workspace_refresh(struct workspace *ws)
{
	struct shell	*sh = ws->shell;

	if (ws->allowed_hash == NULL)
		return;
	/* A directory that was replaced needs its watch again. */
	workspace_watch(ws);
	if (workspace_check_trust(ws)) {
		/* Never let an evaluation of untrusted code finish. */
		shell_eval_cancel(sh);
		return;
	}
	if (shell_compute_key(sh, sh->key) != 0)
		log_warn("%s: cannot read its flake files", ws->root);
	if (strcmp(sh->key, sh->snap.key) == 0 ||
	    strcmp(sh->key, sh->failed_key) == 0) {
		if (sh->eval == NULL)
			return;
		/* The inputs went back to what the snapshot has. */
		if (strcmp(sh->key, sh->eval_key) != 0)
			shell_eval_cancel(sh);
		return;
	}
	if (sh->eval != NULL && strcmp(sh->key, sh->eval_key) == 0)
		return;
	scheduler_want(sh);
}

static void
workspace_changed(void *arg, const char *name)
{
	struct workspace	*ws = arg;

	/* "" means the directory itself changed, or events were lost. */
	if (*name == '\0')
		ws->wd = -1;
	if (*name != '\0' && strcmp(name, PATH_FLAKE) != 0 &&
	    strcmp(name, PATH_LOCK) != 0)
		return;
	log_debug("%s: %s changed", ws->root, *name ? name : ".");
	scheduler_dirty(ws);
}

static void
workspace_load(int64_t id, const char *root, const char *hash, void *arg)
{
	struct workspace	*ws;

	(void)arg;
	ws = workspace_add(id, root, hash);
	workspace_watch(ws);
	workspace_refresh(ws);
}

int
workspace_start(uv_loop_t *loop, struct store *store, const char *state_dir,
    char **cause)
{
	const char	*v;

	ws_loop = loop;
	ws_store = store;
	ws_state_dir = xstrdup(state_dir);
	ws_profiles = path_join(state_dir, "profiles");
	ws_tmp = path_join(state_dir, "tmp");
	if (path_mkdirs(ws_profiles, 0700) != 0 ||
	    path_mkdirs(ws_tmp, 0700) != 0) {
		*cause = xasprintf("cannot create %s: %s", ws_profiles,
		    strerror(errno));
		return (-1);
	}
	if ((v = getenv("HEARTH_NIX")) != NULL && *v != '\0')
		ws_nix = v;
	if ((v = getenv("HEARTH_EVAL_TIMEOUT")) != NULL && atoi(v) > 0)
		ws_timeout = (unsigned)atoi(v);
	workspace_make_base_env();
	if ((ws_watcher = watcher_new(loop, workspace_changed, cause)) == NULL)
		return (-1);
	if (store_workspaces_allowed(store, workspace_load, NULL) != 0) {
		*cause = xstrdup("cannot read workspaces from the store");
		return (-1);
	}
	return (0);
}

void
workspace_unwatch(void)
{
	watcher_free(ws_watcher);
	ws_watcher = NULL;
}

void
workspace_stop(void)
{
	struct workspace	*ws;
	size_t			 i;

	while ((ws = TAILQ_FIRST(&workspaces)) != NULL) {
		TAILQ_REMOVE(&workspaces, ws, entry);
		shell_free(ws->shell);
		free(ws->root);
		free(ws->allowed_hash);
		free(ws);
	}
	for (i = 0; ws_base_env != NULL && ws_base_env[i] != NULL; i++)
		free(ws_base_env[i]);
	free(ws_base_env);
	ws_base_env = NULL;
	free(ws_state_dir);
	free(ws_profiles);
	free(ws_tmp);
}

/* The GC root (a Nix profile) of a shell's dev environment. */
static char *
shell_profile(struct shell *sh)
{
	return (xasprintf("%s/shell-%lld", ws_profiles, (long long)sh->id));
}

/*
 * Say which of a diff's variables some shell will not get: names that are
 * no shell's identifiers (dropped already), and names special in one shell.
 */
static void
shell_notes(const struct envdiff *d, struct buf *notes)
{
	const char *const	*sh;
	size_t			 i, n;

	if (d->skipped.len != 0)
		buf_addf(notes, "not shell names, left out: %s",
		    d->skipped.data);
	for (sh = shellname_shells; *sh != NULL; sh++) {
		for (i = n = 0; i < d->n; i++) {
			if (shellname_settable(*sh, d->entries[i].name))
				continue;
			if (n++ == 0)
				buf_addf(notes, "%snot set in %s:",
				    notes->len != 0 ? "; " : "", *sh);
			buf_addf(notes, " %s", d->entries[i].name);
		}
	}
}

/* Store a finished evaluation's snapshot; the shell's new current one. */
static void
shell_save(struct shell *sh, struct eval *ev)
{
	struct envdiff		 d;
	struct store_snapshot	 snap;
	struct store_eval	 rec;
	char			*cause = NULL, *profile, *gcroot;

	envdiff_init(&d);
	store_snapshot_init(&snap);
	memset(&rec, 0, sizeof rec);
	rec.started_at = sh->eval_started;
	rec.duration_ms = eval_ms(ev);
	rec.log = (char *)eval_log(ev);
	if (envdiff_compute(&d, eval_base_env(ev)->data,
	    eval_base_env(ev)->len, eval_dev_env(ev)->data,
	    eval_dev_env(ev)->len, &cause) != 0) {
		rec.reason = cause;
		store_eval_failed(ws_store, sh->id, &rec);
		memcpy(sh->failed_key, sh->eval_key, sizeof sh->failed_key);
		free(sh->error);
		sh->error = cause;
		goto out;
	}
	/*
	 * nix develop tells the shell which store path keeps it alive; the
	 * profile hearth passed to print-dev-env points at the same one.
	 */
	profile = shell_profile(sh);
	if ((gcroot = realpath(profile, NULL)) != NULL)
		envdiff_add(&d, ENVDIFF_SET, "NIX_GCROOT", gcroot);
	free(gcroot);
	free(profile);
	shell_notes(&d, &snap.notes);
	if (snap.notes.len != 0)
		log_info("%s#%s: %s", sh->ws->root, sh->name, snap.notes.data);
	envdiff_encode(&d, &snap.env);
	buf_add(&snap.hook_output, eval_hook_output(ev)->data,
	    eval_hook_output(ev)->len);
	memcpy(snap.key, sh->eval_key, sizeof snap.key);
	snap.created_at = time(NULL);
	snap.eval_ms = eval_ms(ev);
	rec.ok = 1;
	rec.reason = "";
	if (store_snapshot_put(ws_store, sh->id, &snap, &rec) != 0) {
		/* Keep the old snapshot; say why in status. */
		free(sh->error);
		sh->error = xstrdup("cannot save the snapshot (see the log)");
		memcpy(sh->failed_key, sh->eval_key, sizeof sh->failed_key);
		goto out;
	}
	store_snapshot_release(&sh->snap);
	sh->snap = snap;
	store_snapshot_init(&snap);
	sh->failed_key[0] = '\0';
	free(sh->error);
	sh->error = NULL;
	log_info("%s#%s: snapshot %lld ready (%u ms, %zu variables)",
	    sh->ws->root, sh->name, (long long)sh->snap.id, eval_ms(ev), d.n);
out:
	store_snapshot_release(&snap);
	envdiff_release(&d);
}

static void
shell_eval_finished(struct eval *ev, void *arg)
{
	struct shell	*sh = arg;
	struct store_eval rec;
	char		 now[HASH_HEX_SIZE];
	void		(*done)(struct shell *) = sh->eval_done;
	int		 stale = 0;

	sh->eval = NULL;
	sh->last_eval = sh->eval_started;
	sh->last_eval_ms = eval_ms(ev);
	/*
	 * Judge the result against the inputs as they are now: a result
	 * whose inputs changed while it ran, or whose flake.nix is no longer
	 * trusted, is never stored.
	 */
	if (sh->ws->allowed_hash == NULL || workspace_check_trust(sh->ws))
		log_info("%s#%s: dropped an evaluation of an untrusted flake",
		    sh->ws->root, sh->name);
	else if (shell_compute_key(sh, now) != 0 ||
	    strcmp(now, sh->eval_key) != 0) {
		log_info("%s#%s: inputs changed during the evaluation; "
		    "result dropped", sh->ws->root, sh->name);
		stale = 1;
	} else if (eval_ok(ev))
		shell_save(sh, ev);
	else {
		log_warnx("%s#%s: evaluation failed: %s", sh->ws->root,
		    sh->name, eval_reason(ev));
		free(sh->error);
		sh->error = xstrdup(eval_reason(ev));
		memcpy(sh->failed_key, sh->eval_key, sizeof sh->failed_key);
		memset(&rec, 0, sizeof rec);
		rec.started_at = sh->eval_started;
		rec.duration_ms = eval_ms(ev);
		rec.reason = sh->error;
		rec.log = (char *)eval_log(ev);
		store_eval_failed(ws_store, sh->id, &rec);
	}
	eval_free(ev);
	if (done != NULL)
		done(sh);
	/* Decide afresh, once the scheduler has seen this one end. */
	if (stale)
		workspace_refresh(sh->ws);
	generation_bump("evaluation ended");
	server_notify();
}

int
shell_eval_start(struct shell *sh, void (*done)(struct shell *))
{
	struct eval_spec spec;
	char		*profile, *cause = NULL;

	if (sh->eval != NULL || sh->ws->allowed_hash == NULL ||
	    workspace_check_trust(sh->ws))
		return (-1);
	if (shell_compute_key(sh, sh->eval_key) != 0)
		log_warn("%s: cannot read its flake files", sh->ws->root);
	memcpy(sh->key, sh->eval_key, sizeof sh->key);
	profile = shell_profile(sh);
	memset(&spec, 0, sizeof spec);
	spec.root = sh->ws->root;
	spec.shell = sh->name;
	spec.profile = profile;
	spec.tmpdir = ws_tmp;
	spec.nix = ws_nix;
	spec.env = ws_base_env;
	spec.timeout_sec = ws_timeout;
	sh->eval_started = time(NULL);
	sh->eval_done = done;
	sh->eval = eval_start(ws_loop, &spec, shell_eval_finished, sh, &cause);
	free(profile);
	if (sh->eval == NULL) {
		log_warnx("%s#%s: %s", sh->ws->root, sh->name, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

void
shell_eval_cancel(struct shell *sh)
{
	if (sh->eval != NULL)
		eval_cancel(sh->eval);
}

static void
shell_describe(struct shell *sh, struct shell_info *info)
{
	struct workspace	*ws = sh->ws;

	info->shell = sh->name;
	info->last_eval = sh->last_eval;
	info->last_eval_ms = sh->last_eval_ms;
	if (ws->blocked) {
		info->state = SHELL_BLOCKED;
		info->message = xstrdup("flake.nix changed since it was "
		    "allowed");
		return;
	}
	if (sh->snap.id != 0) {
		info->snapshot_id = sh->snap.id;
		info->snapshot_made = sh->snap.created_at;
		info->env = &sh->snap.env;
		info->hook_output = &sh->snap.hook_output;
	}
	if (sh->eval != NULL || scheduler_busy(sh))
		info->state = SHELL_EVALUATING;
	else if (sh->failed_key[0] != '\0' &&
	    strcmp(sh->failed_key, sh->key) == 0) {
		info->state = SHELL_FAILED;
		info->message = xstrdup(sh->error ? sh->error : "failed");
	} else if (sh->snap.id != 0 && strcmp(sh->snap.key, sh->key) == 0) {
		info->state = SHELL_READY;
		if (sh->snap.notes.len != 0)
			info->message = xstrdup(sh->snap.notes.data);
	} else
		info->state = SHELL_EVALUATING;
}

void
workspace_describe(const char *dir, struct shell_info *info)
{
	struct workspace	*ws;

	memset(info, 0, sizeof *info);
	if ((info->root = path_find_workspace(dir)) == NULL) {
		info->state = SHELL_NONE;
		return;
	}
	if ((ws = workspace_find(info->root)) == NULL ||
	    ws->allowed_hash == NULL) {
		info->state = SHELL_UNTRUSTED;
		info->shell = WORKSPACE_DEFAULT_SHELL;
		info->message = xstrdup("not allowed");
		return;
	}
	/* Judge against the files as they are now, not the last event. */
	workspace_refresh(ws);
	shell_describe(ws->shell, info);
}

void
shell_info_release(struct shell_info *info)
{
	free(info->root);
	free(info->message);
	memset(info, 0, sizeof *info);
}

int
workspace_allow(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	char			*root, *flake, hex[HASH_HEX_SIZE];
	int64_t			 id;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (-1);
	}
	flake = path_join(root, PATH_FLAKE);
	if (hash_file(flake, hex) != 0) {
		*cause = xasprintf("cannot read %s: %s", flake,
		    strerror(errno));
		free(flake);
		free(root);
		return (-1);
	}
	free(flake);
	if (store_workspace_ensure(ws_store, root, &id) != 0 ||
	    store_workspace_trust(ws_store, id, hex) != 0) {
		*cause = xasprintf("cannot record the allowance (see the "
		    "daemon log)");
		free(root);
		return (-1);
	}
	if ((ws = workspace_find(root)) == NULL)
		ws = workspace_add(id, root, hex);
	else {
		free(ws->allowed_hash);
		ws->allowed_hash = xstrdup(hex);
	}
	ws->blocked = 0;
	workspace_watch(ws);
	workspace_refresh(ws);
	generation_bump("allowed");
	*msg = xasprintf("allowed %s (flake.nix blake2b %.16s)", root, hex);
	log_info("%s", *msg);
	free(root);
	server_notify();
	return (0);
}

int
workspace_deny(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	char			*root;
	int64_t			 id;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (-1);
	}
	if (store_workspace_ensure(ws_store, root, &id) != 0 ||
	    store_workspace_trust(ws_store, id, NULL) != 0) {
		*cause = xasprintf("cannot record the denial (see the daemon "
		    "log)");
		free(root);
		return (-1);
	}
	if ((ws = workspace_find(root)) != NULL) {
		free(ws->allowed_hash);
		ws->allowed_hash = NULL;
		shell_eval_cancel(ws->shell);
		if (ws->wd != -1 && ws_watcher != NULL)
			watcher_remove(ws_watcher, ws->wd);
		ws->wd = -1;
	}
	generation_bump("denied");
	*msg = xasprintf("denied %s", root);
	log_info("%s", *msg);
	free(root);
	server_notify();
	return (0);
}
