/*
 * Workspaces: directories holding flake.nix, and the coordinator of their
 * parts. A workspace is trusted once the user runs `hearth allow` (see
 * trust.c); nothing of a blocked one is evaluated or served until the
 * next `hearth allow`. Every devShell of a trusted workspace is kept warm:
 * the names are listed (names.c), and each shell (devshell.c) is
 * evaluated in the background, the one a user is in first. A directory
 * maps to a shell by .hearth.ini's [shells] first, then by the nearest
 * enclosing directory named like a shell, then `default`.
 *
 * The directories of every shell's inputs are watched (watchset.c); any
 * event marks the workspace dirty, and the scheduler refreshes it after a
 * quiet moment. The flake's inputs are rooted after a good evaluation
 * (roots.c). None of the parts calls back up: what they need from here
 * they are given when they are made. Only trusted workspaces live in
 * memory; they live until the daemon exits. Their trust is kept in
 * workspace_trust.c; what requests ask of them, in workspace_query.c.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "changed.h"
#include "devshell.h"
#include "devshell_eval.h"
#include "gc.h"
#include "inputs.h"
#include "liveshells.h"
#include "names.h"
#include "roots.h"
#include "scheduler.h"
#include "settings.h"
#include "shellmap.h"
#include "store.h"
#include "trust.h"
#include "watchset.h"
#include "workspace.h"
#include "workspace-private.h"

static TAILQ_HEAD(workspace_list, workspace) workspaces =
    TAILQ_HEAD_INITIALIZER(workspaces);
/* Workspaces gc forgot, kept until the loop has ended. */
static struct workspace_list forgotten = TAILQ_HEAD_INITIALIZER(forgotten);

/*
 * Check the workspace's own files before anything reads them: one `git
 * pull` can make one a FIFO or a link to /dev/zero. 0, or -1 with
 * ws->unreadable set, logged when it changes.
 */
int
workspace_check_files(struct workspace *ws)
{
	char	*was = ws->unreadable;

	ws->unreadable = NULL;
	if (trust_files_check(ws->root, &ws->unreadable) != 0 &&
	    (was == NULL || strcmp(was, ws->unreadable) != 0)) {
		log_warnx("%s: %s", ws->root, ws->unreadable);
		changed_announce("workspace unreadable");
	} else if (ws->unreadable == NULL && was != NULL) {
		log_info("%s: its files are readable again", ws->root);
		changed_announce("workspace readable");
	}
	free(was);
	return (ws->unreadable != NULL ? -1 : 0);
}


static int
workspace_trusted_cb(void *arg)
{
	return (workspace_trusted(arg));
}

static const struct inputs *
workspace_base_inputs(void *arg)
{
	struct workspace	*ws = arg;

	return (ws->base);
}

/*
 * Watch the root and the directories of every shell's inputs (current
 * and failed run), and the whole tree of a directory input.
 */
void
workspace_rewatch(struct workspace *ws)
{
	struct inputs		*in;

	in = workspace_inputs(ws);
	/* A failed listing's files too: fixing one lists it again. */
	names_inputs(ws->names, in);
	watchset_set(ws->watch, in);
	inputs_free(in);
}

static void
workspace_inputs_moved(void *arg)
{
	workspace_rewatch(arg);
}

/* After a good evaluation: root the flake's inputs for this lock. */
static void
workspace_evaluated(void *arg)
{
	struct workspace	*ws = arg;

	roots_want(ws->roots, names_key(ws->names));
}

/* An evaluation of trusted content read these: the allowance covers them. */
static void
workspace_read(void *arg, const struct inputs *in)
{
	struct workspace	*ws = arg;

	trust_read(ws->trust, in);
}

static const struct devshell_ops workspace_shell_ops = {
	.trusted = workspace_trusted_cb,
	.base_inputs = workspace_base_inputs,
	.inputs_moved = workspace_inputs_moved,
	.evaluated = workspace_evaluated,
	.read = workspace_read,
};

struct devshell *
workspace_shell(struct workspace *ws, const char *name)
{
	struct shell_entry	*e;

	TAILQ_FOREACH(e, &ws->shells, entry) {
		if (strcmp(devshell_name(e->sh), name) == 0)
			return (e->sh);
	}
	return (NULL);
}

