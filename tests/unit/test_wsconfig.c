/*
 * Unit tests for common/wsconfig.c: .hearth.ini as the client reads it,
 * [fallback] and the shell mapping rules, and that its [shells] agrees
 * with the daemon's reader (daemon/config.c) entry for entry.
 */
#include "harness.h"

#include "hearth/wsconfig.h"
#include "hearthd.h"

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

/* Both readers on the same files: the same mapping for every path. */
static void
test_agrees_with_daemon(void **state)
{
	static const char *files[] = {
		"[shells]\nservices/api = api\n./services/api/legacy/ = old\n"
		    "tools = web\n",
		"[shells]\n. = base\nsub = x\n",
		"[shells]\n/abs/path/ = a ; c\n#c\n  spaced/dir  =  s  \n",
		"[shells]\na = 1\n  continued\n",
		"[shells]\n../outside = x\n",
		"[shells]\nnovalue =\n",
		"[fallback]\nx = ../y\n[shells]\na = b\n",
	};
	static const char *rels[] = {
		"", "services", "services/api", "services/api/x",
		"services/api/legacy/y", "tools", "toolshed", "sub/q", "abs",
		"abs/path/z", "spaced/dir", "a", "a/b", NULL,
	};
	struct wsconfig	*w;
	struct config	*c;
	const char	*x, *y;
	char		*dir = harness_tmpdir(), *p;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < sizeof files / sizeof *files; i++) {
		p = write_ini(dir, files[i]);
		w = wsconfig_load(p);
		c = config_load(p);
		assert_int_equal(wsconfig_error(w) == NULL,
		    config_error(c) == NULL);
		for (j = 0; rels[j] != NULL && config_error(c) == NULL; j++) {
			x = wsconfig_mapped(w, rels[j]);
			y = config_shell_for(c, rels[j]);
			if (x == NULL || y == NULL)
				assert_ptr_equal(x, y);
			else
				assert_string_equal(x, y);
		}
		config_free(c);
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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_fallback),
	cmocka_unit_test(test_fallback_missing_and_bad),
	cmocka_unit_test(test_shell_for),
	cmocka_unit_test(test_agrees_with_daemon),
	cmocka_unit_test(test_path),
};

HARNESS_MAIN(tests)
