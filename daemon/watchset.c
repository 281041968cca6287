/*
 * Watching a workspace: the directories that hold its inputs (never the
 * files: editors replace files by renaming, and checkouts remove them),
 * its git index, and the whole tree of a directory input. This is the
 * only place that knows inotify's limits: a workspace with more
 * directories than WATCHSET_MAX is watched at its root, and one that the
 * kernel's watch limit (fs.inotify.max_user_watches) leaves unwatched is
 * polled by the scheduler instead, and said so once. Any event marks the
 * owner dirty with the scheduler; a watched directory that went, or a new
 * directory inside a watched tree, makes the set stale, to be watched
 * again at the owner's next refresh (never from inside the watcher's walk).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "gitindex.h"
#include "inputs.h"
#include "scheduler.h"
#include "watcher.h"
#include "watchset.h"

/* A workspace with more directories to watch is watched at its root. */
#define WATCHSET_MAX	512

struct watchset {
	void		*owner;		/* what scheduler_dirty() is told */
	char		*root;
	char		*top;
	struct inputs	*trees;		/* directory inputs watched whole */
	int		*wds;
	size_t		 nwds;
	int		 stale;		/* a watched directory went */
	int		 polled;	/* out of watches: polled */
};

static struct watcher	*watchset_watcher;

static void
watchset_event(void *arg, const char *name)
{
	struct watchset	*ws = arg;

	/*
	 * "" means a watched directory went away (or events were lost). A
	 * directory made inside a watched tree needs a watch of its own
	 * before the tree can be trusted again. Either way: watch again.
	 */
	if (*name == '\0' || (ws->trees != NULL &&
	    inputs_count(ws->trees) != 0))
		ws->stale = 1;
	inputs_trees_changed();
	scheduler_dirty(ws->owner);
}

int
watchset_start(uv_loop_t *loop, char **cause)
{
	if ((watchset_watcher = watcher_new(loop, watchset_event, cause)) == NULL)
		return (-1);
	return (0);
}

void
watchset_stop(void)
{
	watcher_free(watchset_watcher);
	watchset_watcher = NULL;
}

int
watchset_pending(void)
{
	return (watchset_watcher != NULL && watcher_pending(watchset_watcher));
}

struct watchset *
watchset_new(void *owner, const char *root, const char *top)
{
	struct watchset	*w;

	w = xcalloc(1, sizeof *w);
	w->owner = owner;
	w->root = xstrdup(root);
	w->top = xstrdup(top);
	return (w);
}

void
watchset_free(struct watchset *w)
{
	if (w == NULL)
		return;
	inputs_free(w->trees);
	free(w->wds);
	free(w->root);
	free(w->top);
	free(w);
}

int
watchset_stale(struct watchset *w)
{
	int	 stale = w->stale;

	w->stale = 0;
	return (stale);
}

/*
 * Add a directory input and every directory below it to dirs, at most
 * *left of them; 0 if the tree is not all there (out of room, unreadable,
 * or reaching out through a symbolic link, which no watch of ours sees).
 * In a git flake, a directory holding no tracked file (a build's output)
 * is no part of the tree Nix copies: it needs no watch (a `git add` in
 * it is an event of the index, which makes the set watched again).
 */
static int
watchset_add_tree(struct inputs *dirs, const char *top, const char *dir,
    size_t *left)
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
		if (type == DT_DIR && gitindex_tracked_under(top, p) == 0) {
			free(p);
			continue;
		}
		if (type == DT_LNK || (type == DT_DIR &&
		    !watchset_add_tree(dirs, top, p, left)))
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
watchset_set(struct watchset *ws, const struct inputs *in)
{
	struct inputs		*dirs, *trees;
	struct stat		 st;
	char			*d, *slash;
	size_t			 i, j, nold, left = WATCHSET_MAX;
	int			 wd, *old, full, whole = 1;

	if (watchset_watcher == NULL)
		return;
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
		/*
		 * Inputs outside the flake's source tree are pinned. A
		 * directory the shellHook only looked at is no tree input.
		 */
		if (strncmp(d, ws->top, strlen(ws->top)) == 0 &&
		    inputs_kind(in, i) != INPUTS_WORK_STAT &&
		    stat(d, &st) == 0 && S_ISDIR(st.st_mode)) {
			inputs_add(trees, d);
			if (!watchset_add_tree(dirs, ws->top, d, &left))
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
	for (i = 0; i < inputs_count(dirs) && i < WATCHSET_MAX; i++) {
		/* A missing directory is watched from its nearest parent. */
		d = xstrdup(inputs_path(dirs, i));
		while ((wd = watcher_add(watchset_watcher, d, ws)) == -1 &&
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
			watcher_remove(watchset_watcher, old[i], ws);
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
		scheduler_poll(ws->owner, full);
	ws->polled = full;
	/* Trees trusted only while every directory in them has a watch. */
	if (inputs_count(dirs) > WATCHSET_MAX)
		whole = 0;
	for (i = 0; ws->trees != NULL && i < inputs_count(ws->trees); i++)
		inputs_tree_watched(inputs_path(ws->trees, i), 0);
	for (i = 0; whole && i < inputs_count(trees); i++)
		inputs_tree_watched(inputs_path(trees, i), 1);
	inputs_free(ws->trees);
	ws->trees = trees;
	inputs_free(dirs);
}

void
watchset_clear(struct watchset *ws)
{
	size_t	 i;

	for (i = 0; watchset_watcher != NULL && i < ws->nwds; i++)
		watcher_remove(watchset_watcher, ws->wds[i], ws);
	ws->nwds = 0;
	for (i = 0; ws->trees != NULL && i < inputs_count(ws->trees); i++)
		inputs_tree_watched(inputs_path(ws->trees, i), 0);
	inputs_free(ws->trees);
	ws->trees = NULL;
}

