/*
 * Inputs: the files a shell's result depends on, and the key over them.
 *
 * A snapshot records the files its evaluation read (Nix's -vvv log names
 * every file it accessed, as paths in the store copy of the flake, which
 * eval.c maps back to the workspace), including files it looked for and
 * did not find, and the files its shellHook read (hookreads.c), plus
 * flake.nix, flake.lock and .hearth.ini. Its key is a
 * BLAKE2b hash over those files' contents (or their absence), the shell
 * name, the system and the Nix version. A snapshot is current exactly
 * when the key over its inputs, as they are on disk now, equals the key it
 * was made with; so going back to inputs already evaluated (switching
 * back to a branch) finds the old snapshot again, with no Nix call.
 *
 * Rehashing is avoided with a per-file stat tuple (device, inode, size,
 * mtime and ctime in nanoseconds), but a file whose mtime falls in the
 * same second as its last hash is always rehashed: it may have changed
 * again within that second (Git's "racy" rule).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "gitindex.h"
#include "inputs.h"

/* A directory input is hashed recursively, up to this many entries. */
#define INPUTS_MAX_TREE	20000

struct input {
	char	*path;			/* absolute */
	char	 kind;			/* INPUTS_READ, _STAT, _TRACKED */
	char	 hash[HASH_HEX_SIZE];	/* as of the last key; "" unknown */
};

struct inputs {
	struct input	*v;		/* sorted by path and kind, unique */
	size_t		 n;
	char		*top;		/* git source root, or NULL */
	char		*approx;	/* why the set may miss a file */
};

/* Longest reason an encoded set may carry. */
#define INPUTS_MAX_APPROX	512

/* What a file looked like when it was last hashed. */
struct stat_entry {
	char		*path;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
	time_t		 hashed_at;
	char		 hash[HASH_HEX_SIZE];
	/*
	 * A directory whose whole tree is watched: its hash holds (clean)
	 * until any watched file event, so a check costs no walk.
	 */
	int		 watched;
	int		 clean;
};

static struct stat_entry	*stat_cache;
static size_t			 stat_n, stat_alloc;

struct inputs *
inputs_new(void)
{
	return (xcalloc(1, sizeof(struct inputs)));
}

void
inputs_free(struct inputs *in)
{
	size_t	 i;

	if (in == NULL)
		return;
	for (i = 0; i < in->n; i++)
		free(in->v[i].path);
	free(in->v);
	free(in->top);
	free(in->approx);
	free(in);
}

void
inputs_set_approx(struct inputs *in, const char *why)
{
	if (in->approx == NULL && why != NULL)
		in->approx = xstrndup(why, INPUTS_MAX_APPROX);
}

const char *
inputs_approx(const struct inputs *in)
{
	return (in->approx);
}

int
inputs_kind(const struct inputs *in, size_t i)
{
	return (in->v[i].kind);
}

int
inputs_has(const struct inputs *in, const char *path)
{
	size_t	 lo = 0, hi = in != NULL ? in->n : 0, mid;
	int	 c;

	if (in == NULL)
		return (0);
	/* Sorted by path first: any entry of the path will do. */
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(in->v[mid].path, path)) == 0)
			return (1);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (0);
}

void
inputs_set_top(struct inputs *in, const char *top)
{
	free(in->top);
	in->top = top != NULL ? xstrdup(top) : NULL;
}

/* Add a path with a recorded hash (NULL: unknown). */
static void
inputs_add_hash(struct inputs *in, const char *path, int kind,
    const char *hash)
{
	size_t	 lo = 0, hi = in->n, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(in->v[mid].path, path)) == 0)
			c = in->v[mid].kind - kind;
		if (c == 0)
			return;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	in->v = xrealloc(in->v, (in->n + 1) * sizeof *in->v);
	memmove(&in->v[lo + 1], &in->v[lo], (in->n - lo) * sizeof *in->v);
	in->v[lo].path = xstrdup(path);
	in->v[lo].kind = (char)kind;
	snprintf(in->v[lo].hash, sizeof in->v[lo].hash, "%s",
	    hash != NULL ? hash : "");
	in->n++;
}

void
inputs_add(struct inputs *in, const char *path)
{
	inputs_add_hash(in, path, INPUTS_READ, NULL);
}

