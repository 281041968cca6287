/*
 * Unit tests for client/envstate.c: applying a diff and undoing it
 * restores the environment exactly, PATH entries the user added survive,
 * and the state variable survives a round trip through the environment.
 * What the client computes ahead for leaving (a revert over the pending
 * changes, from the state's encoding) equals the revert done later.
 */
#include "harness.h"

#include "hearth.h"

extern char **environ;

/* Make the pending changes real, as the shell's eval would. */
static void
commit_set(struct envset *set)
{
	const char	*name, *value;
	size_t		 i;

	for (i = 0; i < envset_count(set); i++) {
		envset_item(set, i, &name, &value);
		if (value != NULL)
			setenv(name, value, 1);
		else
			unsetenv(name);
	}
}

/* Save the state into HEARTH_STATE, as the exported variable would be. */
static void
commit_state(struct envstate *st)
{
	char	*enc = envstate_encode(st);

	if (*enc != '\0')
		setenv(ENVSTATE_VAR, enc, 1);
	else
		unsetenv(ENVSTATE_VAR);
	free(enc);
}

static void
apply(const struct envdiff *d, uint64_t id)
{
	struct envstate	*st = envstate_from_env();
	struct envset	*set = envset_new();

	envstate_revert(st, set);
	envstate_apply(st, set, d, "/ws", "default", id);
	commit_set(set);
	commit_state(st);
	envset_free(set);
	envstate_free(st);
}

static void
revert(void)
{
	struct envstate	*st = envstate_from_env();
	struct envset	*set = envset_new();

	envstate_revert(st, set);
	commit_set(set);
	commit_state(st);
	envset_free(set);
	envstate_free(st);
}

static int
setup(void **state)
{
	(void)state;
	unsetenv(ENVSTATE_VAR);
	setenv("PATH", "/usr/bin:/bin", 1);
	setenv("CHANGED", "user's value", 1);
	setenv("REMOVED", "present", 1);
	unsetenv("ADDED");
	unsetenv("MANPATH");
	return (0);
}

static void
test_apply_revert(void **state)
{
	struct envdiff	 d;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "ADDED", "new\nvalue 'q'");
	envdiff_add(&d, ENVDIFF_SET, "CHANGED", "dev value");
	envdiff_add(&d, ENVDIFF_UNSET, "REMOVED", NULL);
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin:/nix/b/bin");
	envdiff_add(&d, ENVDIFF_PREPEND, "MANPATH", "/nix/a/man");
	apply(&d, 1);
	assert_string_equal(getenv("ADDED"), "new\nvalue 'q'");
	assert_string_equal(getenv("CHANGED"), "dev value");
	assert_null(getenv("REMOVED"));
	assert_string_equal(getenv("PATH"), "/nix/a/bin:/nix/b/bin:/usr/bin:/bin");
	assert_string_equal(getenv("MANPATH"), "/nix/a/man");
	assert_non_null(getenv(ENVSTATE_VAR));

	/* The user adds to PATH while inside. */
	setenv("PATH", "/mine/first:/nix/a/bin:/nix/b/bin:/usr/bin:/bin:/mine",
	    1);
	revert();
	assert_null(getenv("ADDED"));
	assert_string_equal(getenv("CHANGED"), "user's value");
	assert_string_equal(getenv("REMOVED"), "present");
	assert_string_equal(getenv("PATH"), "/mine/first:/usr/bin:/bin:/mine");
	assert_null(getenv("MANPATH"));
	envdiff_release(&d);
}

/*
 * Entries appended (a shellHook's PATH="$PATH:...") go after the user's;
 * leaving removes them from the end, so an entry the user had first is
 * kept in its place, and what the user added inside survives.
 */
static void
test_append_revert(void **state)
{
	struct envdiff	 d;

	(void)state;
	setenv("PATH", "/ws/bin:/usr/bin:/bin", 1);
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin");
	envdiff_add(&d, ENVDIFF_APPEND, "PATH", "/ws/bin:/ws/node/.bin");
	envdiff_add(&d, ENVDIFF_APPEND, "MANPATH", "/nix/a/man");
	apply(&d, 7);
	assert_string_equal(getenv("PATH"),
	    "/nix/a/bin:/ws/bin:/usr/bin:/bin:/ws/bin:/ws/node/.bin");
	assert_string_equal(getenv("MANPATH"), "/nix/a/man");
	setenv("PATH", "/mine:/nix/a/bin:/ws/bin:/usr/bin:/bin:/ws/bin:"
	    "/ws/node/.bin:/mine/last", 1);
	revert();
	assert_string_equal(getenv("PATH"),
	    "/mine:/ws/bin:/usr/bin:/bin:/mine/last");
	assert_null(getenv("MANPATH"));
	envdiff_release(&d);
}

