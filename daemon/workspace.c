/*
 * Workspaces: directories holding flake.nix, their trust, their config
 * (.hearth.ini) and their devShells.
 *
 * A workspace is trusted once the user runs `hearth allow`, which records
 * the BLAKE2b hash of flake.nix and .hearth.ini; when either no longer has
 * that hash the workspace is blocked and nothing of it is evaluated (or
 * served) until the next `hearth allow`. flake.lock is not part of the
 * allowance, so a lock update keeps shells warm.
 *
 * Every devShell of a trusted workspace is kept warm: the names are listed
 * with `nix eval` (again whenever flake.nix or flake.lock change), and each
 * shell is evaluated in the background, the one a user is in first. A
 * directory maps to a shell by .hearth.ini's [shells] first, then by the
 * nearest enclosing directory named like a shell, then `default`.
 *
 * The root directory and the directories of every shell's inputs are
 * watched (directories, so that rename-replace and checkouts are seen);
 * any event there marks the workspace dirty, and the scheduler refreshes
 * it after a quiet moment. Only trusted workspaces live in memory; they
 * live until the daemon exits.
 */
#include <sys/queue.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

#define WORKSPACE_CONFIG	WSCONFIG_FILE
#define WORKSPACE_DEFAULT	"default"
#define nitems(a)		(sizeof (a) / sizeof *(a))
/* Name lists remembered per flake.nix and flake.lock, for switching back. */
#define WORKSPACE_NAMES_CACHE	8
/* A workspace with more directories to watch is watched at its root. */
#define WORKSPACE_MAX_WATCHES	512

struct shell_entry {
	struct devshell		*sh;
	TAILQ_ENTRY(shell_entry) entry;
};

struct workspace {
	int64_t			 id;
	char			*root;
	char			*top;
	char			*allowed_hash;	/* NULL: not allowed */
	int			 blocked;
	struct inputs		*base;		/* flake.nix, flake.lock, ini */
	struct inputs		*trees;		/* directory inputs watched whole */
	struct wsconfig		*config;

	char			**names;	/* devShell names; NULL unknown */
	char			 names_key[HASH_HEX_SIZE];
	struct names_cache {
		char		 key[HASH_HEX_SIZE];
		struct buf	 names;		/* NUL-separated */
	}			 listed[WORKSPACE_NAMES_CACHE];
	unsigned		 nlisted;	/* next slot to replace */
	struct eval		*list;		/* listing the names */
	char			 list_key[HASH_HEX_SIZE]; /* names_key it lists */
	void			(*list_done)(void *);
	char			*list_error;
	struct eval		*roots;		/* rooting the flake inputs */
	void			(*roots_done)(void *);
	char			*wanted[8];	/* dirs asked for while listing */
	char			 roots_key[HASH_HEX_SIZE];

	TAILQ_HEAD(, shell_entry) shells;

	int			*wds;
	size_t			 nwds;
	int			 rewatch;	/* a watched directory went */
	int			 polled;	/* out of watches: polled */
	TAILQ_ENTRY(workspace)	 entry;
};

struct settings settings;

static TAILQ_HEAD(, workspace) workspaces =
    TAILQ_HEAD_INITIALIZER(workspaces);
static struct watcher	*ws_watcher;

static void	workspace_changed(void *, const char *);
static const char *workspace_shell_for(struct workspace *, const char *);

const char *
workspace_root(struct workspace *ws)
{
	return (ws->root);
}

const char *
workspace_top(struct workspace *ws)
{
	return (ws->top);
}

int64_t
workspace_id(struct workspace *ws)
{
	return (ws->id);
}

const struct inputs *
workspace_base_inputs(struct workspace *ws)
{
	return (ws->base);
}

/* The allowance: flake.nix and .hearth.ini, as they are now. */
static int
workspace_trust_hash(const char *root, char hex[HASH_HEX_SIZE])
{
	struct hash_state	*h = hash_new();
	char			*flake, *ini;
	int			 rc = 0;

	flake = path_join(root, PATH_FLAKE);
	ini = path_join(root, WORKSPACE_CONFIG);
	hash_update(h, "hearth-trust-1", 15);
	if (access(flake, R_OK) != 0 || hash_update_file(h, flake) != 0 ||
	    hash_update_file(h, ini) != 0)
		rc = -1;
	hash_final(h, hex);
	free(flake);
	free(ini);
	return (rc);
}