void
inputs_prune_trees(struct inputs *in)
{
	struct stat	 st;
	size_t		 i, j, k, n, len;
	char		**trees, *covered;

	/* Mark first, free after: a tree inside a tree is covered too. */
	trees = xcalloc(in->n + 1, sizeof *trees);
	covered = xcalloc(in->n + 1, 1);
	for (i = n = 0; i < in->n; i++)
		if (in->v[i].kind == INPUTS_READ &&
		    stat(in->v[i].path, &st) == 0 && S_ISDIR(st.st_mode))
			trees[n++] = in->v[i].path;
	for (i = 0; i < in->n; i++) {
		for (j = 0; j < n && !covered[i]; j++) {
			len = strlen(trees[j]);
			/* The hook's kinds see files a tree's hash leaves out. */
			covered[i] = (in->v[i].kind == INPUTS_READ ||
			    in->v[i].kind == INPUTS_STAT) &&
			    strncmp(in->v[i].path, trees[j], len) == 0 &&
			    in->v[i].path[len] == '/';
		}
	}
	for (i = k = 0; i < in->n; i++) {
		if (covered[i])
			free(in->v[i].path);
		else
			in->v[k++] = in->v[i];
	}
	in->n = k;
	free(trees);
	free(covered);
}

void
inputs_add_kind(struct inputs *in, const char *path, int kind)
{
	inputs_add_hash(in, path, kind, NULL);
}

size_t
inputs_count(const struct inputs *in)
{
	return (in->n);
}

const char *
inputs_path(const struct inputs *in, size_t i)
{
	return (in->v[i].path);
}

void
inputs_merge(struct inputs *to, const struct inputs *from)
{
	size_t	 i;

	if (from == NULL)
		return;
	for (i = 0; i < from->n; i++)
		inputs_add_hash(to, from->v[i].path, from->v[i].kind,
		    from->v[i].hash);
	inputs_set_approx(to, from->approx);
	/* The git top says how a directory input hashes: it comes along. */
	if (to->top == NULL && from->top != NULL)
		to->top = xstrdup(from->top);
}

const char *
inputs_top(const struct inputs *in)
{
	return (in->top);
}

void
inputs_encode(const struct inputs *in, struct buf *b)
{
	size_t	 i;

	/*
	 * A READ input is "path\0hash\0", as schema 2 always wrote; the
	 * other kinds prefix the hash with their letter, and the reason an
	 * input set is approximate is a "!approx" entry.
	 */
	if (in->approx != NULL) {
		buf_add(b, "!approx", 8);
		buf_add(b, in->approx, strlen(in->approx) + 1);
	}
	for (i = 0; i < in->n; i++) {
		buf_add(b, in->v[i].path, strlen(in->v[i].path) + 1);
		if (in->v[i].kind != INPUTS_READ)
			buf_addc(b, in->v[i].kind);
		buf_add(b, in->v[i].hash, strlen(in->v[i].hash) + 1);
	}
}

int
inputs_decode(struct inputs *in, const void *data, size_t len)
{
	const char	*p = data, *end = p + len, *path, *hash;
	int		 kind;

	while (p < end) {
		path = p;
		if ((p = memchr(p, '\0', end - p)) == NULL ||
		    (*path != '/' && strcmp(path, "!approx") != 0))
			return (-1);
		hash = ++p;
		if (p >= end || (p = memchr(p, '\0', end - p)) == NULL)
			return (-1);
		p++;
		if (*path == '!') {
			if (p - hash > INPUTS_MAX_APPROX)
				return (-1);
			inputs_set_approx(in, hash);
			continue;
		}
		kind = INPUTS_READ;
		if (*hash == INPUTS_STAT || *hash == INPUTS_TRACKED ||
		    *hash == INPUTS_WORK || *hash == INPUTS_WORK_STAT)
			kind = *hash++;
		if (p - 1 - hash >= HASH_HEX_SIZE)
			return (-1);
		inputs_add_hash(in, path, kind, hash);
	}
	return (0);
}

static struct stat_entry *
stat_find(const char *path, int create)
{
	size_t	 lo = 0, hi = stat_n, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(stat_cache[mid].path, path)) == 0)
			return (&stat_cache[mid]);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!create)
		return (NULL);
	if (stat_n == stat_alloc) {
		stat_alloc = stat_alloc ? stat_alloc * 2 : 64;
		stat_cache = xrealloc(stat_cache, stat_alloc *
		    sizeof *stat_cache);
	}
	memmove(&stat_cache[lo + 1], &stat_cache[lo],
	    (stat_n - lo) * sizeof *stat_cache);
	memset(&stat_cache[lo], 0, sizeof *stat_cache);
	stat_cache[lo].path = xstrdup(path);
	stat_n++;
	return (&stat_cache[lo]);
}

