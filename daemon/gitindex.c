/*
 * Which files git tracks, read from the repository's index (.git/index).
 *
 * A git flake's source is the tracked files only: Nix copies what the
 * index lists, with their working-tree contents. So a file the evaluation
 * looked for that exists but is untracked is, to Nix, not there; and a
 * `git add` of it changes the result without changing its content. The
 * input key (inputs.c) therefore includes each input's tracked state, read
 * here without running git. The parsed index is cached and read again
 * when its stat tuple changes.
 *
 * Index versions 2, 3 and 4 (prefix-compressed paths) are understood; a
 * malformed or unknown index makes every answer "unknown", never a crash.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/safefile.h"
#include "hearth/xmalloc.h"
#include "gitindex.h"
#include "job.h"

/* An index larger than this is not read (answers are "unknown"). */
#define GITINDEX_MAX	(512U * 1024 * 1024)
/* A .git file (a worktree's, a submodule's) is one short line. */
#define GITINDEX_DOTGIT_MAX	4096

struct gitindex {
	char		*top;
	char		*file;		/* .../.git/index */
	struct stat	 st;		/* when it was read */
	int		 valid;
	char		**paths;	/* sorted, as git keeps them */
	size_t		 n;
	struct gitindex	*next;
};

static struct gitindex	*indexes;

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static void
gitindex_clear(struct gitindex *gi)
{
	size_t	 i;

	for (i = 0; i < gi->n; i++)
		free(gi->paths[i]);
	free(gi->paths);
	gi->paths = NULL;
	gi->n = 0;
	gi->valid = 0;
}

/* Parse the index bytes; 0 on success. */
static int
gitindex_parse(struct gitindex *gi, const unsigned char *p, size_t len)
{
	const unsigned char	*end = p + len, *e, *name, *nul;
	uint32_t		 version, count, i;
	uint16_t		 flags;
	size_t			 fixed, namelen, strip, prevlen = 0;
	char			*prev = NULL, *path;
	unsigned		 c;

	if (len < 12 || memcmp(p, "DIRC", 4) != 0)
		return (-1);
	version = be32(p + 4);
	count = be32(p + 8);
	if (version < 2 || version > 4 || count > len / 40)
		return (-1);
	gi->paths = xcalloc(count + 1, sizeof *gi->paths);
	e = p + 12;
	for (i = 0; i < count; i++) {
		/* 40 bytes of stat data, a 20-byte object id, 2 of flags. */
		if ((size_t)(end - e) < 62)
			return (-1);
		flags = (uint16_t)(e[60] << 8 | e[61]);
		fixed = 62;
		if (version >= 3 && (flags & 0x4000))
			fixed += 2;
		if ((size_t)(end - e) < fixed)
			return (-1);
		name = e + fixed;
		if (version == 4) {
			/* A varint: bytes to strip from the previous path. */
			strip = 0;
			if (name >= end)
				return (-1);
			c = *name++;
			strip = c & 127;
			while (c & 128) {
				if (name >= end || strip > GITINDEX_MAX)
					return (-1);
				c = *name++;
				strip = ((strip + 1) << 7) | (c & 127);
			}
			if (strip > prevlen ||
			    (nul = memchr(name, '\0', end - name)) == NULL)
				return (-1);
			namelen = nul - name;
			path = xmalloc(prevlen - strip + namelen + 1);
			memcpy(path, prev != NULL ? prev : "", prevlen - strip);
			memcpy(path + prevlen - strip, name, namelen);
			path[prevlen - strip + namelen] = '\0';
			e = nul + 1;
		} else {
			if ((nul = memchr(name, '\0', end - name)) == NULL)
				return (-1);
			namelen = nul - name;
			path = xstrndup((const char *)name, namelen);
			/* Entries are NUL-padded to a multiple of 8 bytes. */
			e += (fixed + namelen + 8) & ~(size_t)7;
			if (e > end)
				e = end;
		}
		gi->paths[gi->n++] = path;
		prev = path;
		prevlen = strlen(path);
	}
	return (0);
}

static void
gitindex_load(struct gitindex *gi, const struct stat *st)
{
	struct buf	 data = BUF_INIT;
	char		*why = NULL;

	gitindex_clear(gi);
	gi->st = *st;
	if (st->st_size <= 0)
		return;
	if (safefile_read(gi->file, GITINDEX_MAX, &data, &why) == 0 &&
	    gitindex_parse(gi, (unsigned char *)data.data, data.len) == 0)
		gi->valid = 1;
	else {
		log_warnx("cannot read the git index %s%s%s", gi->file,
		    why != NULL ? ": " : "", why != NULL ? why : "");
		gitindex_clear(gi);
	}
	free(why);
	buf_release(&data);
}

