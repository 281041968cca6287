/*
 * A workspace's trust. An allowance covers the content of every local
 * file an evaluation of the workspace reads: its input set (the files
 * each shell's evaluations read, see inputs.c, plus flake.nix and
 * .hearth.ini), but for flake.lock, which stays free to change, and
 * paths in the Nix store. `hearth allow` records the content of the set
 * as it is now (each file's path, kind and hash); an evaluation that
 * started on allowed content adds what it read to that allowance, since
 * the allowed code chose to read it. Nothing is evaluated while a covered
 * file holds content no allowance has.
 *
 * Each allowance is one allowed input set; a bounded number of them is
 * kept per workspace (TRUST_KEEP), and the workspace is trusted while
 * one of them matches the files as they are: every covered file hashes
 * as that set recorded it, or is one the set never saw and that Nix
 * cannot read now (missing, or untracked in a git flake), which runs
 * nothing. So a branch switched back, an edit undone or an earlier commit
 * needs no new allow, while a mix of two allowed sets does.
 *
 * The [trust] section of the user's config.ini (trustconf.c) trusts any
 * content by location.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "inputs.h"
#include "settings.h"
#include "store.h"
#include "trust.h"
#include "trustconf.h"

/* Allowed input sets remembered per workspace. */
#define TRUST_KEEP	16
/* Changed files named in a message, before ", ...". */
#define TRUST_NAMES	3
/* Changed files a review lists. */
#define TRUST_REVIEW_MAX 500

struct trust_set {
	int64_t		 id;
	int64_t		 created_at;
	int64_t		 used_at;
	struct inputs	*in;
};

struct trust {
	char			*root;
	int64_t			 ws_id;
	int			 allowed;
	struct trust_set	*sets;		/* last matched first */
	size_t			 nsets;
	int64_t			 matched;	/* set of the last check; 0 */
	int			 by_place;	/* config.ini trusts it */
	char			*legacy;	/* a hash from before sets */
	struct buf		 changed;	/* what no set has, for users */
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
	if (hash_update_file(h, flake) != 0 || hash_update_file(h, ini) != 0)
		rc = -1;
	hash_final(h, hex);
	free(flake);
	free(ini);
	return (rc);
}

static void
trust_clear_sets(struct trust *t)
{
	size_t	 i;

	for (i = 0; i < t->nsets; i++)
		inputs_free(t->sets[i].in);
	free(t->sets);
	t->sets = NULL;
	t->nsets = 0;
	t->matched = 0;
}

static void
trust_load_one(int64_t id, int64_t created, int64_t used, const void *data,
    size_t len, void *arg)
{
	struct trust		*t = arg;
	struct trust_set	*s;

	t->sets = xrealloc(t->sets, (t->nsets + 1) * sizeof *t->sets);
	s = &t->sets[t->nsets];
	s->id = id;
	s->created_at = created;
	s->used_at = used;
	s->in = inputs_new();
	if (inputs_decode(s->in, data, len) != 0) {
		/* A set that cannot be read allows nothing. */
		log_warnx("%s: allowance %lld is malformed; ignored", t->root,
		    (long long)id);
		inputs_free(s->in);
		return;
	}
	t->nsets++;
}

/* Read the workspace's allowed sets from the store. */
static void
trust_load(struct trust *t)
{
	trust_clear_sets(t);
	if (store_trust_each(settings.store, t->ws_id, trust_load_one,
	    t) != 0)
		log_warnx("%s: cannot read its allowances", t->root);
}

struct trust *
trust_new(int64_t ws_id, const char *root, const char *allowed)
{
	struct trust	*t;

	t = xcalloc(1, sizeof *t);
	t->root = xstrdup(root);
	t->ws_id = ws_id;
	t->allowed = allowed != NULL;
	buf_init(&t->changed);
	if (t->allowed)
		trust_load(t);
	/* A store from before sets allowed flake.nix and .hearth.ini. */
	if (t->allowed && t->nsets == 0)
		t->legacy = xstrdup(allowed);
	return (t);
}

void
trust_free(struct trust *t)
{
	if (t == NULL)
		return;
	trust_clear_sets(t);
	buf_release(&t->changed);
	free(t->legacy);
	free(t->root);
	free(t);
}

int
trust_allowed(const struct trust *t)
{
	return (t->allowed);
}

/* Is an input of the set covered? flake.lock and the Nix store are not. */
static int
trust_covers(const struct trust *t, const char *path)
{
	size_t	 len = strlen(t->root);

	if (strncmp(path, "/nix/store/", 11) == 0)
		return (0);
	return (!(strncmp(path, t->root, len) == 0 && path[len] == '/' &&
	    strcmp(path + len + 1, PATH_LOCK) == 0));
}