static void
test_switch_snapshots(void **state)
{
	struct envdiff	 d1, d2;
	struct envstate	*st;

	(void)state;
	envdiff_init(&d1);
	envdiff_init(&d2);
	envdiff_add(&d1, ENVDIFF_SET, "ADDED", "one");
	envdiff_add(&d1, ENVDIFF_PREPEND, "PATH", "/nix/v1/bin");
	envdiff_add(&d2, ENVDIFF_SET, "CHANGED", "two");
	envdiff_add(&d2, ENVDIFF_PREPEND, "PATH", "/nix/v2/bin");
	apply(&d1, 1);
	apply(&d2, 2);
	assert_null(getenv("ADDED"));
	assert_string_equal(getenv("CHANGED"), "two");
	assert_string_equal(getenv("PATH"), "/nix/v2/bin:/usr/bin:/bin");
	st = envstate_from_env();
	assert_true(envstate_snapshot(st) == 2);
	assert_string_equal(envstate_root(st), "/ws");
	assert_string_equal(envstate_shell(st), "default");
	envstate_free(st);
	revert();
	assert_string_equal(getenv("CHANGED"), "user's value");
	assert_string_equal(getenv("PATH"), "/usr/bin:/bin");
	envdiff_release(&d1);
	envdiff_release(&d2);
}

static void
test_notice_and_hook_survive(void **state)
{
	struct envstate	*st;
	char		*enc;

	(void)state;
	st = envstate_from_env();
	assert_false(envstate_applied(st));
	enc = envstate_encode(st);
	assert_string_equal(enc, "");
	free(enc);
	envstate_set_notice(st, "untrusted:/a\tb");
	envstate_set_hook_shown(st, 42);
	assert_true(envstate_changed(st));
	commit_state(st);
	envstate_free(st);
	st = envstate_from_env();
	assert_string_equal(envstate_notice(st), "untrusted:/a\tb");
	assert_true(envstate_hook_shown(st) == 42);
	assert_false(envstate_changed(st));
	envstate_free(st);
}

static void
test_damaged_state(void **state)
{
	static const char *bad[] = { "!!!", "aGVsbG8", "", "aGVhcnRoMQA" };
	struct envstate	*st;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		setenv(ENVSTATE_VAR, bad[i], 1);
		st = envstate_from_env();
		assert_false(envstate_applied(st));
		assert_string_equal(envstate_root(st), "");
		envstate_free(st);
	}
}

static void
test_state_stays_small(void **state)
{
	struct envdiff	 d;
	char		 name[32], *enc;
	struct envstate	*st;
	int		 i;

	(void)state;
	/* 500 new variables, as a large dev shell has: names only. */
	envdiff_init(&d);
	for (i = 0; i < 500; i++) {
		snprintf(name, sizeof name, "VAR_NUMBER_%d", i);
		envdiff_add(&d, ENVDIFF_SET, name, "a long value that the state "
		    "never needs to keep, because it is the new value");
	}
	apply(&d, 7);
	st = envstate_from_env();
	enc = envstate_encode(st);
	assert_true(strlen(enc) < 16 * 1024);
	free(enc);
	envstate_free(st);
	revert();
	assert_null(getenv("VAR_NUMBER_0"));
	envdiff_release(&d);
}

static void
test_base_environ(void **state)
{
	struct envdiff	 d;
	char		**env;
	size_t		 i;
	int		 saw_path = 0;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "ADDED", "x");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin");
	apply(&d, 3);
	env = envstate_base_environ();
	for (i = 0; env[i] != NULL; i++) {
		assert_true(strncmp(env[i], "ADDED=", 6) != 0);
		assert_true(strncmp(env[i], ENVSTATE_VAR "=", 13) != 0);
		if (strncmp(env[i], "PATH=", 5) == 0) {
			assert_string_equal(env[i], "PATH=/usr/bin:/bin");
			saw_path = 1;
		}
	}
	assert_true(saw_path);
	envstate_free_environ(env);
	revert();
	envdiff_release(&d);
}

static void
test_decode(void **state)
{
	struct envdiff	 d;
	struct envstate	*st, *again;
	char		*enc, *enc2;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "ADDED", "x");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin");
	apply(&d, 9);
	st = envstate_from_env();
	envstate_set_notice(st, "evaluating:/ws");
	envstate_set_hook_shown(st, 9);
	enc = envstate_encode(st);
	again = envstate_decode(enc);
	assert_true(envstate_applied(again));
	assert_true(envstate_snapshot(again) == 9);
	assert_string_equal(envstate_root(again), "/ws");
	assert_string_equal(envstate_notice(again), "evaluating:/ws");
	assert_true(envstate_hook_shown(again) == 9);
	assert_false(envstate_changed(again));
	enc2 = envstate_encode(again);
	assert_string_equal(enc, enc2);
	free(enc2);
	envstate_free(again);
	again = envstate_decode(NULL);
	assert_false(envstate_applied(again));
	envstate_free(again);
	free(enc);
	envstate_free(st);
	revert();
	envdiff_release(&d);
}