int
workspace_trusted(struct workspace *ws)
{
	char	 hex[HASH_HEX_SIZE];
	int	 was = ws->blocked;

	if (ws->allowed_hash == NULL)
		return (0);
	ws->blocked = workspace_trust_hash(ws->root, hex) != 0 ||
	    strcmp(hex, ws->allowed_hash) != 0;
	if (ws->blocked != was) {
		log_info("%s: %s", ws->root, ws->blocked ? "flake.nix or "
		    ".hearth.ini changed since it was allowed; blocked" :
		    "trusted again");
		generation_bump("trust changed");
	}
	return (!ws->blocked);
}

/* The git top directory holding root (the flake's source), or root. */
static char *
workspace_find_top(const char *root)
{
	char		*p, *git, *slash;
	struct stat	 st;

	p = xstrdup(root);
	for (;;) {
		git = path_join(p, ".git");
		if (lstat(git, &st) == 0) {
			free(git);
			return (p);
		}
		free(git);
		if ((slash = strrchr(p, '/')) == NULL || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return (xstrdup(root));
}

static struct devshell *
workspace_shell(struct workspace *ws, const char *name)
{
	struct shell_entry	*e;

	TAILQ_FOREACH(e, &ws->shells, entry) {
		if (strcmp(devshell_name(e->sh), name) == 0)
			return (e->sh);
	}
	return (NULL);
}

static struct devshell *
workspace_add_shell(struct workspace *ws, const char *name)
{
	struct shell_entry	*e;

	if (workspace_shell(ws, name) != NULL)
		return (workspace_shell(ws, name));
	e = xcalloc(1, sizeof *e);
	e->sh = devshell_new(ws, name);
	TAILQ_INSERT_TAIL(&ws->shells, e, entry);
	return (e->sh);
}

static void
workspace_free_names(struct workspace *ws)
{
	size_t	 i;

	for (i = 0; ws->names != NULL && ws->names[i] != NULL; i++)
		free(ws->names[i]);
	free(ws->names);
	ws->names = NULL;
}

/* Take a NUL-separated list of names; shells are made for new ones. */
static void
workspace_set_names(struct workspace *ws, const char *p, size_t len)
{
	const char	*end = p + len;
	size_t		 n = 0;

	workspace_free_names(ws);
	ws->names = xcalloc(1, sizeof *ws->names);
	while (p < end) {
		ws->names = xrealloc(ws->names, (n + 2) * sizeof *ws->names);
		ws->names[n++] = xstrndup(p, strnlen(p, end - p));
		ws->names[n] = NULL;
		workspace_add_shell(ws, ws->names[n - 1]);
		p += strlen(ws->names[n - 1]) + 1;
	}
}

static int
workspace_has_name(struct workspace *ws, const char *name)
{
	size_t	 i;

	for (i = 0; ws->names != NULL && ws->names[i] != NULL; i++) {
		if (strcmp(ws->names[i], name) == 0)
			return (1);
	}
	return (0);
}

/* Remember a listing, so that a lock switched back needs no Nix call. */
static void
workspace_cache_names(struct workspace *ws, const char *key,
    const struct buf *names)
{
	struct names_cache	*c = &ws->listed[ws->nlisted++ %
	    WORKSPACE_NAMES_CACHE];

	memcpy(c->key, key, sizeof c->key);
	buf_reset(&c->names);
	buf_add(&c->names, names->data, names->len);
}

static const struct buf *
workspace_cached_names(struct workspace *ws, const char *key)
{
	size_t	 i;

	for (i = 0; i < WORKSPACE_NAMES_CACHE; i++) {
		if (ws->listed[i].key[0] != '\0' &&
		    strcmp(ws->listed[i].key, key) == 0)
			return (&ws->listed[i].names);
	}
	return (NULL);
}

/* The key the names are listed for: flake.nix and flake.lock, system. */
static void
workspace_names_key(struct workspace *ws, char key[HASH_HEX_SIZE])
{
	struct inputs	*in = inputs_new();
	char		*p;

	p = path_join(ws->root, PATH_FLAKE);
	inputs_add(in, p);
	free(p);
	p = path_join(ws->root, PATH_LOCK);
	inputs_add(in, p);
	free(p);
	inputs_key(in, settings.system, key);
	inputs_free(in);
}

static void
workspace_listed(struct eval *ev, void *arg)
{
	struct workspace	*ws = arg;
	struct buf		 b = BUF_INIT;
	char *const		*names;
	const char		*name;
	void			(*done)(void *) = ws->list_done;
	size_t			 i;
	int			 current;

	ws->list = NULL;
	ws->list_done = NULL;
	/* The files moved on while it ran: a new listing is queued. */
	current = strcmp(ws->list_key, ws->names_key) == 0;
	if (!eval_ok(ev)) {
		log_warnx("%s: cannot list its devShells: %s", ws->root,
		    eval_reason(ev));
		if (current) {
			free(ws->list_error);
			ws->list_error = xstrdup(eval_reason(ev));
		}
	} else if (workspace_trusted(ws)) {
		names = eval_names(ev);
		for (i = 0; names[i] != NULL; i++)
			buf_add(&b, names[i], strlen(names[i]) + 1);
		workspace_cache_names(ws, ws->list_key, &b);
		if (current) {
			free(ws->list_error);
			ws->list_error = NULL;
			workspace_set_names(ws, b.data, b.len);
			if (store_workspace_set_names(settings.store, ws->id,
			    &b, ws->names_key) != 0)
				log_warnx("%s: cannot store its devShell "
				    "names", ws->root);
		}
		log_info("%s: %zu devShells", ws->root, i);
	}
	buf_release(&b);
	eval_free(ev);
	/* The shells users asked for while listing go first. */
	for (i = 0; ws->names != NULL && i < nitems(ws->wanted) &&
	    ws->wanted[i] != NULL; i++) {
		if ((name = workspace_shell_for(ws, ws->wanted[i])) != NULL &&
		    workspace_has_name(ws, name))
			devshell_refresh(workspace_add_shell(ws, name), 1);
		free(ws->wanted[i]);
		ws->wanted[i] = NULL;
	}
	workspace_refresh(ws);
	generation_bump("devShells listed");
	server_notify();
	if (done != NULL)
		done(ws);
}

int
workspace_events_waiting(void)
{
	return (watcher_pending(ws_watcher));
}

int
workspace_names_known(struct workspace *ws)
{
	return (ws->names != NULL);
}

/* List the devShell names with Nix (it evaluates: trusted only). */
int
workspace_list_start(struct workspace *ws, void (*done)(void *))
{
	struct eval_spec spec;
	char		*cause = NULL;

	if (ws->list != NULL || !workspace_trusted(ws))
		return (-1);
	memset(&spec, 0, sizeof spec);
	spec.mode = EVAL_LIST;
	spec.root = ws->root;
	spec.top = ws->top;
	spec.system = settings.system;
	spec.tmpdir = settings.tmp;
	spec.nix = settings.nix;
	spec.env = settings.base_env;
	spec.timeout_sec = settings.timeout_sec;
	memcpy(ws->list_key, ws->names_key, sizeof ws->list_key);
	ws->list = eval_start(settings.loop, &spec, workspace_listed, ws,
	    &cause);
	if (ws->list == NULL) {
		log_warnx("%s: %s", ws->root, cause);
		free(ws->list_error);
		ws->list_error = cause;
		return (-1);
	}
	ws->list_done = done;
	return (0);
}

/* Where a workspace's input roots live: one directory per lock. */
static char *
workspace_roots_dir(struct workspace *ws, const char *key)
{
	if (key == NULL)
		return (xasprintf("%s/roots/ws-%lld", settings.state_dir,
		    (long long)ws->id));
	return (xasprintf("%s/roots/ws-%lld/%.16s", settings.state_dir,
	    (long long)ws->id, key));
}

/* Remove every roots directory of a workspace but the one to keep. */
static void
workspace_unroot_inputs(struct workspace *ws, const char *keep)
{
	struct dirent	**ents = NULL;
	char		 *dir, *sub, *link;
	int		  n, i;

	dir = workspace_roots_dir(ws, NULL);
	if ((n = scandir(dir, &ents, NULL, alphasort)) > 0) {
		for (i = 0; i < n; i++) {
			if (ents[i]->d_name[0] == '.' || (keep != NULL &&
			    strncmp(ents[i]->d_name, keep, 16) == 0)) {
				free(ents[i]);
				continue;
			}
			sub = path_join(dir, ents[i]->d_name);
			/* Only hearth's own links: input, input-1, ... */
			for (int k = 0; k < 4096; k++) {
				link = k == 0 ? path_join(sub, "input") :
				    xasprintf("%s/input-%d", sub, k);
				if (unlink(link) == -1 && k > 0) {
					free(link);
					break;
				}
				free(link);
			}
			rmdir(sub);
			free(sub);
			free(ents[i]);
		}
	}
	free(ents);
	free(dir);
}

static void
workspace_rooted(struct eval *ev, void *arg)
{
	struct workspace	*ws = arg;
	void			(*done)(void *) = ws->roots_done;
	char			 key[HASH_HEX_SIZE];

	ws->roots = NULL;
	ws->roots_done = NULL;
	if (eval_ok(ev)) {
		memcpy(key, ws->roots_key, sizeof key);
		workspace_unroot_inputs(ws, key);
		log_info("%s: flake inputs rooted", ws->root);
	} else if (!eval_cancelled(ev)) {
		log_warnx("%s: cannot root its flake inputs: %s", ws->root,
		    eval_reason(ev));
		ws->roots_key[0] = '\0';
	}
	eval_free(ev);
	if (done != NULL)
		done(ws);
}

/*
 * Root the flake's inputs once per lock (after a successful evaluation:
 * by then Nix has fetched them), so that nix-collect-garbage cannot take
 * them and force a fetch, impossible offline, at the next evaluation.
 */
void
workspace_root_inputs(struct workspace *ws)
{
	if (strcmp(ws->roots_key, ws->names_key) != 0)
		scheduler_want(JOB_ROOTS, ws, 0);
}

int
workspace_roots_start(struct workspace *ws, void (*done)(void *))
{
	struct eval_spec spec;
	char		*dir, *link, *cause = NULL;

	/* Rooted already for this lock (or asked twice): nothing to do. */
	if (ws->roots != NULL || !workspace_trusted(ws) ||
	    strcmp(ws->roots_key, ws->names_key) == 0)
		return (-1);
	memcpy(ws->roots_key, ws->names_key, sizeof ws->roots_key);
	dir = workspace_roots_dir(ws, ws->roots_key);
	if (path_mkdirs(dir, 0700) != 0) {
		log_warn("cannot create %s", dir);
		free(dir);
		return (-1);
	}
	link = path_join(dir, "input");
	memset(&spec, 0, sizeof spec);
	spec.mode = EVAL_ROOTS;
	spec.root = ws->root;
	spec.top = ws->top;
	spec.profile = link;
	spec.tmpdir = settings.tmp;
	spec.nix = settings.nix;
	spec.env = settings.base_env;
	spec.timeout_sec = settings.timeout_sec;
	ws->roots = eval_start(settings.loop, &spec, workspace_rooted, ws,
	    &cause);
	free(link);
	free(dir);
	if (ws->roots == NULL) {
		log_warnx("%s: %s", ws->root, cause);
		free(cause);
		return (-1);
	}
	ws->roots_done = done;
	return (0);
}

/*
 * Add a directory input and every directory below it to dirs, at most
 * *left of them; 0 if the tree is not all there (out of room, unreadable,
 * or reaching out through a symbolic link, which no watch of ours sees).
 */
static int
workspace_add_tree(struct inputs *dirs, const char *dir, size_t *left)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*p;
	int		 whole = 1, type;

	if (*left == 0)
		return (0);
	(*left)--;
	inputs_add(dirs, dir);
	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		p = path_join(dir, de->d_name);
		type = de->d_type;
		if (type == DT_UNKNOWN && lstat(p, &st) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR :
			    S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type == DT_LNK || (type == DT_DIR &&
		    !workspace_add_tree(dirs, p, left)))
			whole = 0;
		free(p);
	}
	closedir(d);
	return (whole);
}