/* The index file of the repository at top (.git may be a gitdir file). */
static char *
gitindex_file(const char *top)
{
	struct buf	 b = BUF_INIT;
	char		*dotgit, *file = NULL, *nl, *why = NULL;
	struct stat	 st;

	dotgit = xasprintf("%s/.git", top);
	if (stat(dotgit, &st) == 0 && S_ISDIR(st.st_mode))
		file = xasprintf("%s/index", dotgit);
	else if (safefile_read(dotgit, GITINDEX_DOTGIT_MAX, &b, &why) == 0) {
		buf_addc(&b, '\0');
		if (strncmp(b.data, "gitdir: ", 8) == 0) {
			if ((nl = strchr(b.data, '\n')) != NULL)
				*nl = '\0';
			file = b.data[8] == '/' ?
			    xasprintf("%s/index", b.data + 8) :
			    xasprintf("%s/%s/index", top, b.data + 8);
		}
	}
	free(why);
	buf_release(&b);
	free(dotgit);
	return (file);
}

static int
path_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The parsed index of the repository at top, up to date; NULL unknown. */
static struct gitindex *
gitindex_get(const char *top)
{
	struct gitindex	*gi;
	struct stat	 st;

	for (gi = indexes; gi != NULL; gi = gi->next) {
		if (strcmp(gi->top, top) == 0)
			break;
	}
	if (gi == NULL) {
		gi = xcalloc(1, sizeof *gi);
		gi->top = xstrdup(top);
		gi->file = gitindex_file(top);
		gi->next = indexes;
		indexes = gi;
	}
	if (gi->file == NULL || stat(gi->file, &st) != 0)
		return (NULL);
	if (st.st_ino != gi->st.st_ino || st.st_size != gi->st.st_size ||
	    st.st_mtim.tv_sec != gi->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != gi->st.st_mtim.tv_nsec)
		gitindex_load(gi, &st);
	return (gi->valid ? gi : NULL);
}

int
gitindex_tracked(const char *top, const char *path)
{
	struct gitindex	*gi;
	const char	*rel;
	size_t		 n = strlen(top);

	if (strncmp(path, top, n) != 0 || path[n] != '/')
		return (-1);
	rel = path + n + 1;
	if ((gi = gitindex_get(top)) == NULL)
		return (-1);
	return (bsearch(&rel, gi->paths, gi->n, sizeof *gi->paths,
	    path_cmp) != NULL);
}

int
gitindex_tracked_under(const char *top, const char *dir)
{
	struct gitindex	*gi;
	const char	*rel;
	size_t		 n = strlen(top), lo, hi, mid, rlen;

	if (strncmp(dir, top, n) != 0 || (dir[n] != '/' && dir[n] != '\0'))
		return (-1);
	if ((gi = gitindex_get(top)) == NULL)
		return (-1);
	if (dir[n] == '\0')
		return (gi->n != 0);
	rel = dir + n + 1;
	rlen = strlen(rel);
	/* The first path not below rel: git keeps them in byte order. */
	lo = 0;
	hi = gi->n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (strncmp(gi->paths[mid], rel, rlen) < 0 ||
		    (strncmp(gi->paths[mid], rel, rlen) == 0 &&
		    (unsigned char)gi->paths[mid][rlen] < '/'))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < gi->n && strncmp(gi->paths[lo], rel, rlen) == 0 &&
	    gi->paths[lo][rlen] == '/');
}

int
gitindex_each(const char *top, void (*cb)(const char *, void *), void *arg)
{
	struct gitindex	*gi;
	char		*p;
	size_t		 i;

	if ((gi = gitindex_get(top)) == NULL)
		return (-1);
	for (i = 0; i < gi->n; i++) {
		p = xasprintf("%s/%s", top, gi->paths[i]);
		cb(p, arg);
		free(p);
	}
	return (0);
}

int
gitindex_paths_hash(const char *top, char out[HASH_HEX_SIZE])
{
	struct gitindex		*gi;
	struct hash_state	*h;
	size_t			 i;

	if ((gi = gitindex_get(top)) == NULL)
		return (-1);
	h = hash_new();
	for (i = 0; i < gi->n; i++)
		hash_update(h, gi->paths[i], strlen(gi->paths[i]) + 1);
	hash_final(h, out);
	return (0);
}

void
gitindex_forget(void)
{
	struct gitindex	*gi;

	while ((gi = indexes) != NULL) {
		indexes = gi->next;
		gitindex_clear(gi);
		free(gi->top);
		free(gi->file);
		free(gi);
	}
}
