/*
 * Unit tests for daemon/attrs.c: reading a structured-attrs shell's files
 * out of its dev environment's JSON, writing them beside the snapshot's GC
 * root, and telling a snapshot whose copies are gone.
 */
#include <sys/stat.h>

#include "harness.h"

#include "hearth/buf.h"
#include "hearth/envdiff.h"
#include "hearth/nix.h"
#include "hearth/path.h"
#include "attrs.h"

/* The shape `nix print-dev-env` 2.26 and 2.34 leave in a -env store path. */
static const char env_json[] =
    "{\n"
    "  \"bashFunctions\": {\n"
    "    \"f\": \" \\n    echo \\\"}{\\\" [\\n\"\n"
    "  },\n"
    "  \"variables\": {\n"
    "    \"BASHOPTS\": {\"type\": \"unknown\"},\n"
    "    \"NIX_BUILD_CORES\": {\"type\": \"exported\", \"value\": \"2\"},\n"
    "    \"list\": {\"type\": \"array\", \"value\": [\"one\" , \"two\" ]},\n"
    "    \"n\": 12.5e3, \"t\": true, \"z\": null\n"
    "  },\n"
    "  \"structuredAttrs\": {\n"
    "    \".attrs.sh\": \"declare name='x'\\ndeclare -a l=('a' 'b' )\",\n"
    "    \".attrs.json\": \"{\\\"name\\\":\\\"x\\\",\\\"s\\\":\\\"\\\\u00e9\\\"}\"\n"
    "  }\n"
    "}";

static void
test_parse(void **state)
{
	struct buf	 sh = BUF_INIT, js = BUF_INIT;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(attrs_parse(env_json, strlen(env_json), &sh, &js,
	    &cause), 1);
	assert_string_equal(sh.data, "declare name='x'\ndeclare -a l=('a' 'b' )");
	assert_string_equal(js.data,
	    "{\"name\":\"x\",\"s\":\"\\u00e9\"}");
	buf_release(&sh);
	buf_release(&js);
}

static void
test_escapes(void **state)
{
	const char	 j[] = "{\"structuredAttrs\": {\".attrs.json\": "
	    "\"\\u00e9 \\ud83d\\ude00 \\/ \\b\\f\\r\\t \\ud800x\", "
	    "\"other\": [1, {\"a\": \"}\"}], \".attrs.sh\": \"raw\x01\tbytes\xff\"}}";
	const char	 nul[] = "{\"structuredAttrs\":{\".attrs.sh\":"
	    "\"a\\u0000b\",\".attrs.json\":\"{}\"}}";
	struct buf	 sh = BUF_INIT, js = BUF_INIT;
	char		*cause = NULL;

	(void)state;
	assert_int_equal(attrs_parse(j, strlen(j), &sh, &js, &cause), 1);
	assert_string_equal(js.data,
	    "\xc3\xa9 \xf0\x9f\x98\x80 / \b\f\r\t \xed\xa0\x80x");
	assert_string_equal(sh.data, "raw\x01\tbytes\xff");
	/* \u0000 is a byte of the file: the length says so. */
	assert_int_equal(attrs_parse(nul, strlen(nul), &sh, &js, &cause), 1);
	assert_int_equal(sh.len, 3);
	assert_memory_equal(sh.data, "a\0b", 3);
	buf_release(&sh);
	buf_release(&js);
}