struct devshell *
workspace_add_shell(struct workspace *ws, const char *name)
{
	struct shell_entry	*e;

	if (workspace_shell(ws, name) != NULL)
		return (workspace_shell(ws, name));
	e = xcalloc(1, sizeof *e);
	e->sh = devshell_new(&workspace_shell_ops, ws, ws->root, ws->top,
	    ws->id, name);
	TAILQ_INSERT_TAIL(&ws->shells, e, entry);
	return (e->sh);
}

/* The names changed: a shell for each new one. */
static void
workspace_add_shells(struct workspace *ws)
{
	char *const	*names = names_list(ws->names);
	size_t		 i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		workspace_add_shell(ws, names[i]);
}

/* A listing of the devShells ended. */
static void
workspace_listed(void *arg)
{
	struct workspace	*ws = arg;
	const char		*name;
	size_t			 i;

	workspace_add_shells(ws);
	/* A failed listing's files are watched, for the fix. */
	workspace_rewatch(ws);
	/* The shells users asked for while listing go first. */
	for (i = 0; names_list(ws->names) != NULL && i < nitems(ws->wanted) &&
	    ws->wanted[i] != NULL; i++) {
		if ((name = workspace_shell_for(ws, ws->wanted[i])) != NULL &&
		    names_has(ws->names, name))
			devshell_refresh(workspace_add_shell(ws, name), 1);
		free(ws->wanted[i]);
		ws->wanted[i] = NULL;
	}
	workspace_refresh(ws);
	changed_announce("devShells listed");
}

static const struct names_ops workspace_names_ops = {
	.trusted = workspace_trusted_cb,
	.listed = workspace_listed,
};

/*
 * Take a freshly read .hearth.ini. A broken one keeps the last usable
 * mapping, as a failed evaluation keeps the last good snapshot: the
 * shell stays loaded, and its state says what to fix.
 */
static void
workspace_config(struct workspace *ws, struct wsconfig *c)
{
	const char	*error = wsconfig_error(c);

	if (error != NULL && (ws->config_error == NULL ||
	    strcmp(ws->config_error, error) != 0))
		log_warnx("%s: %s", ws->root, error);
	free(ws->config_error);
	ws->config_error = error != NULL ? xstrdup(error) : NULL;
	if (error != NULL) {
		wsconfig_free(c);
		return;
	}
	wsconfig_free(ws->config);
	ws->config = c;
}

/* Re-read a workspace's files after they changed. */
void
workspace_refresh(struct workspace *ws)
{
	struct shell_entry	*e;
	char			*ini;
	int			 unreadable;

	if (!trust_allowed(ws->trust))
		return;
	if (watchset_stale(ws->watch))
		workspace_rewatch(ws);
	unreadable = workspace_check_files(ws) != 0;
	if (!unreadable && !workspace_trusted(ws)) {
		/* A cached snapshot of the files as they are may apply. */
		TAILQ_FOREACH(e, &ws->shells, entry) {
			if (names_has(ws->names, devshell_name(e->sh)))
				devshell_refresh(e->sh, 0);
		}
	}
	if (unreadable || !workspace_trusted(ws)) {
		/* Never let an evaluation of untrusted code finish. */
		TAILQ_FOREACH(e, &ws->shells, entry)
			devshell_eval_cancel(e->sh);
		return;
	}
	ini = path_join(ws->root, WORKSPACE_CONFIG);
	workspace_config(ws, wsconfig_load(ini));
	free(ini);
	/* List the names when flake.nix or flake.lock changed. */
	if (names_refresh(ws->names))
		workspace_add_shells(ws);
	/* Until the names are known, nothing is evaluated in vain. */
	TAILQ_FOREACH(e, &ws->shells, entry) {
		if (names_has(ws->names, devshell_name(e->sh)))
			devshell_refresh(e->sh, 0);
	}
}

/* The scheduler's hook: the workspaces whose files were quiet long enough. */
static void
workspace_refresh_dirty(void *const *dirty, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		workspace_refresh(dirty[i]);
	changed_recheck();
}

const struct scheduler_hooks workspace_scheduler_hooks = {
	.refresh = workspace_refresh_dirty,
	.events_waiting = watchset_pending,
};

struct workspace *
workspace_find(const char *root)
{
	struct workspace	*ws;

	TAILQ_FOREACH(ws, &workspaces, entry) {
		if (strcmp(ws->root, root) == 0)
			return (ws);
	}
	return (NULL);
}

