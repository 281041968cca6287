/*
 * Unit tests for daemon/gitindex.c: tracked files read from real git
 * indexes (versions 2, 3 and 4), and garbage never trusted.
 */
#include "harness.h"

#include "gitindex.h"

static void
sh(const char *fmt, const char *dir)
{
	char	*cmd;

	assert_true(asprintf(&cmd, fmt, dir, dir, dir, dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
check_repo(const char *version)
{
	char	*dir = harness_tmpdir(), *p, *cmd;

	sh("cd %s && git init -q && mkdir -p a/deep && touch a/deep/x.nix "
	    "b.nix untracked.nix && git add a b.nix", dir);
	if (version != NULL) {
		assert_true(asprintf(&cmd, "cd %s && git update-index "
		    "--index-version %s", dir, version) > 0);
		assert_int_equal(system(cmd), 0);
		free(cmd);
	}
	assert_true(asprintf(&p, "%s/a/deep/x.nix", dir) > 0);
	assert_int_equal(gitindex_tracked(dir, p), 1);
	free(p);
	assert_true(asprintf(&p, "%s/b.nix", dir) > 0);
	assert_int_equal(gitindex_tracked(dir, p), 1);
	free(p);
	assert_true(asprintf(&p, "%s/untracked.nix", dir) > 0);
	assert_int_equal(gitindex_tracked(dir, p), 0);
	/* git add: the index changes, and so does the answer. */
	sh("cd %s && git add untracked.nix", dir);
	assert_int_equal(gitindex_tracked(dir, p), 1);
	free(p);
	/* Outside the repository: unknown. */
	assert_int_equal(gitindex_tracked(dir, "/etc/passwd"), -1);
	harness_rmtree(dir);
	free(dir);
	gitindex_forget();
}

static void
test_v2(void **state)
{
	(void)state;
	check_repo(NULL);
}

static void
test_v3(void **state)
{
	(void)state;
	check_repo("3");
}

static void
test_v4(void **state)
{
	(void)state;
	check_repo("4");
}

static void
test_garbage(void **state)
{
	char	*dir = harness_tmpdir(), *p;

	(void)state;
	sh("cd %s && mkdir .git && printf 'DIRC\\0\\0\\0\\2\\377\\377\\377"
	    "\\377junk' > .git/index", dir);
	assert_true(asprintf(&p, "%s/x", dir) > 0);
	assert_int_equal(gitindex_tracked(dir, p), -1);
	/* No repository at all. */
	sh("rm -rf %s/.git", dir);
	gitindex_forget();
	assert_int_equal(gitindex_tracked(dir, p), -1);
	free(p);
	harness_rmtree(dir);
	free(dir);
	gitindex_forget();
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_v2),
	cmocka_unit_test(test_v3),
	cmocka_unit_test(test_v4),
	cmocka_unit_test(test_garbage),
};

HARNESS_MAIN(tests)
