/*
 * Unit tests for common/wsconfig.c, .hearth.ini as the daemon and the
 * client read it: the [shells] mapping, [fallback], the shell rules and
 * what inih does with odd lines.
 */
#include "harness.h"

#include "hearth/wsconfig.h"

static char *
write_ini(const char *dir, const char *text)
{
	char	*p;
	FILE	*f;

	assert_true(asprintf(&p, "%s/.hearth.ini", dir) > 0);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	return (p);
}

static void
test_fallback(void **state)
{
	struct wsconfig	 *c;
	const char	**names;
	char		 *dir = harness_tmpdir(), *p;

	(void)state;
	p = write_ini(dir,
	    "; a workspace\n"
	    "[shells]\n"
	    "services/api = api\n"
	    "[fallback]\n"
	    "api = ./services/api/SETUP.md ; inline comment\n"
	    "default = docs/setup.md\n"
	    "web = /docs/web.md\n"
	    "[other]\n"
	    "x = y\n");
	c = wsconfig_load(p);
	assert_null(wsconfig_error(c));
	assert_null(wsconfig_fallback_error(c));
	assert_string_equal(wsconfig_fallback(c, "api"),
	    "services/api/SETUP.md");
	assert_string_equal(wsconfig_fallback(c, "web"), "docs/web.md");
	/* Any other shell gets default's. */
	assert_string_equal(wsconfig_fallback(c, "default"), "docs/setup.md");
	assert_string_equal(wsconfig_fallback(c, "lint"), "docs/setup.md");
	names = wsconfig_names(c);
	assert_string_equal(names[0], "api");
	assert_string_equal(names[1], "default");
	assert_string_equal(names[2], "web");
	assert_null(names[3]);
	free(names);
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

static void
test_fallback_missing_and_bad(void **state)
{
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;

	(void)state;
	c = wsconfig_load("/nonexistent/.hearth.ini");
	assert_null(wsconfig_error(c));
	assert_null(wsconfig_fallback(c, "default"));
	wsconfig_free(c);

	/* No default: other shells get nothing. */
	p = write_ini(dir, "[fallback]\napi = a.md\n");
	c = wsconfig_load(p);
	assert_string_equal(wsconfig_fallback(c, "api"), "a.md");
	assert_null(wsconfig_fallback(c, "web"));
	wsconfig_free(c);
	free(p);

	/* A bad [fallback] entry spoils [fallback] only. */
	p = write_ini(dir, "[fallback]\napi = ../../etc/passwd\n"
	    "web =\ndefault = ok.md\n[shells]\na = b\n");
	c = wsconfig_load(p);
	assert_null(wsconfig_error(c));
	assert_non_null(wsconfig_fallback_error(c));
	assert_non_null(strstr(wsconfig_fallback_error(c), "api"));
	assert_string_equal(wsconfig_fallback(c, "api"), "ok.md");
	assert_string_equal(wsconfig_mapped(c, "a/x"), "b");
	wsconfig_free(c);
	free(p);

	/* A syntax error spoils the file, as for the daemon. */
	p = write_ini(dir, "[fallback\ndefault = x.md\n");
	c = wsconfig_load(p);
	assert_non_null(wsconfig_error(c));
	assert_non_null(strstr(wsconfig_error(c), ".hearth.ini line 1"));
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

static void
test_shell_for(void **state)
{
	char		*names[] = { "default", "api", "web", NULL };
	char		*nodefault[] = { "api", NULL };
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;

	(void)state;
	p = write_ini(dir, "[shells]\nops = api\nservices/web/api = web\n");
	c = wsconfig_load(p);
	/* 1. the mapping, 2. the nearest directory named like a shell. */
	assert_string_equal(wsconfig_shell_for(c, "ops/x", names), "api");
	assert_string_equal(wsconfig_shell_for(c, "services/web/api/src",
	    names), "web");
	assert_string_equal(wsconfig_shell_for(c, "services/api/src", names),
	    "api");
	assert_string_equal(wsconfig_shell_for(c, "web/api/x", names), "api");
	/* 3. default, when there is one. */
	assert_string_equal(wsconfig_shell_for(c, "docs", names), "default");
	assert_string_equal(wsconfig_shell_for(c, "", names), "default");
	assert_null(wsconfig_shell_for(c, "docs", nodefault));
	/* Names not known: default. */
	assert_string_equal(wsconfig_shell_for(c, "web", NULL), "default");
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

/*
 * inih's reading of edge cases, which the daemon's mapping follows too:
 * inline comments, a leading slash, an indented line (a continuation of
 * the value before it, not a new entry), and [fallback] errors that leave
 * [shells] usable.
 */
static void
test_inih_details(void **state)
{
	static const struct {
		const char	*file;
		const char	*rel;
		const char	*want;
	} cases[] = {
		{ "[shells]\n/abs/path/ = a ; c\n#c\n  spaced/dir  =  s  \n",
		    "abs/path/z", "a" },
		{ "[shells]\n/abs/path/ = a ; c\n#c\n  spaced/dir  =  s  \n",
		    "abs", NULL },
		{ "[shells]\n/abs/path/ = a ; c\n#c\n  spaced/dir  =  s  \n",
		    "spaced/dir", NULL },
		{ "[shells]\na = 1\n  continued\n", "a/b", "1" },
		{ "[fallback]\nx = ../y\n[shells]\na = b\n", "a", "b" },
	};
	struct wsconfig	*w;
	const char	*x;
	char		*dir = harness_tmpdir(), *p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		p = write_ini(dir, cases[i].file);
		w = wsconfig_load(p);
		assert_null(wsconfig_error(w));
		x = wsconfig_mapped(w, cases[i].rel);
		if (cases[i].want == NULL)
			assert_null(x);
		else
			assert_string_equal(x, cases[i].want);
		wsconfig_free(w);
		free(p);
	}
	harness_rmtree(dir);
	free(dir);
}

/*
 * Each error names its own line, and the first error in the file is the
 * one told: a syntax error before a bad [shells] entry is not reported
 * at the entry's line, and a [fallback] error has its line too.
 */
static void
test_error_lines(void **state)
{
	static const struct {
		const char	*file;
		const char	*error;
		const char	*fallback;
	} cases[] = {
		{ "x\n[shells]\n../a = b\n",
		    ".hearth.ini line 1: syntax error", NULL },
		{ "[shells]\n../a = b\nx\n", ".hearth.ini line 2: [shells] "
		    "../a: not a path inside the workspace", NULL },
		{ "; c\n\n[shells]\nok = a\n  more\nnot = \n",
		    ".hearth.ini line 6: [shells] not: no shell name", NULL },
		{ "[fallback]\n\nx =\n", NULL,
		    ".hearth.ini line 3: [fallback] x: no file named" },
	};
	struct wsconfig	*w;
	char		*dir = harness_tmpdir(), *p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		p = write_ini(dir, cases[i].file);
		w = wsconfig_load(p);
		if (cases[i].error == NULL)
			assert_null(wsconfig_error(w));
		else
			assert_string_equal(wsconfig_error(w), cases[i].error);
		if (cases[i].fallback == NULL)
			assert_null(wsconfig_fallback_error(w));
		else
			assert_string_equal(wsconfig_fallback_error(w),
			    cases[i].fallback);
		wsconfig_free(w);
		free(p);
	}
	harness_rmtree(dir);
	free(dir);
}

static void
test_path(void **state)
{
	char	*p;

	(void)state;
	assert_string_equal(p = wsconfig_path("./a/b/"), "a/b");
	free(p);
	assert_string_equal(p = wsconfig_path("."), "");
	free(p);
	assert_string_equal(p = wsconfig_path("a/..b/c"), "a/..b/c");
	free(p);
	assert_null(wsconfig_path("a/../../b"));
	assert_null(wsconfig_path(".."));
}

static void
test_shells_mapping(void **state)
{
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;

	(void)state;
	p = write_ini(dir,
	    "; comment\n"
	    "[fallback]\n"
	    "default = docs/setup.md\n"
	    "[shells]\n"
	    "services/api = api\n"
	    "./services/api/legacy/ = old\n"
	    "tools = web\n");
	c = wsconfig_load(p);
	assert_null(wsconfig_error(c));
	assert_string_equal(wsconfig_mapped(c, "services/api"), "api");
	assert_string_equal(wsconfig_mapped(c, "services/api/src/x"), "api");
	/* The longest mapped path wins. */
	assert_string_equal(wsconfig_mapped(c, "services/api/legacy/y"),
	    "old");
	assert_string_equal(wsconfig_mapped(c, "tools"), "web");
	/* Whole components only: "toolshed" is not under "tools". */
	assert_null(wsconfig_mapped(c, "toolshed"));
	assert_null(wsconfig_mapped(c, ""));
	assert_null(wsconfig_mapped(c, "services"));
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

static void
test_root_and_missing(void **state)
{
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;

	(void)state;
	c = wsconfig_load("/nonexistent/.hearth.ini");
	assert_null(wsconfig_error(c));
	assert_null(wsconfig_mapped(c, "anything"));
	wsconfig_free(c);
	p = write_ini(dir, "[shells]\n. = base\n");
	c = wsconfig_load(p);
	assert_string_equal(wsconfig_mapped(c, ""), "base");
	assert_string_equal(wsconfig_mapped(c, "a/b"), "base");
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

static void
test_shells_errors(void **state)
{
	static const char *bad[] = {
		"[shells]\n../outside = x\n",
		"[shells]\na/../../b = x\n",
		"[shells]\nnovalue =\n",
		"[shells\nbroken\n",
	};
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		p = write_ini(dir, bad[i]);
		c = wsconfig_load(p);
		assert_non_null(wsconfig_error(c));
		assert_non_null(strstr(wsconfig_error(c), ".hearth.ini line"));
		wsconfig_free(c);
		free(p);
	}
	harness_rmtree(dir);
	free(dir);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_shells_mapping),
	cmocka_unit_test(test_root_and_missing),
	cmocka_unit_test(test_shells_errors),
	cmocka_unit_test(test_fallback),
	cmocka_unit_test(test_fallback_missing_and_bad),
	cmocka_unit_test(test_shell_for),
	cmocka_unit_test(test_inih_details),
	cmocka_unit_test(test_path),
	cmocka_unit_test(test_error_lines),
};

HARNESS_MAIN(tests)
