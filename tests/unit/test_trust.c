/*
 * A workspace's trust: an allowance covers every file of the input set
 * (not flake.lock, not the Nix store), files an evaluation of allowed
 * content read join it, earlier allowed sets are remembered (a bounded
 * number), a mix of two is not, and config.ini's [trust] trusts by place.
 * hash_update_file is wrapped to count the hashing.
 */
#include "harness.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <time.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "inputs.h"
#include "settings.h"
#include "store.h"
#include "trust.h"

static char		*dir;
static struct store	*store;
static int64_t		 ws_id;
static int		 hashed;	/* files hashed */

int	__real_hash_update_file(struct hash_state *, const char *);
int	__wrap_hash_update_file(struct hash_state *, const char *);

int
__wrap_hash_update_file(struct hash_state *h, const char *path)
{
	hashed++;
	return (__real_hash_update_file(h, path));
}

/* Date a file back, out of the racy second it will be hashed in. */
static void
age(const char *name)
{
	struct timespec	 t[2];
	char		*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= 10;
	t[1] = t[0];
	assert_int_equal(utimensat(AT_FDCWD, p, t, 0), 0);
	free(p);
}

static char *
at(const char *name)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return (p);
}

/* The input set of the workspace's evaluations: these files. */
static struct inputs *
covered(const char *const *names)
{
	struct inputs	*in = inputs_new();
	char		*p;

	for (; *names != NULL; names++) {
		if (**names == '/')
			inputs_add(in, *names);
		else {
			p = at(*names);
			inputs_add(in, p);
			free(p);
		}
	}
	return (in);
}

static int
setup(void **state)
{
	char	*cause = NULL, *db, *cfg;

	(void)state;
	dir = harness_tmpdir();
	hashed = 0;
	assert_true(asprintf(&db, "%s/store.db", dir) > 0);
	assert_non_null(store = store_open(db, &cause));
	free(db);
	settings.store = store;
	assert_int_equal(store_workspace_ensure(store, dir, &ws_id), 0);
	harness_write(dir, "flake.nix", "{ outputs = _: { }; }\n");
	harness_write(dir, "a.nix", "{ }\n");
	harness_write(dir, "flake.lock", "{}\n");
	cfg = at("config");
	setenv("XDG_CONFIG_HOME", cfg, 1);
	free(cfg);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	store_close(store);
	settings.store = NULL;
	inputs_forget();
	harness_rmtree(dir);
	free(dir);
	return (0);
}

static const char *const files[] = { "flake.nix", ".hearth.ini", "a.nix",
    "flake.lock", "b.nix", "/nix/store/00000000000000000000000000000000-x",
    NULL };

/* Every covered file blocks when it changes; the others never do. */
static void
test_trust_covers(void **state)
{
	struct trust	*t;
	struct inputs	*in = covered(files);
	struct buf	 b = BUF_INIT;
	char		*p;

	(void)state;
	t = trust_new(ws_id, dir, NULL);
	assert_false(trust_allowed(t));
	assert_false(trust_check(t, in));
	assert_int_equal(trust_allow(t, in, &b), 0);
	assert_true(trust_allowed(t));
	assert_true(trust_check(t, in));

	/* An imported file changed: blocked, and named. */
	harness_write(dir, "a.nix", "{ evil = 1; }\n");
	assert_false(trust_check(t, in));
	assert_string_equal(trust_changed(t), "a.nix");
	/* Undone: trusted again, with no allow. */
	harness_write(dir, "a.nix", "{ }\n");
	assert_true(trust_check(t, in));
	assert_null(trust_changed(t));

	/* .hearth.ini alone is named as itself. */
	harness_write(dir, ".hearth.ini", "[shells]\n");
	assert_false(trust_check(t, in));
	assert_string_equal(trust_changed(t), ".hearth.ini");
	p = at(".hearth.ini");
	assert_int_equal(unlink(p), 0);
	free(p);
	assert_true(trust_check(t, in));

	/* flake.lock is free to change. */
	harness_write(dir, "flake.lock", "{ \"version\": 7 }\n");
	assert_true(trust_check(t, in));

	/* A file where the allowed code looked and found none appears. */
	harness_write(dir, "b.nix", "{ }\n");
	assert_false(trust_check(t, in));
	assert_string_equal(trust_changed(t), "b.nix");
	buf_release(&b);
	inputs_free(in);
	trust_free(t);
}

/*
 * Files an evaluation of allowed content read join the allowance; a
 * file no allowance saw blocks unless Nix cannot read it (missing).
 */
static void
test_trust_read(void **state)
{
	const char *const base[] = { "flake.nix", NULL };
	const char *const more[] = { "flake.nix", "c.nix", "gone.nix", NULL };
	struct trust	*t;
	struct inputs	*in = covered(base), *read = covered(more);

	(void)state;
	t = trust_new(ws_id, dir, NULL);
	assert_int_equal(trust_allow(t, in, NULL), 0);
	harness_write(dir, "c.nix", "{ }\n");
	/* Unseen and present: not allowed. */
	assert_false(trust_check(t, read));
	assert_true(trust_check(t, in));
	trust_read(t, read);
	assert_true(trust_check(t, read));
	harness_write(dir, "c.nix", "{ evil = 1; }\n");
	assert_false(trust_check(t, read));
	assert_string_equal(trust_changed(t), "c.nix");
	trust_free(t);
	/* The store keeps it. */
	t = trust_new(ws_id, dir, "x");
	assert_false(trust_check(t, read));
	harness_write(dir, "c.nix", "{ }\n");
	assert_true(trust_check(t, read));
	trust_free(t);
	inputs_free(in);
	inputs_free(read);
}