/* 1 if a file no allowed set saw can be as it is: Nix cannot read it. */
static int
trust_unseen_ok(int kind, const char *now)
{
	if (strcmp(now, "missing") == 0)
		return (1);
	return (kind == INPUTS_READ && strncmp(now, "untracked-", 10) == 0);
}

/* Name the nth changed input, relative to the root, in a list. */
static void
trust_name(const struct trust *t, const struct inputs *in, size_t i,
    size_t n, struct buf *b)
{
	const char	*p = inputs_path(in, i);
	size_t		 len = strlen(t->root);

	if (b == NULL || n > TRUST_NAMES + 1)
		return;
	if (n == TRUST_NAMES + 1) {
		buf_adds(b, ", ...");
		return;
	}
	if (inputs_kind(in, i) == INPUTS_TRACKED)
		p = "the set of files git tracks";
	else if (strncmp(p, t->root, len) == 0 && p[len] == '/')
		p += len + 1;
	buf_addf(b, "%s%s", n > 1 ? ", " : "", p);
}

/*
 * How many covered inputs of a set do not match an allowed set (NULL:
 * none allowed), naming them in b (NULL: don't).
 */
static size_t
trust_mismatches(const struct trust *t, const struct inputs *set,
    const struct inputs *allowed, struct buf *b)
{
	char		 now[HASH_HEX_SIZE];
	size_t		 i, n = 0;
	int		 j, ok;

	for (i = 0; i < inputs_count(set); i++) {
		if (!trust_covers(t, inputs_path(set, i)))
			continue;
		inputs_now(set, i, now);
		j = allowed == NULL ? -1 : inputs_find(allowed,
		    inputs_path(set, i), inputs_kind(set, i));
		if (j >= 0)
			ok = strcmp(now, inputs_hash(allowed, j)) == 0;
		else
			ok = trust_unseen_ok(inputs_kind(set, i), now);
		if (!ok)
			trust_name(t, set, i, ++n, b);
	}
	return (n);
}

/* The closest allowed set to the files as they are: NULL if none. */
static const struct trust_set *
trust_closest(const struct trust *t, const struct inputs *covered)
{
	size_t	 i, n, fewest = (size_t)-1, best = 0;

	for (i = 0; i < t->nsets; i++) {
		n = trust_mismatches(t, covered, t->sets[i].in, NULL);
		if (n < fewest) {
			fewest = n;
			best = i;
		}
	}
	return (t->nsets != 0 ? &t->sets[best] : NULL);
}

static int	trust_add(struct trust *, const struct inputs *);

/*
 * An allowance from before input sets: what it covered (flake.nix and
 * .hearth.ini) still matching, it becomes the set of the files known now.
 */
static void
trust_upgrade(struct trust *t, const struct inputs *covered)
{
	char	 hex[HASH_HEX_SIZE];

	if (trust_hash(t->root, hex) == 0 && strcmp(hex, t->legacy) == 0 &&
	    trust_add(t, covered) == 0)
		log_info("%s: its allowance now covers every file its "
		    "evaluations read", t->root);
	free(t->legacy);
	t->legacy = NULL;
}

int
trust_check(struct trust *t, const struct inputs *covered)
{
	const struct trust_set	*s;
	size_t			 i;

	buf_reset(&t->changed);
	if (!t->allowed)
		return (0);
	if (t->legacy != NULL)
		trust_upgrade(t, covered);
	for (i = 0; i < t->nsets; i++) {
		if (trust_mismatches(t, covered, t->sets[i].in, NULL) != 0)
			continue;
		if (t->matched != t->sets[i].id) {
			t->matched = t->sets[i].id;
			t->sets[i].used_at = time(NULL);
			store_trust_used(settings.store, t->matched);
		}
		return (1);
	}
	t->matched = 0;
	if ((t->by_place = trustconf_trusted(t->root)) != 0)
		return (1);
	/* Name what differs from the closest allowance. */
	s = trust_closest(t, covered);
	trust_mismatches(t, covered, s != NULL ? s->in : NULL, &t->changed);
	return (0);
}

const char *
trust_changed(const struct trust *t)
{
	return (t->changed.len != 0 ? t->changed.data : NULL);
}

