/*
 * Unit tests for common/nixcache.c: the cache keyed by a program's path
 * and stat (how a probe is judged is test_nix.c's).
 */
#include <sys/stat.h>

#include "harness.h"

#include "hearth/nixcache.h"

static void
test_cache(void **state)
{
	char		*dir = harness_tmpdir(), *prog, *key, *key2, *why, *c;
	long long	 when;
	int		 ok, i;
	FILE		*f;

	(void)state;
	setenv("XDG_CACHE_HOME", dir, 1);
	assert_true(asprintf(&prog, "%s/nix", dir) > 0);
	assert_non_null(f = fopen(prog, "w"));
	fclose(f);
	chmod(prog, 0755);

	assert_non_null(key = nixcache_key(prog));
	assert_int_equal(nixcache_lookup(key, &ok, &when, &why), 0);
	assert_int_equal(nixcache_record(key, 0, "too\told\n", &c), 0);
	assert_int_equal(nixcache_lookup(key, &ok, &when, &why), 1);
	assert_int_equal(ok, 0);
	assert_string_equal(why, "too old ");
	free(why);
	/* Others' answers are kept, a program's own replaced. */
	for (i = 0; i < 3; i++) {
		assert_true(asprintf(&key2, "1\t%d\t0\t0.0\t0.0\t/other/%d", i,
		    i) > 0);
		assert_int_equal(nixcache_record(key2, 1, "", &c), 0);
		free(key2);
	}
	assert_int_equal(nixcache_record(key, 1, "ignored", &c), 0);
	assert_int_equal(nixcache_lookup(key, &ok, &when, &why), 1);
	assert_int_equal(ok, 1);
	assert_string_equal(why, "");
	free(why);
	assert_int_equal(nixcache_lookup("1\t2\t0\t0.0\t0.0\t/other/2", &ok,
	    &when, &why), 1);
	free(why);
	/* A new program (another stat) is another key. */
	assert_non_null(f = fopen(prog, "a"));
	fputs("#!/bin/sh\n", f);
	fclose(f);
	assert_non_null(key2 = nixcache_key(prog));
	assert_string_not_equal(key, key2);
	assert_int_equal(nixcache_lookup(key2, &ok, &when, &why), 0);
	free(key2);
	free(key);
	free(prog);
	harness_rmtree(dir);
	free(dir);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_cache),
};

HARNESS_MAIN(tests)