/*
 * Watch the root and the directories of every shell's inputs, and the
 * whole tree of a directory input (`src = ./.`): then a check of it can
 * trust the watches instead of walking it at every request.
 */
void
workspace_rewatch(struct workspace *ws)
{
	struct shell_entry	*e;
	struct inputs		*in, *dirs, *trees;
	struct stat		 st;
	char			*d, *slash;
	size_t			 i, j, nold, left = WORKSPACE_MAX_WATCHES;
	int			 wd, *old, full, whole = 1;

	if (ws_watcher == NULL)
		return;
	in = inputs_new();
	inputs_merge(in, ws->base);
	TAILQ_FOREACH(e, &ws->shells, entry)
		devshell_inputs(e->sh, in);
	dirs = inputs_new();
	inputs_add(dirs, ws->root);
	/* git add changes what Nix sees: watch the index. */
	d = path_join(ws->top, ".git");
	if (access(d, X_OK) == 0)
		inputs_add(dirs, d);
	free(d);
	trees = inputs_new();
	for (i = 0; i < inputs_count(in); i++) {
		d = xstrdup(inputs_path(in, i));
		/* Inputs outside the flake's source tree are pinned. */
		if (strncmp(d, ws->top, strlen(ws->top)) == 0 &&
		    stat(d, &st) == 0 && S_ISDIR(st.st_mode)) {
			inputs_add(trees, d);
			if (!workspace_add_tree(dirs, d, &left))
				whole = 0;
		}
		if ((slash = strrchr(d, '/')) != NULL && slash != d)
			*slash = '\0';
		if (strncmp(d, ws->top, strlen(ws->top)) == 0)
			inputs_add(dirs, d);
		free(d);
	}
	/*
	 * Add the new watches before dropping the old ones, so that a
	 * directory in both sets is never unwatched, even for a moment.
	 */
	old = ws->wds;
	nold = ws->nwds;
	ws->wds = NULL;
	ws->nwds = 0;
	full = 0;
	for (i = 0; i < inputs_count(dirs) && i < WORKSPACE_MAX_WATCHES; i++) {
		/* A missing directory is watched from its nearest parent. */
		d = xstrdup(inputs_path(dirs, i));
		while ((wd = watcher_add(ws_watcher, d, ws)) == -1 &&
		    errno != ENOSPC && (slash = strrchr(d, '/')) != NULL &&
		    slash != d && strlen(d) > strlen(ws->top))
			*slash = '\0';
		if (wd == -1 || strcmp(d, inputs_path(dirs, i)) != 0)
			whole = 0;
		free(d);
		if (wd == -1 && errno == ENOSPC)
			full = 1;
		if (wd == -1)
			continue;
		ws->wds = xrealloc(ws->wds, (ws->nwds + 1) * sizeof *ws->wds);
		ws->wds[ws->nwds++] = wd;
	}
	for (i = 0; i < nold; i++) {
		for (j = 0; j < ws->nwds && ws->wds[j] != old[i]; j++)
			;
		if (j == ws->nwds)
			watcher_remove(ws_watcher, old[i], ws);
	}
	free(old);
	/*
	 * Out of inotify watches: rather than go stale in silence, check
	 * the workspace periodically, and say so once.
	 */
	if (full && !ws->polled)
		log_warnx("%s: the inotify watch limit is reached "
		    "(fs.inotify.max_user_watches); checking it every %d s "
		    "instead", ws->root, SCHEDULER_POLL_MS / 1000);
	else if (!full && ws->polled)
		log_info("%s: watched again", ws->root);
	if (full != ws->polled)
		scheduler_poll(ws, full);
	ws->polled = full;
	/* Trees trusted only while every directory in them has a watch. */
	if (inputs_count(dirs) > WORKSPACE_MAX_WATCHES)
		whole = 0;
	for (i = 0; ws->trees != NULL && i < inputs_count(ws->trees); i++)
		inputs_tree_watched(inputs_path(ws->trees, i), 0);
	for (i = 0; whole && i < inputs_count(trees); i++)
		inputs_tree_watched(inputs_path(trees, i), 1);
	inputs_free(ws->trees);
	ws->trees = trees;
	inputs_free(in);
	inputs_free(dirs);
}

