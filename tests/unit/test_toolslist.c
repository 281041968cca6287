/*
 * Unit tests for client/toolslist.c: store path names split the way Nix's
 * DrvName splits them, the .hearth-tools file, the comparison `hearth
 * check` makes, and the PATH of a `nix print-dev-env` script.
 */
#include <sys/stat.h>

#include "harness.h"

#include "hearth.h"

static void
split_is(const char *name, const char *package, const char *version)
{
	char	*p, *v;

	toolslist_split(name, &p, &v);
	assert_string_equal(p, package);
	assert_string_equal(v, version);
	free(p);
	free(v);
}

static void
test_split(void **state)
{
	(void)state;
	split_is("hello-2.12.1", "hello", "2.12.1");
	split_is("apache-httpd-2.0.48", "apache-httpd", "2.0.48");
	split_is("python3-3.11.4", "python3", "3.11.4");
	split_is("python3.11-requests-2.31.0", "python3.11-requests",
	    "2.31.0");
	split_is("fixture-tool", "fixture-tool", "");
	split_is("hello-unstable-2023-01-01", "hello-unstable", "2023-01-01");
	split_is("openjdk-17.0.7+7", "openjdk", "17.0.7+7");
	/* DrvName: the first dash not followed by a letter, digit or not. */
	split_is("foo-_bar", "foo", "_bar");
	split_is("trailing-", "trailing-", "");
	split_is("x", "x", "");
	/* An output's store path: the output is not the version. */
	split_is("curl-8.4.0-bin", "curl", "8.4.0");
	split_is("gcc-12.3.0-lib", "gcc", "12.3.0");
	split_is("foo-bin", "foo-bin", "");
}

static void
test_storepath(void **state)
{
	char	*p, *v;

	(void)state;
	unsetenv("NIX_STORE_DIR");
	assert_int_equal(toolslist_storepath(
	    "/nix/store/mgy06ss9s20iylsykal9i1ng0vprl71s-lockbump-tool-1.2/bin",
	    &p, &v), 1);
	assert_string_equal(p, "lockbump-tool");
	assert_string_equal(v, "1.2");
	free(p);
	free(v);
	assert_int_equal(toolslist_storepath(
	    "/nix/store/mgy06ss9s20iylsykal9i1ng0vprl71s-git-2.42.0", &p, &v),
	    1);
	assert_string_equal(p, "git");
	free(p);
	free(v);
	assert_int_equal(toolslist_storepath("/usr/bin", &p, &v), 0);
	assert_int_equal(toolslist_storepath("/nix/store/short-x/bin", &p,
	    &v), 0);
	assert_int_equal(toolslist_storepath(
	    "/nix/storex/mgy06ss9s20iylsykal9i1ng0vprl71s-a/bin", &p, &v), 0);
	assert_int_equal(toolslist_storepath(
	    "/nix/store/mgy06ss9s20iylsykal9i1ng0vprl71s-/bin", &p, &v), 0);
	setenv("NIX_STORE_DIR", "/gnu/store/", 1);
	assert_int_equal(toolslist_storepath(
	    "/gnu/store/mgy06ss9s20iylsykal9i1ng0vprl71s-jq-1.7/bin", &p, &v),
	    1);
	assert_string_equal(p, "jq");
	assert_string_equal(v, "1.7");
	free(p);
	free(v);
	unsetenv("NIX_STORE_DIR");
}

static void
make_tool(const char *dir, const char *name, int mode)
{
	char	*p;
	FILE	*f;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	assert_non_null(f = fopen(p, "w"));
	fclose(f);
	chmod(p, mode);
	free(p);
}

static void
test_add_path(void **state)
{
	struct toolslist		*tl;
	const struct toolslist_tool	*t;
	char				*dir = harness_tmpdir(), *a, *b, *path;

	(void)state;
	/* A pretend store: NIX_STORE_DIR is honoured. */
	setenv("NIX_STORE_DIR", dir, 1);
	assert_true(asprintf(&a, "%s/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-greet-1.2.3"
	    "/bin", dir) > 0);
	assert_true(asprintf(&b, "%s/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-lint-0.4",
	    dir) > 0);
	assert_int_equal(system(NULL) != 0, 1);
	assert_true(asprintf(&path, "mkdir -p '%s' '%s'", a, b) > 0);
	assert_int_equal(system(path), 0);
	free(path);
	make_tool(a, "greet", 0755);
	make_tool(a, "greet-data", 0644);	/* not executable */
	make_tool(a, ".hidden", 0755);
	make_tool(b, "lint", 0755);
	make_tool(b, "greet", 0755);		/* shadowed by the first */
	assert_true(asprintf(&path, "%s:/usr/bin:%s:/nonexistent", a, b) > 0);
	tl = toolslist_new();
	toolslist_add_path(tl, "default", path);
	toolslist_add_path(tl, "docs", NULL);
	assert_int_equal(toolslist_count(tl), 2);
	t = toolslist_get(tl, 0);
	assert_string_equal(t->tool, "greet");
	assert_string_equal(t->package, "greet");
	assert_string_equal(t->version, "1.2.3");
	t = toolslist_get(tl, 1);
	assert_string_equal(t->tool, "lint");
	assert_string_equal(t->package, "lint");
	assert_string_equal(t->version, "0.4");
	assert_string_equal(toolslist_shells(tl)[0], "default");
	assert_string_equal(toolslist_shells(tl)[1], "docs");
	assert_null(toolslist_shells(tl)[2]);
	toolslist_free(tl);
	unsetenv("NIX_STORE_DIR");
	free(path);
	free(a);
	free(b);
	harness_rmtree(dir);
	free(dir);
}