static void
test_envset_over(void **state)
{
	struct envset	*base = envset_new(), *over;
	const char	*name, *value;

	(void)state;
	envset_set(base, "ADDED", "base");
	envset_set(base, "CHANGED", NULL);
	over = envset_over(base);
	assert_string_equal(envset_get(over, "ADDED"), "base");
	assert_null(envset_get(over, "CHANGED"));
	assert_string_equal(envset_get(over, "REMOVED"), "present");
	envset_set(over, "ADDED", "over");
	envset_set(over, "REMOVED", NULL);
	assert_string_equal(envset_get(over, "ADDED"), "over");
	assert_null(envset_get(over, "REMOVED"));
	/* Only its own changes, and the base is untouched. */
	assert_int_equal(envset_count(over), 2);
	envset_item(over, 0, &name, &value);
	assert_string_equal(name, "ADDED");
	assert_string_equal(value, "over");
	assert_string_equal(envset_get(base, "ADDED"), "base");
	assert_string_equal(envset_get(base, "REMOVED"), "present");
	envset_free(over);
	envset_free(base);
}

static void
test_prepended(void **state)
{
	struct envdiff	 d;
	struct envstate	*st;
	const char	**names;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "ADDED", "x");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin");
	envdiff_add(&d, ENVDIFF_UNSET, "REMOVED", NULL);
	envdiff_add(&d, ENVDIFF_PREPEND, "MANPATH", "/nix/a/man");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/b/bin");
	envdiff_add(&d, ENVDIFF_APPEND, "INFOPATH", "/nix/a/info");
	apply(&d, 4);
	st = envstate_from_env();
	names = envstate_prepended(st);
	assert_string_equal(names[0], "PATH");
	assert_string_equal(names[1], "MANPATH");
	assert_string_equal(names[2], "INFOPATH");
	assert_null(names[3]);
	free(names);
	envstate_free(st);
	revert();
	st = envstate_from_env();
	names = envstate_prepended(st);
	assert_null(names[0]);
	free(names);
	envstate_free(st);
	envdiff_release(&d);
}

/*
 * The client's leave code: revert, over the changes this run makes and
 * from the state it leaves, gives what a revert after those changes are
 * made gives (the PATH-like values unchanged meanwhile).
 */
static void
test_leave_ahead(void **state)
{
	struct envdiff	 d;
	struct envstate	*st, *left;
	struct envset	*set, *leave;
	const char	*name, *value;
	char		*enc, **want_name = NULL, **want_value = NULL;
	size_t		 i, n;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "ADDED", "new");
	envdiff_add(&d, ENVDIFF_SET, "CHANGED", "dev value");
	envdiff_add(&d, ENVDIFF_UNSET, "REMOVED", NULL);
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin:/usr/bin");
	envdiff_add(&d, ENVDIFF_PREPEND, "MANPATH", "/nix/a/man");

	/* Ahead: the changes pending, not made. */
	st = envstate_from_env();
	set = envset_new();
	envstate_revert(st, set);
	envstate_apply(st, set, &d, "/ws", "default", 5);
	enc = envstate_encode(st);
	left = envstate_decode(enc);
	leave = envset_over(set);
	envstate_revert(left, leave);
	n = envset_count(leave);
	want_name = calloc(n, sizeof *want_name);
	want_value = calloc(n, sizeof *want_value);
	for (i = 0; i < n; i++) {
		envset_item(leave, i, &name, &value);
		want_name[i] = strdup(name);
		want_value[i] = value != NULL ? strdup(value) : NULL;
	}
	assert_false(envstate_applied(left));
	envset_free(leave);
	envstate_free(left);
	free(enc);

	/* Later: the changes made, then the revert. */
	commit_set(set);
	commit_state(st);
	envset_free(set);
	envstate_free(st);
	st = envstate_from_env();
	set = envset_new();
	envstate_revert(st, set);
	assert_int_equal(envset_count(set), n);
	for (i = 0; i < n; i++) {
		envset_item(set, i, &name, &value);
		assert_string_equal(name, want_name[i]);
		if (want_value[i] == NULL)
			assert_null(value);
		else
			assert_string_equal(value, want_value[i]);
		free(want_name[i]);
		free(want_value[i]);
	}
	free(want_name);
	free(want_value);
	commit_set(set);
	assert_string_equal(getenv("PATH"), "/usr/bin:/bin");
	assert_null(getenv("MANPATH"));
	assert_string_equal(getenv("CHANGED"), "user's value");
	assert_string_equal(getenv("REMOVED"), "present");
	assert_null(getenv("ADDED"));
	envset_free(set);
	envstate_free(st);
	unsetenv(ENVSTATE_VAR);
	envdiff_release(&d);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup(test_apply_revert, setup),
	cmocka_unit_test_setup(test_append_revert, setup),
	cmocka_unit_test_setup(test_switch_snapshots, setup),
	cmocka_unit_test_setup(test_notice_and_hook_survive, setup),
	cmocka_unit_test_setup(test_damaged_state, setup),
	cmocka_unit_test_setup(test_state_stays_small, setup),
	cmocka_unit_test_setup(test_base_environ, setup),
	cmocka_unit_test_setup(test_decode, setup),
	cmocka_unit_test_setup(test_envset_over, setup),
	cmocka_unit_test_setup(test_prepended, setup),
	cmocka_unit_test_setup(test_leave_ahead, setup),
};

HARNESS_MAIN(tests)