static void
workspace_unwatch_one(struct workspace *ws)
{
	size_t	 i;

	for (i = 0; ws_watcher != NULL && i < ws->nwds; i++)
		watcher_remove(ws_watcher, ws->wds[i], ws);
	ws->nwds = 0;
	for (i = 0; ws->trees != NULL && i < inputs_count(ws->trees); i++)
		inputs_tree_watched(inputs_path(ws->trees, i), 0);
	inputs_free(ws->trees);
	ws->trees = NULL;
}

void
workspace_refresh(struct workspace *ws)
{
	struct shell_entry	*e;
	const struct buf	*cached;
	char			 key[HASH_HEX_SIZE], *ini;

	if (ws->allowed_hash == NULL)
		return;
	if (ws->rewatch) {
		ws->rewatch = 0;
		workspace_rewatch(ws);
	}
	if (!workspace_trusted(ws)) {
		/* Never let an evaluation of untrusted code finish. */
		TAILQ_FOREACH(e, &ws->shells, entry)
			devshell_eval_cancel(e->sh);
		return;
	}
	ini = path_join(ws->root, WORKSPACE_CONFIG);
	wsconfig_free(ws->config);
	ws->config = wsconfig_load(ini);
	free(ini);
	/*
	 * List the names when flake.nix or flake.lock changed; a listing
	 * that failed is tried again only once they change.
	 */
	workspace_names_key(ws, key);
	if (strcmp(key, ws->names_key) != 0 || (ws->names == NULL &&
	    ws->list_error == NULL && !scheduler_busy(JOB_LIST, ws))) {
		memcpy(ws->names_key, key, sizeof key);
		free(ws->list_error);
		ws->list_error = NULL;
		if ((cached = workspace_cached_names(ws, key)) != NULL)
			workspace_set_names(ws, cached->data, cached->len);
		else
			scheduler_want(JOB_LIST, ws, 0);
	}
	/* Until the names are known, nothing is evaluated in vain. */
	TAILQ_FOREACH(e, &ws->shells, entry) {
		if (workspace_has_name(ws, devshell_name(e->sh)))
			devshell_refresh(e->sh, 0);
	}
}

