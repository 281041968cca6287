/*
 * A workspace's trust: `hearth allow` records the BLAKE2b hash of its
 * flake.nix and .hearth.ini, and the workspace is trusted while they still
 * hash the same. Trust is asked at every request and every refresh, so the
 * verdict is kept with the stat tuple (device, inode, size, mtime, ctime,
 * with nanoseconds) of both files, and the files are hashed again only
 * when a tuple differs, or when a file was written in the second it was
 * hashed (Git's racy rule: a write later in that second could leave the
 * tuple unchanged on a filesystem with coarse times).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "settings.h"
#include "store.h"
#include "trust.h"

struct trust_stat {
	int		 exists;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;
};

struct trust {
	char			*root;
	char			*flake;
	char			*ini;
	char			*allowed;	/* NULL: not allowed */
	int			 known;		/* the verdict below holds */
	int			 verdict;
	time_t			 hashed_at;
	struct trust_stat	 st[2];		/* flake.nix, .hearth.ini */
};

int
trust_hash(const char *root, char hex[HASH_HEX_SIZE])
{
	struct hash_state	*h = hash_new();
	char			*flake, *ini;
	int			 rc = 0;

	flake = path_join(root, PATH_FLAKE);
	ini = path_join(root, WSCONFIG_FILE);
	hash_update(h, "hearth-trust-1", 15);
	if (access(flake, R_OK) != 0 || hash_update_file(h, flake) != 0 ||
	    hash_update_file(h, ini) != 0)
		rc = -1;
	hash_final(h, hex);
	free(flake);
	free(ini);
	return (rc);
}

struct trust *
trust_new(const char *root, const char *allowed)
{
	struct trust	*t;

	t = xcalloc(1, sizeof *t);
	t->root = xstrdup(root);
	t->flake = path_join(root, PATH_FLAKE);
	t->ini = path_join(root, WSCONFIG_FILE);
	trust_set(t, allowed);
	return (t);
}

void
trust_free(struct trust *t)
{
	if (t == NULL)
		return;
	free(t->root);
	free(t->flake);
	free(t->ini);
	free(t->allowed);
	free(t);
}

void
trust_set(struct trust *t, const char *allowed)
{
	free(t->allowed);
	t->allowed = allowed != NULL ? xstrdup(allowed) : NULL;
	t->known = 0;
}

int
trust_allowed(const struct trust *t)
{
	return (t->allowed != NULL);
}

static void
trust_stat(const char *path, struct trust_stat *ts)
{
	struct stat	 st;

	memset(ts, 0, sizeof *ts);
	if (stat(path, &st) != 0)
		return;
	ts->exists = 1;
	ts->dev = st.st_dev;
	ts->ino = st.st_ino;
	ts->size = st.st_size;
	ts->mtime = st.st_mtim;
	ts->ctime = st.st_ctim;
}

static int
trust_same(const struct trust_stat *a, const struct trust_stat *b)
{
	return (a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec);
}

/* 1 if a file was changed in (or after) the second it was hashed in. */
static int
trust_racy(const struct trust_stat *ts, time_t hashed_at)
{
	return (ts->exists && (ts->mtime.tv_sec >= hashed_at ||
	    ts->ctime.tv_sec >= hashed_at));
}

int
trust_check(struct trust *t)
{
	struct trust_stat	 now[2];
	char			 hex[HASH_HEX_SIZE];
	int			 i;

	if (t->allowed == NULL)
		return (0);
	trust_stat(t->flake, &now[0]);
	trust_stat(t->ini, &now[1]);
	if (t->known) {
		for (i = 0; i < 2; i++) {
			if (!trust_same(&now[i], &t->st[i]) ||
			    trust_racy(&now[i], t->hashed_at))
				break;
		}
		if (i == 2)
			return (t->verdict);
	}
	/* Stat before hashing: a write in between is seen next time. */
	t->hashed_at = time(NULL);
	t->verdict = trust_hash(t->root, hex) == 0 &&
	    strcmp(hex, t->allowed) == 0;
	memcpy(t->st, now, sizeof t->st);
	t->known = 1;
	return (t->verdict);
}

int
trust_files_check(const char *root, char **cause)
{
	static const char *const files[] = { PATH_FLAKE, PATH_LOCK,
	    WSCONFIG_FILE };
	char	*p, *why = NULL;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; i < sizeof files / sizeof *files && rc == 0; i++) {
		p = path_join(root, files[i]);
		if ((rc = safefile_check(p, HASH_FILE_MAX, &why)) != 0)
			*cause = xasprintf("%s: %s (hearth reads only regular "
			    "files: replace it with one)", files[i], why);
		free(why);
		why = NULL;
		free(p);
	}
	return (rc);
}

char *
trust_record(const char *dir, char hex[HASH_HEX_SIZE], int64_t *id,
    char **cause)
{
	char	*root, *why = NULL;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (NULL);
	}
	if (hex != NULL && trust_files_check(root, &why) != 0) {
		*cause = xasprintf("%s/%s", root, why);
		free(why);
		free(root);
		return (NULL);
	}
	if (hex != NULL && trust_hash(root, hex) != 0) {
		*cause = xasprintf("cannot read %s/%s: %s", root, PATH_FLAKE,
		    strerror(errno));
		free(root);
		return (NULL);
	}
	if (store_workspace_ensure(settings.store, root, id) != 0 ||
	    store_workspace_trust(settings.store, *id, hex) != 0) {
		*cause = xasprintf("cannot record the %s (see the daemon log)",
		    hex != NULL ? "allowance" : "denial");
		free(root);
		return (NULL);
	}
	return (root);
}