/* A covered copy of a set, each file's hash as it is now. */
static struct inputs *
trust_snapshot(const struct trust *t, const struct inputs *from)
{
	struct inputs	*in = inputs_new(), *all = inputs_new();
	size_t		 i;

	inputs_merge(all, from);
	inputs_record(all);
	inputs_set_top(in, inputs_top(all));
	for (i = 0; i < inputs_count(all); i++) {
		if (trust_covers(t, inputs_path(all, i)))
			inputs_add_kind(in, inputs_path(all, i),
			    inputs_kind(all, i));
	}
	inputs_free(all);
	inputs_record(in);
	return (in);
}

/* Add the covered files as they are now as an allowed set. */
static int
trust_add(struct trust *t, const struct inputs *covered)
{
	struct inputs	*in;
	struct buf	 enc = BUF_INIT;
	int64_t		 id;
	int		 rc;

	in = trust_snapshot(t, covered);
	inputs_encode(in, &enc);
	inputs_free(in);
	rc = store_trust_add(settings.store, t->ws_id, &enc, TRUST_KEEP, &id);
	buf_release(&enc);
	if (rc == 0)
		trust_load(t);
	return (rc);
}

int
trust_allow(struct trust *t, const struct inputs *covered, struct buf *b)
{
	/* A first allowance has nothing to compare with. */
	if (t->allowed)
		trust_check(t, covered);
	if (t->allowed && b != NULL && trust_changed(t) != NULL)
		buf_adds(b, trust_changed(t));
	if (t->allowed && t->matched != 0)
		return (0);	/* allowed as it is: nothing new */
	if (trust_add(t, covered) != 0)
		return (-1);
	t->allowed = 1;
	free(t->legacy);
	t->legacy = NULL;
	return (trust_check(t, covered) ? 0 : -1);
}

void
trust_deny(struct trust *t)
{
	t->allowed = 0;
	trust_clear_sets(t);
	store_trust_clear(settings.store, t->ws_id);
}

void
trust_read(struct trust *t, const struct inputs *read)
{
	struct trust_set	*s = NULL;
	struct inputs		*now;
	struct buf		 enc = BUF_INIT;
	size_t			 i, added;

	for (i = 0; i < t->nsets && t->matched != 0; i++)
		if (t->sets[i].id == t->matched)
			s = &t->sets[i];
	if (s == NULL)
		return;		/* trusted by place: nothing to bind */
	now = trust_snapshot(t, read);
	/* A file it has keeps the hash it has: the check decides. */
	added = inputs_count(s->in);
	inputs_merge(s->in, now);
	added = inputs_count(s->in) - added;
	inputs_free(now);
	if (added == 0)
		return;
	inputs_encode(s->in, &enc);
	store_trust_update(settings.store, s->id, &enc);
	buf_release(&enc);
	log_debug("%s: allowance %lld now covers %zu more files", t->root,
	    (long long)s->id, added);
}

void
trust_review(struct trust *t, const struct inputs *covered, struct buf *b)
{
	const struct trust_set	*s;
	char			 now[HASH_HEX_SIZE];
	const char		*p, *was;
	size_t			 i, n = 0, len = strlen(t->root);
	int			 j, ok;

	ok = trust_check(t, covered);
	buf_addf(b, "state\t%s\n", !t->allowed && !ok ? "untrusted" :
	    ok && t->matched == 0 ? "location" : ok ? "allowed" : "blocked");
	s = ok ? NULL : trust_closest(t, covered);
	for (i = 0; !ok && i < inputs_count(covered) &&
	    n < TRUST_REVIEW_MAX; i++) {
		if (!trust_covers(t, (p = inputs_path(covered, i))))
			continue;
		inputs_now(covered, i, now);
		j = s == NULL ? -1 : inputs_find(s->in, p,
		    inputs_kind(covered, i));
		was = j >= 0 ? inputs_hash(s->in, j) : "-";
		if (j >= 0 ? strcmp(now, was) == 0 :
		    trust_unseen_ok(inputs_kind(covered, i), now))
			continue;
		if (strncmp(p, t->root, len) == 0 && p[len] == '/')
			p += len + 1;
		/* A name holding a tab or newline cannot be one field. */
		if (strpbrk(p, "\t\n") != NULL)
			continue;
		buf_addf(b, "changed\t%s\t%c\t%s\t%s\n", p,
		    inputs_kind(covered, i), now, was);
		n++;
	}
	for (i = 0; i < t->nsets; i++)
		buf_addf(b, "set\t%lld\t%lld\t%zu\t%d\n",
		    (long long)t->sets[i].created_at,
		    (long long)t->sets[i].used_at,
		    inputs_count(t->sets[i].in),
		    t->sets[i].id == t->matched);
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