static void
workspace_changed(void *arg, const char *name)
{
	struct workspace	*ws = arg;

	/*
	 * "" means a watched directory went away (or events were lost):
	 * watch again at the refresh, not from inside the watcher's walk.
	 */
	/*
	 * A directory made inside a watched tree needs a watch of its own
	 * before the tree can be trusted again: rewatch at the refresh.
	 */
	if (*name == '\0' || (ws->trees != NULL &&
	    inputs_count(ws->trees) != 0))
		ws->rewatch = 1;
	inputs_trees_changed();
	scheduler_dirty(ws);
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
	struct buf		 names = BUF_INIT;
	char			*p;

	ws = xcalloc(1, sizeof *ws);
	ws->id = id;
	ws->root = xstrdup(root);
	ws->top = workspace_find_top(root);
	ws->allowed_hash = hash != NULL ? xstrdup(hash) : NULL;
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
	TAILQ_INSERT_TAIL(&workspaces, ws, entry);
	/* The names listed last time, until they are listed again. */
	for (size_t i = 0; i < WORKSPACE_NAMES_CACHE; i++)
		buf_init(&ws->listed[i].names);
	if (store_workspace_names(settings.store, id, &names,
	    ws->names_key) > 0) {
		workspace_set_names(ws, names.data, names.len);
		workspace_cache_names(ws, ws->names_key, &names);
	}
	buf_release(&names);
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
	if ((ws_watcher = watcher_new(settings.loop, workspace_changed,
	    cause)) == NULL)
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
		if (ws->list != NULL)
			eval_cancel(ws->list);
		if (ws->roots != NULL)
			eval_cancel(ws->roots);
	}
	watcher_free(ws_watcher);
	ws_watcher = NULL;
}