/* Earlier allowed sets are remembered; a mix of two is not allowed. */
static void
test_trust_sets(void **state)
{
	const char *const both[] = { "flake.nix", "a.nix", "d.nix", NULL };
	struct trust	*t;
	struct inputs	*in = covered(both);
	struct buf	 b = BUF_INIT;
	int		 i;

	(void)state;
	harness_write(dir, "d.nix", "1\n");
	t = trust_new(ws_id, dir, NULL);
	assert_int_equal(trust_allow(t, in, NULL), 0);
	harness_write(dir, "a.nix", "2\n");
	harness_write(dir, "d.nix", "2\n");
	assert_false(trust_check(t, in));
	assert_string_equal(trust_changed(t), "a.nix, d.nix");
	assert_int_equal(trust_allow(t, in, &b), 0);
	assert_string_equal(b.data, "a.nix, d.nix");
	/* Back to the first: no allow. */
	harness_write(dir, "a.nix", "{ }\n");
	harness_write(dir, "d.nix", "1\n");
	assert_true(trust_check(t, in));
	/* A mix of the two: each file allowed once, never together. */
	harness_write(dir, "d.nix", "2\n");
	assert_false(trust_check(t, in));
	/* Bounded: the first set is forgotten after many others. */
	for (i = 0; i < 20; i++) {
		char	 text[16];

		snprintf(text, sizeof text, "%d\n", 100 + i);
		harness_write(dir, "d.nix", text);
		assert_int_equal(trust_allow(t, in, NULL), 0);
	}
	harness_write(dir, "d.nix", "1\n");
	assert_false(trust_check(t, in));
	/* deny forgets all. */
	harness_write(dir, "d.nix", "119\n");
	assert_true(trust_check(t, in));
	trust_deny(t);
	assert_false(trust_check(t, in));
	trust_free(t);
	t = trust_new(ws_id, dir, "x");
	assert_false(trust_check(t, in));
	trust_free(t);
	buf_release(&b);
	inputs_free(in);
}

/* Unchanged files are not hashed again. */
static void
test_trust_cached(void **state)
{
	const char *const base[] = { "flake.nix", "a.nix", NULL };
	struct trust	*t;
	struct inputs	*in = covered(base);
	int		 n;

	(void)state;
	age("flake.nix");
	age("a.nix");
	t = trust_new(ws_id, dir, NULL);
	assert_int_equal(trust_allow(t, in, NULL), 0);
	assert_true(trust_check(t, in));
	n = hashed;
	assert_true(trust_check(t, in));
	assert_true(trust_check(t, in));
	assert_int_equal(hashed, n);
	trust_free(t);
	inputs_free(in);
}

/* config.ini's [trust]: prefixes and exact paths, the user's file only. */
static void
test_trust_by_place(void **state)
{
	const char *const base[] = { "flake.nix", NULL };
	struct trust	*t;
	struct inputs	*in = covered(base);
	char		*cfgdir, *text, *parent, *cfg;

	(void)state;
	cfgdir = at("config");
	assert_int_equal(mkdir(cfgdir, 0700), 0);
	free(cfgdir);
	cfgdir = at("config/hearth");
	assert_int_equal(mkdir(cfgdir, 0700), 0);
	t = trust_new(ws_id, dir, NULL);
	assert_false(trust_check(t, in));

	parent = strdup(dir);
	*strrchr(parent, '/') = '\0';
	assert_true(asprintf(&text, "[trust]\nprefix = %s\n", parent) > 0);
	harness_write(cfgdir, "config.ini", text);
	free(text);
	/* Not allowed: by place it evaluates with no allow at all. */
	assert_false(trust_allowed(t));
	trust_free(t);
	t = trust_new(ws_id, dir, "x");
	assert_true(trust_check(t, in));
	/* Group-writable: anyone in the group could grant trust. */
	cfg = at("config/hearth/config.ini");
	assert_int_equal(chmod(cfg, 0664), 0);
	assert_false(trust_check(t, in));
	assert_int_equal(chmod(cfg, 0600), 0);
	/* An exact path trusts that workspace, not one below it. */
	assert_true(asprintf(&text, "[trust]\npath = %s\n", parent) > 0);
	harness_write(cfgdir, "config.ini", text);
	free(text);
	assert_false(trust_check(t, in));
	assert_true(asprintf(&text, "[trust]\npath = %s\n", dir) > 0);
	harness_write(cfgdir, "config.ini", text);
	free(text);
	assert_true(trust_check(t, in));
	trust_free(t);
	free(parent);
	free(cfg);
	free(cfgdir);
	inputs_free(in);
}

/*
 * An allowance from a store before input sets (a hash of flake.nix and
 * .hearth.ini) becomes a set of the files known, if it still matches.
 */
static void
test_trust_upgrade(void **state)
{
	const char *const base[] = { "flake.nix", "a.nix", NULL };
	struct trust	*t;
	struct inputs	*in = covered(base);
	char		 hex[HASH_HEX_SIZE];

	(void)state;
	assert_int_equal(trust_hash(dir, hex), 0);
	t = trust_new(ws_id, dir, hex);
	assert_true(trust_check(t, in));
	harness_write(dir, "a.nix", "{ evil = 1; }\n");
	assert_false(trust_check(t, in));
	trust_free(t);
	/* flake.nix changed since that allowance: nothing carries over. */
	harness_write(dir, "flake.nix", "{ outputs = _: { x = 1; }; }\n");
	t = trust_new(ws_id + 1, dir, hex);
	assert_false(trust_check(t, in));
	trust_free(t);
	inputs_free(in);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static const struct CMUnitTest tests[] = {
	T(test_trust_covers),
	T(test_trust_read),
	T(test_trust_sets),
	T(test_trust_cached),
	T(test_trust_by_place),
	T(test_trust_upgrade),
};

HARNESS_MAIN(tests)
