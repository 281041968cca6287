/*
 * Unit tests for client/cmd.c: finding a command by exact name or unique
 * prefix, the errors for ambiguous and unknown names, the shape of every
 * table entry, and the directory a command acts on.
 */
#include "harness.h"

#include <sys/stat.h>

#include "hearth.h"

/* Every command in the table, in its order. */
static const char *all_names[] = {
	"allow", "daemon", "deny", "exec", "export", "gc", "hook", "list",
	"log", "reload", "stats", "status", "wait",
};
#define ALL_COUNT	(sizeof all_names / sizeof *all_names)

/* Look a name up and expect the command with the given name. */
static void
expect_found(const char *name, const char *want)
{
	const struct cmd_entry	*e;
	char			*cause = NULL;

	e = cmd_find(name, &cause);
	if (e == NULL)
		fail_msg("cmd_find(\"%s\"): %s", name, cause);
	assert_null(cause);
	assert_string_equal(e->name, want);
}

/* Look a name up and expect a failure whose cause holds a string. */
static void
expect_missing(const char *name, const char *in_cause)
{
	char	*cause = NULL;

	assert_null(cmd_find(name, &cause));
	assert_non_null(cause);
	if (strstr(cause, in_cause) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, in_cause);
	free(cause);
}

static void
test_find_exact(void **state)
{
	(void)state;
	expect_found("allow", "allow");
	expect_found("status", "status");
	expect_found("daemon", "daemon");
	expect_found("deny", "deny");
}

static void
test_find_prefix(void **state)
{
	(void)state;
	expect_found("statu", "status");
	expect_found("li", "list");
	expect_found("r", "reload");
	expect_found("g", "gc");
	expect_found("w", "wait");
	expect_found("da", "daemon");
	expect_found("de", "deny");
	expect_found("exp", "export");
	expect_found("exe", "exec");
	expect_found("h", "hook");
	expect_found("a", "allow");
}

static void
test_find_ambiguous(void **state)
{
	(void)state;
	expect_missing("d", "daemon, deny");
	expect_missing("st", "stats, status");
	expect_missing("ex", "exec, export");
	expect_missing("d", "ambiguous");
}

static void
test_find_unknown(void **state)
{
	(void)state;
	expect_missing("zzz", "hearth --help");
	expect_missing("zzz", "zzz");
	/* A name longer than a command is not a prefix of it. */
	expect_missing("statuses", "hearth --help");
	/* Prefix matching is case-sensitive. */
	expect_missing("STATUS", "hearth --help");
}

static void
test_find_empty(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(cmd_find("", &cause));
	assert_non_null(cause);
	free(cause);
}

static void
test_table(void **state)
{
	const struct cmd_entry	*e;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < ALL_COUNT; i++) {
		e = cmd_find(all_names[i], &cause);
		if (e == NULL)
			fail_msg("%s: %s", all_names[i], cause);
		assert_string_equal(e->name, all_names[i]);
		assert_non_null(e->args);
		assert_non_null(e->args);
		assert_non_null(e->summary);
		assert_true(*e->summary != '\0');
		assert_non_null(e->exec);
	}
	/* The table entries are the exported ones. */
	assert_ptr_equal(cmd_find("allow", &cause), &cmd_allow_entry);
	assert_ptr_equal(cmd_find("wait", &cause), &cmd_wait_entry);
}

static void
test_dir_cwd(void **state)
{
	char	*dir, *cwd, *real, *cause = NULL;

	(void)state;
	assert_non_null(cwd = getcwd(NULL, 0));
	assert_non_null(real = realpath(cwd, NULL));
	dir = cmd_dir(NULL, &cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_int_equal(dir[0], '/');
	assert_string_equal(dir, real);
	free(dir);
	free(real);
	free(cwd);
}

static void
test_dir_arg(void **state)
{
	char	*tmp, *link, *sub, *dir, *real, *cause = NULL;

	(void)state;
	tmp = harness_tmpdir();
	assert_true(asprintf(&sub, "%s/sub", tmp) > 0);
	assert_true(asprintf(&link, "%s/link", tmp) > 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(symlink("sub", link), 0);
	assert_non_null(real = realpath(sub, NULL));
	dir = cmd_dir(link, &cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_string_equal(dir, real);
	free(dir);

	dir = cmd_dir("/nonexistent", &cause);
	assert_null(dir);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/nonexistent"));
	free(cause);

	harness_rmtree(tmp);
	free(real);
	free(link);
	free(sub);
	free(tmp);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_find_exact),
	cmocka_unit_test(test_find_prefix),
	cmocka_unit_test(test_find_ambiguous),
	cmocka_unit_test(test_find_unknown),
	cmocka_unit_test(test_find_empty),
	cmocka_unit_test(test_table),
	cmocka_unit_test(test_dir_cwd),
	cmocka_unit_test(test_dir_arg),
};

HARNESS_MAIN(tests)