void
workspace_stop(void)
{
	struct workspace	*ws;
	struct shell_entry	*e;

	while ((ws = TAILQ_FIRST(&workspaces)) != NULL) {
		TAILQ_REMOVE(&workspaces, ws, entry);
		while ((e = TAILQ_FIRST(&ws->shells)) != NULL) {
			TAILQ_REMOVE(&ws->shells, e, entry);
			devshell_free(e->sh);
			free(e);
		}
		workspace_free_names(ws);
		for (size_t i = 0; i < nitems(ws->wanted); i++)
			free(ws->wanted[i]);
		for (size_t i = 0; i < WORKSPACE_NAMES_CACHE; i++)
			buf_release(&ws->listed[i].names);
		inputs_free(ws->base);
		inputs_free(ws->trees);
		wsconfig_free(ws->config);
		free(ws->wds);
		free(ws->list_error);
		free(ws->root);
		free(ws->top);
		free(ws->allowed_hash);
		free(ws);
	}
	inputs_forget();
}

/*
 * The shell for a directory inside a workspace: .hearth.ini's mapping,
 * else the nearest enclosing directory named like a devShell, else
 * `default`. NULL when none applies.
 */
static const char *
workspace_shell_for(struct workspace *ws, const char *dir)
{
	const char	*rel, *name, *found = NULL;
	char		*copy, *slash;
	size_t		 n = strlen(ws->root), i;

	rel = strncmp(dir, ws->root, n) == 0 && dir[n] == '/' ? dir + n + 1 :
	    "";
	if ((name = wsconfig_mapped(ws->config, rel)) != NULL)
		return (name);
	copy = xstrdup(rel);
	while (found == NULL && *copy != '\0') {
		slash = strrchr(copy, '/');
		name = slash != NULL ? slash + 1 : copy;
		for (i = 0; ws->names != NULL && ws->names[i] != NULL; i++) {
			if (strcmp(ws->names[i], name) == 0)
				found = ws->names[i];
		}
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	free(copy);
	if (found == NULL && (ws->names == NULL ||
	    workspace_has_name(ws, WORKSPACE_DEFAULT)))
		found = WORKSPACE_DEFAULT;
	return (found);
}

void
workspace_describe(const char *dir, struct shell_info *info)
{
	workspace_describe_named(dir, NULL, info);
}

void
workspace_describe_named(const char *dir, const char *want,
    struct shell_info *info)
{
	struct workspace	*ws;
	struct devshell		*sh;
	const char		*name;

	memset(info, 0, sizeof *info);
	if ((info->root = path_find_workspace(dir)) == NULL) {
		info->state = SHELL_NONE;
		return;
	}
	if ((ws = workspace_find(info->root)) == NULL ||
	    ws->allowed_hash == NULL) {
		info->state = SHELL_UNTRUSTED;
		info->shell = WORKSPACE_DEFAULT;
		info->message = xstrdup("not allowed");
		return;
	}
	/* Judge against the files as they are now, not the last event. */
	workspace_refresh(ws);
	if (ws->blocked) {
		info->state = SHELL_BLOCKED;
		info->shell = WORKSPACE_DEFAULT;
		info->message = xstrdup("flake.nix or .hearth.ini changed "
		    "since it was allowed");
		return;
	}
	if ((name = want) == NULL &&
	    (name = workspace_shell_for(ws, dir)) == NULL) {
		info->state = SHELL_NONE;
		info->shell = "";
		info->message = xstrdup("no devShell for this directory");
		return;
	}
	if (wsconfig_error(ws->config) != NULL) {
		info->state = SHELL_FAILED;
		info->shell = name;
		info->message = xstrdup(wsconfig_error(ws->config));
		return;
	}
	if (ws->names == NULL) {
		/* Listing the devShells (or failed to); remember who waits. */
		scheduler_hurry(JOB_LIST, ws);
		for (size_t i = 0; want == NULL && i < nitems(ws->wanted);
		    i++) {
			if (ws->wanted[i] == NULL) {
				ws->wanted[i] = xstrdup(dir);
				break;
			}
			if (strcmp(ws->wanted[i], dir) == 0)
				break;
		}
		info->shell = name;
		info->state = ws->list_error != NULL ? SHELL_FAILED :
		    SHELL_EVALUATING;
		if (ws->list_error != NULL)
			info->message = xstrdup(ws->list_error);
		return;
	}
	if (!workspace_has_name(ws, name)) {
		info->state = SHELL_FAILED;
		info->shell = name;
		info->message = want != NULL ? xasprintf("no devShell named "
		    "%s", name) : xasprintf("no devShell named %s (.hearth.ini "
		    "maps this directory to it)", name);
		return;
	}
	sh = workspace_add_shell(ws, name);
	/* The shell a user is in goes first. */
	devshell_refresh(sh, 1);
	devshell_describe(sh, info);
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
	char			*root, hex[HASH_HEX_SIZE];
	int64_t			 id;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (-1);
	}
	if (workspace_trust_hash(root, hex) != 0) {
		*cause = xasprintf("cannot read %s/%s: %s", root, PATH_FLAKE,
		    strerror(errno));
		free(root);
		return (-1);
	}
	if (store_workspace_ensure(settings.store, root, &id) != 0 ||
	    store_workspace_trust(settings.store, id, hex) != 0) {
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
	workspace_rewatch(ws);
	workspace_refresh(ws);
	generation_bump("allowed");
	*msg = xasprintf("allowed %s (blake2b %.16s)", root, hex);
	log_info("%s", *msg);
	free(root);
	server_notify();
	return (0);
}

int
workspace_deny(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	struct shell_entry	*e;
	char			*root;
	int64_t			 id;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (-1);
	}
	if (store_workspace_ensure(settings.store, root, &id) != 0 ||
	    store_workspace_trust(settings.store, id, NULL) != 0) {
		*cause = xasprintf("cannot record the denial (see the daemon "
		    "log)");
		free(root);
		return (-1);
	}
	if ((ws = workspace_find(root)) != NULL) {
		free(ws->allowed_hash);
		ws->allowed_hash = NULL;
		TAILQ_FOREACH(e, &ws->shells, entry)
			devshell_eval_cancel(e->sh);
		if (ws->list != NULL)
			eval_cancel(ws->list);
		workspace_unwatch_one(ws);
	}
	generation_bump("denied");
	*msg = xasprintf("denied %s", root);
	log_info("%s", *msg);
	free(root);
	server_notify();
	return (0);
}