static int
ts_equal(const struct timespec *a, const struct timespec *b)
{
	return (a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec);
}

static const char	*inputs_hash_one(const char *, const char *);

/*
 * Is an entry of a directory input outside what Nix copies? In a git
 * flake (top has an index) Nix copies the files git tracks, nothing else:
 * an untracked file, or a directory holding none, is not there for it.
 */
static int
inputs_untracked(const char *top, const char *path, int dir)
{
	if (top == NULL)
		return (0);
	if (dir)
		return (gitindex_tracked_under(top, path) == 0);
	return (gitindex_tracked(top, path) == 0);
}

/*
 * Hash a directory's entries, recursively, in name order, leaving out
 * what Nix does not copy (see inputs_untracked). Files go through the
 * stat cache, so checking a directory again costs a walk and a stat per
 * entry, not a read of every file.
 */
static void
hash_tree(struct hash_state *h, const char *dir, const char *top,
    size_t *budget)
{
	const char	*fh;
	struct dirent	**names = NULL;
	struct stat	  st;
	char		 *p;
	int		  n, i, isdir;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		hash_update(h, "unreadable\0", 11);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") == 0 ||
		    strcmp(names[i]->d_name, "..") == 0 || *budget == 0) {
			free(names[i]);
			continue;
		}
		p = xasprintf("%s/%s", dir, names[i]->d_name);
		isdir = lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
		if (inputs_untracked(top, p, isdir)) {
			free(p);
			free(names[i]);
			continue;
		}
		(*budget)--;
		hash_update(h, names[i]->d_name, strlen(names[i]->d_name) + 1);
		if (isdir) {
			hash_update(h, "dir\0", 4);
			hash_tree(h, p, top, budget);
			hash_update(h, "end\0", 4);
		} else {
			fh = inputs_hash_one(p, NULL);
			hash_update(h, fh, strlen(fh) + 1);
		}
		free(p);
		free(names[i]);
	}
	free(names);
}

/*
 * The content hash of one input: a file's bytes, a directory's tree, or
 * a marker for a missing file. Reuses the last hash while the stat tuple
 * is unchanged and the file is not racily clean.
 */
static const char *
inputs_hash_one(const char *path, const char *top)
{
	struct stat_entry	*e;
	struct stat		 st;
	struct hash_state	*h;
	size_t			 budget = INPUTS_MAX_TREE;

	e = stat_find(path, 1);
	if (stat(path, &st) != 0) {
		memset(e->hash, 0, sizeof e->hash);
		strcpy(e->hash, errno == ENOENT || errno == ENOTDIR ?
		    "missing" : "unreadable");
		e->ino = 0;
		return (e->hash);
	}
	if (S_ISDIR(st.st_mode) && e->watched && e->clean &&
	    e->ino == st.st_ino && e->dev == st.st_dev)
		return (e->hash);
	if (!S_ISDIR(st.st_mode) && e->ino == st.st_ino &&
	    e->dev == st.st_dev && e->size == st.st_size &&
	    ts_equal(&e->mtime, &st.st_mtim) &&
	    ts_equal(&e->ctime, &st.st_ctim) &&
	    st.st_mtim.tv_sec < e->hashed_at)
		return (e->hash);
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->ctime = st.st_ctim;
	e->hashed_at = time(NULL);
	h = hash_new();
	if (S_ISDIR(st.st_mode)) {
		hash_update(h, "tree\0", 5);
		hash_tree(h, path, top, &budget);
		/* The walk added cache entries: e may have moved. */
		e = stat_find(path, 1);
		/*
		 * An event from while it walked is read after this, in the
		 * same loop, and clears clean again.
		 */
		e->clean = e->watched && budget != 0;
	} else if (hash_update_file(h, path) != 0)
		hash_update(h, "unreadable\0", 11);
	hash_final(h, e->hash);
	return (e->hash);
}

/*
 * An input as Nix sees it: its content hash, but for a file git does not
 * track in a git flake, which Nix does not see however it reads.
 */