static void
test_none_or_bad(void **state)
{
	static const char *const none[] = {
		"{}",
		" { \"variables\": {\"a\": {\"type\": \"var\", \"value\": \"\"}} }",
		"{\"structuredAttrsX\": {\".attrs.sh\": \"a\", "
		    "\".attrs.json\": \"b\"}}",
		NULL,
	};
	static const char *const bad[] = {
		"",
		"[]",
		"{\"a\": 1",
		"{\"a\" 1}",
		"{\"a\": 1 \"b\": 2}",
		"{\"a\": \"unterminated}",
		"{\"a\": ]}",
		"{\"structuredAttrs\": {\".attrs.sh\": \"only\"}}",
		"{\"structuredAttrs\": {\".attrs.sh\": \"\\x\", "
		    "\".attrs.json\": \"b\"}}",
		"{\"structuredAttrs\": {\".attrs.sh\": \"\\u12\"}}",
		"{\"structuredAttrs\": {\".attrs.sh\": 1, \".attrs.json\": \"b\"}}",
		"{\"structuredAttrs\": {\".attrs.sh\": \"a\", "
		    "\".attrs.json\": \"b\"",
		NULL,
	};
	struct buf	 sh = BUF_INIT, js = BUF_INIT;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; none[i] != NULL; i++) {
		cause = NULL;
		assert_int_equal(attrs_parse(none[i], strlen(none[i]), &sh,
		    &js, &cause), 0);
		assert_null(cause);
	}
	for (i = 0; bad[i] != NULL; i++) {
		cause = NULL;
		assert_int_equal(attrs_parse(bad[i], strlen(bad[i]), &sh, &js,
		    &cause), -1);
		assert_non_null(cause);
		assert_int_equal(sh.len + js.len, 0);
		free(cause);
	}
	buf_release(&sh);
	buf_release(&js);
}

static void
test_dir(void **state)
{
	char	*d;

	(void)state;
	d = attrs_dir("/s/attrs", "/s/profiles/shell-3-2-link");
	assert_string_equal(d, "/s/attrs/shell-3-2-link");
	free(d);
	assert_null(attrs_dir("/s/attrs", "/s/profiles/"));
	assert_null(attrs_dir("/s/attrs", "/s/.."));
	assert_null(attrs_dir("/s/attrs", ""));
}

/* A file's contents, whole. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*s;
	long	 n;

	assert_non_null(f = fopen(path, "r"));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = calloc(1, n + 1);
	assert_int_equal(fread(s, 1, n, f), n);
	fclose(f);
	return (s);
}

static void
test_save_alive_remove(void **state)
{
	struct envdiff	 d;
	struct buf	 enc = BUF_INIT, other = BUF_INIT;
	struct stat	 st;
	char		*top, *root, *env, *none, *dir, *p, *s, *cause = NULL;
	FILE		*f;

	(void)state;
	top = harness_tmpdir();
	root = path_join(top, "attrs");
	env = path_join(top, "x-shell-env");
	none = path_join(top, "y-shell-env");
	assert_non_null(f = fopen(env, "w"));
	fputs(env_json, f);
	fclose(f);
	assert_non_null(f = fopen(none, "w"));
	fputs("{\"variables\": {}}", f);
	fclose(f);

	dir = attrs_dir(root, "/p/shell-1-4-link");
	assert_int_equal(attrs_save(dir, none, &cause), 0);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(attrs_save(dir, "/nonexistent", &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	assert_int_equal(attrs_save(dir, env, &cause), 1);
	/* Again, as a later snapshot with the same root does. */
	assert_int_equal(attrs_save(dir, env, &cause), 1);
	p = path_join(dir, ".attrs.sh");
	s = slurp(p);
	assert_string_equal(s, "declare name='x'\ndeclare -a l=('a' 'b' )");
	free(s);

	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "NIX_ATTRS_SH_FILE", p);
	envdiff_add(&d, ENVDIFF_SET, "ELSEWHERE", "/gone");
	envdiff_encode(&d, &enc);
	envdiff_release(&d);
	/* A value outside hearth's copies is not hearth's to judge. */
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "NIX_ATTRS_JSON_FILE",
	    "/tmp/nix-dev-env-1-0/.attrs.json");
	envdiff_encode(&d, &other);
	envdiff_release(&d);
	assert_int_equal(attrs_alive(root, enc.data, enc.len), 1);
	assert_int_equal(attrs_alive(root, other.data, other.len), 1);

	attrs_remove(dir);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(attrs_alive(root, enc.data, enc.len), 0);
	assert_int_equal(attrs_alive(root, other.data, other.len), 1);
	/* Removing what is gone is quiet. */
	attrs_remove(dir);

	buf_release(&enc);
	buf_release(&other);
	free(p);
	free(dir);
	free(env);
	free(none);
	free(root);
	harness_rmtree(top);
	free(top);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_parse),
	cmocka_unit_test(test_escapes),
	cmocka_unit_test(test_none_or_bad),
	cmocka_unit_test(test_dir),
	cmocka_unit_test(test_save_alive_remove),
};

HARNESS_MAIN(tests)