struct devshell *
workspace_devshell(const char *dir, char **cause)
{
	struct workspace	*ws;
	const char		*name;
	char			*root;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (NULL);
	}
	ws = workspace_find(root);
	if (ws == NULL || ws->allowed_hash == NULL) {
		*cause = xasprintf("%s is not allowed (run hearth allow)", root);
		free(root);
		return (NULL);
	}
	free(root);
	if (!workspace_trusted(ws)) {
		*cause = xasprintf("%s is blocked: flake.nix or .hearth.ini "
		    "changed since it was allowed (run hearth allow)",
		    ws->root);
		return (NULL);
	}
	if ((name = workspace_shell_for(ws, dir)) == NULL ||
	    (ws->names != NULL && !workspace_has_name(ws, name))) {
		*cause = xasprintf("no devShell for %s", dir);
		return (NULL);
	}
	return (workspace_add_shell(ws, name));
}

void
workspace_each(void (*cb)(const struct shell_info *, void *), void *arg)
{
	struct workspace	*ws;
	struct shell_entry	*e;
	struct shell_info	 info;
	size_t			 n;

	TAILQ_FOREACH(ws, &workspaces, entry) {
		if (ws->allowed_hash == NULL || !workspace_trusted(ws)) {
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			info.state = ws->allowed_hash == NULL ?
			    SHELL_UNTRUSTED : SHELL_BLOCKED;
			info.shell = "";
			cb(&info, arg);
			shell_info_release(&info);
			continue;
		}
		n = 0;
		TAILQ_FOREACH(e, &ws->shells, entry) {
			if (ws->names == NULL ||
			    !workspace_has_name(ws, devshell_name(e->sh)))
				continue;
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			devshell_describe(e->sh, &info);
			cb(&info, arg);
			shell_info_release(&info);
			n++;
		}
		if (n == 0) {
			/* Still listing its devShells, or failed to. */
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			info.shell = "";
			info.state = ws->list_error != NULL ? SHELL_FAILED :
			    SHELL_EVALUATING;
			if (ws->list_error != NULL)
				info.message = xstrdup(ws->list_error);
			cb(&info, arg);
			shell_info_release(&info);
		}
	}
}

