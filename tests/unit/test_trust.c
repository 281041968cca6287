/*
 * A workspace's trust: allowed while flake.nix and .hearth.ini hash as
 * allowed, and hashed again only when their stat tuples change
 * (hash_update_file is wrapped to count the hashing).
 */
#include "harness.h"

#include <sys/stat.h>

#include <fcntl.h>

#include <time.h>

#include "hearth/hash.h"
#include "trust.h"

static char	*dir;
static int	 hashed;	/* files hashed */

int	__real_hash_update_file(struct hash_state *, const char *);
int	__wrap_hash_update_file(struct hash_state *, const char *);

int
__wrap_hash_update_file(struct hash_state *h, const char *path)
{
	hashed++;
	return (__real_hash_update_file(h, path));
}

/*
 * Date a file back, and let its ctime (now) leave the current second, out
 * of the racy second it will be hashed in.
 */
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
	sleep(1);
}

static int
setup(void **state)
{
	(void)state;
	dir = harness_tmpdir();
	hashed = 0;
	harness_write(dir, "flake.nix", "{ outputs = _: { }; }\n");
	age("flake.nix");
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	harness_rmtree(dir);
	free(dir);
	return (0);
}

static void
test_trust_allowed(void **state)
{
	struct trust	*t;
	char		 hex[HASH_HEX_SIZE];

	(void)state;
	assert_int_equal(trust_hash(dir, hex), 0);
	t = trust_new(dir, NULL);
	assert_false(trust_allowed(t));
	assert_false(trust_check(t));
	trust_set(t, hex);
	assert_true(trust_allowed(t));
	assert_true(trust_check(t));
	/* A change blocks; going back trusts again. */
	harness_write(dir, "flake.nix", "{ outputs = _: { x = 1; }; }\n");
	assert_false(trust_check(t));
	harness_write(dir, "flake.nix", "{ outputs = _: { }; }\n");
	assert_true(trust_check(t));
	/* .hearth.ini is part of the allowance. */
	harness_write(dir, ".hearth.ini", "[shells]\n");
	assert_false(trust_check(t));
	trust_set(t, NULL);
	assert_false(trust_check(t));
	trust_free(t);
}

/* Unchanged files are not hashed again; a changed tuple is. */
static void
test_trust_cached(void **state)
{
	struct trust	*t;
	char		 hex[HASH_HEX_SIZE];
	int		 n;

	(void)state;
	assert_int_equal(trust_hash(dir, hex), 0);
	t = trust_new(dir, hex);
	assert_true(trust_check(t));
	n = hashed;
	assert_true(n > 0);
	assert_true(trust_check(t));
	assert_true(trust_check(t));
	assert_int_equal(hashed, n);
	/* Same content, new tuple: hashed again, still trusted. */
	harness_write(dir, "flake.nix", "{ outputs = _: { }; }\n");
	age("flake.nix");
	assert_true(trust_check(t));
	assert_true(hashed > n);
	n = hashed;
	assert_true(trust_check(t));
	assert_int_equal(hashed, n);
	trust_free(t);
}

/* A file written in the second it was hashed is hashed every time. */
static void
test_trust_racy(void **state)
{
	struct trust	*t;
	char		 hex[HASH_HEX_SIZE];
	int		 n;

	(void)state;
	harness_write(dir, "flake.nix", "{ outputs = _: { }; }\n");
	assert_int_equal(trust_hash(dir, hex), 0);
	t = trust_new(dir, hex);
	assert_true(trust_check(t));
	n = hashed;
	assert_true(trust_check(t));
	assert_true(hashed > n);
	trust_free(t);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static const struct CMUnitTest tests[] = {
	T(test_trust_allowed),
	T(test_trust_cached),
	T(test_trust_racy),
};

HARNESS_MAIN(tests)