struct workspace *
workspace_add(int64_t id, const char *root, const char *hash)
{
	struct workspace	*ws;
	char			*p;

	ws = xcalloc(1, sizeof *ws);
	ws->id = id;
	ws->root = xstrdup(root);
	ws->top = shellmap_top(root);
	ws->trust = trust_new(id, root, hash);
	TAILQ_INIT(&ws->shells);
	ws->base = inputs_new();
	p = path_join(root, PATH_FLAKE);
	inputs_add(ws->base, p);
	free(p);
	p = path_join(root, PATH_LOCK);
	inputs_add(ws->base, p);
	free(p);
	p = path_join(root, WORKSPACE_CONFIG);
	inputs_add(ws->base, p);
	free(p);
	ws->config = wsconfig_load("");
	ws->watch = watchset_new(ws, ws->root, ws->top);
	ws->roots = roots_new(id, ws->root, ws->top, workspace_trusted_cb, ws);
	TAILQ_INSERT_TAIL(&workspaces, ws, entry);
	/* The names listed last time, until they are listed again. */
	ws->names = names_new(id, ws->root, ws->top, &workspace_names_ops, ws);
	workspace_add_shells(ws);
	return (ws);
}

static void
workspace_load(int64_t id, const char *root, const char *hash, void *arg)
{
	struct workspace	*ws;

	(void)arg;
	ws = workspace_add(id, root, hash);
	workspace_rewatch(ws);
	workspace_refresh(ws);
}

int
workspace_start(char **cause)
{
	if (watchset_start(settings.loop, cause) != 0)
		return (-1);
	if (store_workspaces_allowed(settings.store, workspace_load,
	    NULL) != 0) {
		*cause = xstrdup("cannot read workspaces from the store");
		return (-1);
	}
	return (0);
}

void
workspace_unwatch(void)
{
	struct workspace	*ws;

	TAILQ_FOREACH(ws, &workspaces, entry) {
		names_cancel(ws->names);
		roots_cancel(ws->roots);
	}
	TAILQ_FOREACH(ws, &forgotten, entry)
		roots_cancel(ws->roots);
	watchset_stop();
}

void
workspace_stop(void)
{
	struct workspace	*ws;
	struct shell_entry	*e;

	TAILQ_CONCAT(&workspaces, &forgotten, entry);
	while ((ws = TAILQ_FIRST(&workspaces)) != NULL) {
		TAILQ_REMOVE(&workspaces, ws, entry);
		while ((e = TAILQ_FIRST(&ws->shells)) != NULL) {
			TAILQ_REMOVE(&ws->shells, e, entry);
			devshell_free(e->sh);
			free(e);
		}
		for (size_t i = 0; i < nitems(ws->wanted); i++)
			free(ws->wanted[i]);
		names_free(ws->names);
		roots_free(ws->roots);
		watchset_free(ws->watch);
		trust_free(ws->trust);
		inputs_free(ws->base);
		wsconfig_free(ws->config);
		free(ws->config_error);
		free(ws->unreadable);
		free(ws->root);
		free(ws->top);
		free(ws);
	}
	inputs_forget();
}

/* The workspace after ws (the first if NULL), or NULL at the end. */
struct workspace *
workspace_next(struct workspace *ws)
{
	return (ws == NULL ? TAILQ_FIRST(&workspaces) :
	    TAILQ_NEXT(ws, entry));
}

/* The shell for a directory inside a workspace; NULL when none applies. */
const char *
workspace_shell_for(struct workspace *ws, const char *dir)
{
	return (shellmap_find(ws->root, ws->config, names_list(ws->names),
	    dir));
}

/* gc: stop tending a workspace the store has forgotten. */
static void
workspace_gc_forget(const char *root)
{
	struct workspace	*ws;
	struct shell_entry	*e;

	if ((ws = workspace_find(root)) == NULL)
		return;
	trust_deny(ws->trust);
	TAILQ_FOREACH(e, &ws->shells, entry)
		devshell_eval_cancel(e->sh);
	names_cancel(ws->names);
	watchset_clear(ws->watch);
	roots_drop(ws->roots);
	/*
	 * Out of the list (hearth list, a new allow) at once; freed when the
	 * daemon exits, since callbacks of what was cancelled may still come.
	 */
	TAILQ_REMOVE(&workspaces, ws, entry);
	TAILQ_INSERT_TAIL(&forgotten, ws, entry);
}

int
workspace_gc(unsigned days, int dry_run, char **msg, char **cause)
{
	return (gc_run(days, dry_run, liveshells_in, workspace_gc_forget, msg,
	    cause));
}