/*
 * What a gc decided, acted on only once the store has committed it: a
 * failed gc leaves every workspace as it was, trusted and watched.
 */
struct workspace_gc_run {
	struct buf	report;		/* "removed ROOT (why)\n" each */
	struct buf	gone;		/* "ROOT\0" each */
};

/* gc: keep a workspace whose flake is still there and that was used. */
static int
workspace_gc_keep(const char *root, int recent, void *arg)
{
	struct workspace_gc_run	*run = arg;
	char			*flake;
	int			 there;

	flake = path_join(root, PATH_FLAKE);
	there = access(flake, F_OK) == 0;
	free(flake);
	if (there && recent)
		return (1);
	buf_addf(&run->report, "removed %s (%s)\n", root,
	    there ? "unused" : "vanished");
	buf_add(&run->gone, root, strlen(root) + 1);
	return (0);
}

/* gc: stop tending a workspace the store has forgotten. */
static void
workspace_gc_forget(const char *root)
{
	struct workspace	*ws;
	struct shell_entry	*e;

	if ((ws = workspace_find(root)) == NULL)
		return;
	/* It stays in memory, untrusted, until the daemon exits. */
	free(ws->allowed_hash);
	ws->allowed_hash = NULL;
	TAILQ_FOREACH(e, &ws->shells, entry)
		devshell_eval_cancel(e->sh);
	workspace_unwatch_one(ws);
	workspace_unroot_inputs(ws, NULL);
}

static void
workspace_gc_unroot(const char *gcroot)
{
	char	*dir;

	if (gcroot == NULL || *gcroot == '\0')
		return;
	if (unlink(gcroot) == -1 && errno != ENOENT)
		log_warn("cannot remove %s", gcroot);
	/* The copies of its structured attrs go with it. */
	if ((dir = attrs_dir(settings.attrs, gcroot)) != NULL)
		attrs_remove(dir);
	free(dir);
}

int
workspace_gc(unsigned days, char **msg, char **cause)
{
	struct workspace_gc_run	 run = { BUF_INIT, BUF_INIT };
	const char		*p;
	char			*why = NULL;
	unsigned		 removed;
	int64_t			 before = time(NULL) - (int64_t)days * 86400;

	if (store_gc(settings.store, before, workspace_gc_keep,
	    workspace_gc_unroot, &run, &removed, &why) != 0) {
		*cause = xasprintf("cannot clean the store, nothing removed: "
		    "%s", why);
		free(why);
		buf_release(&run.report);
		buf_release(&run.gone);
		return (-1);
	}
	for (p = run.gone.data; p < run.gone.data + run.gone.len;
	    p += strlen(p) + 1)
		workspace_gc_forget(p);
	buf_release(&run.gone);
	buf_addf(&run.report, "%u workspace%s removed", removed,
	    removed == 1 ? "" : "s");
	*msg = buf_detach(&run.report, NULL);
	log_info("gc: %s", *msg);
	generation_bump("gc");
	return (0);
}
