/*
 * Unit tests for the [shells] mapping of .hearth.ini as the daemon uses
 * it (common/wsconfig.c; test_wsconfig.c covers the rest).
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
test_mapping(void **state)
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
test_errors(void **state)
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
	cmocka_unit_test(test_mapping),
	cmocka_unit_test(test_root_and_missing),
	cmocka_unit_test(test_errors),
};

HARNESS_MAIN(tests)