static void
inputs_effective(const struct inputs *in, size_t i, char out[HASH_HEX_SIZE])
{
	const char	*fh;
	struct stat	 st;

	if (in->v[i].kind == INPUTS_TRACKED) {
		if (gitindex_paths_hash(in->v[i].path, out) != 0)
			snprintf(out, HASH_HEX_SIZE, "unknown");
		return;
	}
	if (in->v[i].kind == INPUTS_STAT ||
	    in->v[i].kind == INPUTS_WORK_STAT) {
		/* Only whether Nix (or the hook) can see it, and as what. */
		if (stat(in->v[i].path, &st) != 0)
			snprintf(out, HASH_HEX_SIZE, "%s", errno == ENOENT ||
			    errno == ENOTDIR ? "missing" : "unreadable");
		else if (S_ISDIR(st.st_mode))
			snprintf(out, HASH_HEX_SIZE, "dir");
		else if (in->v[i].kind == INPUTS_STAT && in->top != NULL &&
		    gitindex_tracked(in->top, in->v[i].path) == 0)
			snprintf(out, HASH_HEX_SIZE, "missing");
		else
			snprintf(out, HASH_HEX_SIZE, "file");
		return;
	}
	if (in->v[i].kind == INPUTS_WORK) {
		snprintf(out, HASH_HEX_SIZE, "%s",
		    inputs_hash_one(in->v[i].path, NULL));
		return;
	}
	fh = inputs_hash_one(in->v[i].path, in->top);

	if (in->top != NULL && strcmp(fh, "missing") != 0 &&
	    gitindex_tracked(in->top, in->v[i].path) == 0) {
		/* Keep the content in: creating it still counts as news. */
		snprintf(out, HASH_HEX_SIZE, "untracked-%.54s", fh);
		return;
	}
	snprintf(out, HASH_HEX_SIZE, "%s", fh);
}

void
inputs_key(const struct inputs *in, const char *salt,
    char key[HASH_HEX_SIZE])
{
	struct hash_state	*h = hash_new();
	char			 fh[HASH_HEX_SIZE];
	size_t			 i;

	hash_update(h, "hearth-inputs-2\0", 16);
	hash_update(h, salt, strlen(salt) + 1);
	for (i = 0; i < in->n; i++) {
		inputs_effective(in, i, fh);
		hash_update(h, in->v[i].path, strlen(in->v[i].path) + 1);
		/* READ keeps schema 2's keys: a stored snapshot still hits. */
		if (in->v[i].kind != INPUTS_READ)
			hash_update(h, &in->v[i].kind, 1);
		hash_update(h, fh, strlen(fh) + 1);
	}
	hash_final(h, key);
}

void
inputs_now(const struct inputs *in, size_t i, char out[HASH_HEX_SIZE])
{
	inputs_effective(in, i, out);
}

const char *
inputs_hash(const struct inputs *in, size_t i)
{
	return (in->v[i].hash);
}

int
inputs_find(const struct inputs *in, const char *path, int kind)
{
	size_t	 lo = 0, hi = in->n, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(in->v[mid].path, path)) == 0)
			c = in->v[mid].kind - kind;
		if (c == 0)
			return ((int)mid);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (-1);
}

void
inputs_record(struct inputs *in)
{
	size_t	 i;

	for (i = 0; i < in->n; i++)
		inputs_effective(in, i, in->v[i].hash);
}

void
inputs_changed(const struct inputs *in, const char *root,
    const struct inputs *skip, struct buf *names)
{
	const char	*p;
	size_t		 i, n = 0, rlen = strlen(root);

	char		 fh[HASH_HEX_SIZE];

	for (i = 0; i < in->n; i++) {
		if (skip != NULL && inputs_has(skip, in->v[i].path))
			continue;
		inputs_effective(in, i, fh);
		if (strcmp(fh, in->v[i].hash) == 0)
			continue;
		if (n++ == 3) {
			buf_adds(names, ", ...");
			break;
		}
		p = in->v[i].path;
		if (in->v[i].kind == INPUTS_TRACKED)
			p = "the files git tracks";
		else if (strncmp(p, root, rlen) == 0 && p[rlen] == '/')
			p += rlen + 1;
		buf_addf(names, "%s%s", n > 1 ? ", " : "", p);
	}
}

void
inputs_tree_watched(const char *dir, int on)
{
	struct stat_entry	*e;

	if ((e = stat_find(dir, on)) != NULL) {
		e->watched = on;
		e->clean = 0;
	}
}

void
inputs_trees_changed(void)
{
	size_t	 i;

	for (i = 0; i < stat_n; i++)
		stat_cache[i].clean = 0;
}

void
inputs_forget(void)
{
	size_t	 i;

	for (i = 0; i < stat_n; i++)
		free(stat_cache[i].path);
	free(stat_cache);
	stat_cache = NULL;
	stat_n = stat_alloc = 0;
	gitindex_forget();
}