static void
test_file(void **state)
{
	struct toolslist	*tl, *back;
	struct buf		 b = BUF_INIT, again = BUF_INIT;
	char			*cause = NULL;

	(void)state;
	tl = toolslist_new();
	assert_int_equal(toolslist_add(tl, "web", "node", "nodejs", "20.1"),
	    0);
	assert_int_equal(toolslist_add(tl, "default", "greet", "greet", ""),
	    0);
	toolslist_add_shell(tl, "docs");
	/* Fields that would break the file are refused. */
	assert_int_equal(toolslist_add(tl, "web", "a\tb", "x", "1"), -1);
	assert_int_equal(toolslist_add(tl, "web", "ok", "x\ny", "1"), -1);
	toolslist_encode(tl, &b);
	assert_non_null(strstr(b.data, "\ndefault\tgreet\tgreet\t-\n"
	    "docs\t-\t-\t-\nweb\tnode\tnodejs\t20.1\n"));
	back = toolslist_new();
	assert_int_equal(toolslist_decode(back, b.data, b.len, &cause), 0);
	toolslist_encode(back, &again);
	assert_string_equal(b.data, again.data);
	assert_int_equal(toolslist_diff(tl, back, &again), 0);
	toolslist_free(back);

	back = toolslist_new();
	assert_int_equal(toolslist_decode(back, "a\tb\tc\n", 6, &cause), -1);
	assert_non_null(strstr(cause, "line 1"));
	free(cause);
	cause = NULL;
	assert_int_equal(toolslist_decode(back, "# c\r\n\na\t\tc\td\n", 13,
	    &cause), -1);
	assert_non_null(strstr(cause, "line 3"));
	free(cause);
	toolslist_free(back);
	toolslist_free(tl);
	buf_release(&b);
	buf_release(&again);
}

static void
test_diff(void **state)
{
	struct toolslist	*want, *got;
	struct buf		 b = BUF_INIT;

	(void)state;
	want = toolslist_new();
	got = toolslist_new();
	toolslist_add(want, "default", "greet", "greet", "1.0");
	toolslist_add(want, "default", "old", "old", "1");
	toolslist_add(want, "gone", "x", "x", "1");
	toolslist_add(got, "default", "greet", "greet", "1.1");
	toolslist_add(got, "default", "new", "newpkg", "");
	toolslist_add_shell(got, "added");
	assert_int_equal(toolslist_diff(want, got, &b), 5);
	assert_non_null(strstr(b.data, "gone: no such devShell any more"));
	assert_non_null(strstr(b.data, "added: a devShell the list does not "
	    "have"));
	assert_non_null(strstr(b.data, "default: old is gone (was old 1)"));
	assert_non_null(strstr(b.data, "default: greet is greet 1.1, the list "
	    "says greet 1.0"));
	assert_non_null(strstr(b.data, "default: new (newpkg (no version)) is "
	    "new"));
	toolslist_free(want);
	toolslist_free(got);
	buf_release(&b);
}

static void
test_devenv_path(void **state)
{
	static const char script[] =
	    "unset shellHook\n"
	    "nix_saved_PATH=\"$PATH\"\n"
	    "A='multi\nPATH='\\''fake'\\''\nline'\n"
	    "BASH='/bin/bash'\n"
	    "PATH='/nix/store/x-a/bin:/it'\\''s'\n"
	    "export PATH\n"
	    "f () \n{ \n    PATH='no'\n}\n";
	char	*p;

	(void)state;
	p = toolslist_devenv_path(script, sizeof script - 1);
	assert_non_null(p);
	assert_string_equal(p, "/nix/store/x-a/bin:/it's");
	free(p);
	assert_null(toolslist_devenv_path("A='unterminated\n", 16));
	assert_null(toolslist_devenv_path("B='x'\n", 6));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_split),
	cmocka_unit_test(test_storepath),
	cmocka_unit_test(test_add_path),
	cmocka_unit_test(test_file),
	cmocka_unit_test(test_diff),
	cmocka_unit_test(test_devenv_path),
};

HARNESS_MAIN(tests)
