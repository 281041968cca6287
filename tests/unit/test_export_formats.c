/*
 * Unit tests for the output formats of `hearth export` (client/shell-json.c,
 * client/shell-gha.c) and the UTF-8 check they share (client/shell.c): a
 * real JSON decoder (python3's, strict) gets back every value byte for
 * byte, control bytes included; a byte that is not UTF-8 becomes U+FFFD
 * and never breaks the document; nothing changed prints nothing, as
 * direnv does; a gha value cannot end its own heredoc.
 */
#include "harness.h"

#include <unistd.h>

#include "hearth/shellname.h"
#include "hearth.h"

static const struct shell *
format(const char *name)
{
	const struct shell	*sh;
	char			*cause = NULL;

	assert_non_null(sh = shell_find_export(name, &cause));
	assert_null(sh->hook);
	return (sh);
}

/* What python3's strict decoder makes of code: V's value, or "null". */
static char *
json_decode(const struct buf *code, size_t *len)
{
	char	 path[] = "/tmp/hearth-json.XXXXXX", *cmd, *out;
	FILE	*f;
	int	 fd;

	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, code->data, code->len), (ssize_t)code->len);
	close(fd);
	assert_true(asprintf(&cmd, "python3 -c 'import json, sys\n"
	    "def once(p):\n"
	    "    assert len(p) == len(dict(p))\n"
	    "    return dict(p)\n"
	    "d = json.loads(open(sys.argv[1], \"rb\").read()"
	    ".decode(\"utf-8\", \"strict\"), object_pairs_hook=once)\n"
	    "v = d[\"V\"]\n"
	    "sys.stdout.buffer.write(b\"null\" if v is None else "
	    "v.encode(\"utf-8\"))' %s", path) > 0);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(out = calloc(1, 1 << 20));
	*len = fread(out, 1, (1 << 20) - 1, f);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	free(cmd);
	return (out);
}

static void
test_json_values(void **state)
{
	static const char *const values[] = {
		"", "plain", "\"dq\" 'sq'", "back\\slash\\", "line1\nline2\n",
		"tab\there\r", "\x01\x02\x1b[31m\x7f", "héllo ☃ 日本",
		"\xf0\x9f\x98\x80", "\xe2\x80\xa8 \xe2\x80\xa9 \xc2\x85", "</script>",
		"$(touch /tmp/x) `id`", NULL,
	};
	const struct shell	*sh = format("json");
	struct buf		 b = BUF_INIT;
	char			*got;
	size_t			 i, len;

	(void)state;
	for (i = 0; values[i] != NULL; i++) {
		sh->set(&b, "A", "first");
		sh->set(&b, "V", values[i]);
		sh->set(&b, "B", NULL);
		sh->finish(&b);
		got = json_decode(&b, &len);
		assert_int_equal(len, strlen(values[i]));
		assert_memory_equal(got, values[i], len);
		free(got);
		buf_reset(&b);
	}
	sh->set(&b, "V", NULL);
	sh->finish(&b);
	got = json_decode(&b, &len);
	assert_string_equal(got, "null");
	free(got);
	buf_release(&b);
}

/* Invalid UTF-8 from the caller's environment: U+FFFD, a valid document. */
static void
test_json_invalid(void **state)
{
	const struct shell	*sh = format("json");
	struct buf		 b = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&b, "V", "a\xff" "b\xc0\xaf" "c\xe2\x82");
	sh->finish(&b);
	got = json_decode(&b, &len);
	assert_string_equal(got, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd"
	    "c\xef\xbf\xbd\xef\xbf\xbd");
	free(got);
	buf_release(&b);
	assert_false(shellname_holds("json", "a\xff"));
	assert_true(shellname_holds("json", "héllo"));
	assert_true(shellname_holds("bash", "a\xff"));
}

/* Nothing to change: nothing printed, as `direnv export json` does. */
static void
test_json_empty(void **state)
{
	const struct shell	*sh = format("json");
	struct buf		 b = BUF_INIT;

	(void)state;
	sh->finish(&b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(shell_utf8_valid(""));
	assert_true(shell_utf8_valid("ascii \x7f"));
	assert_true(shell_utf8_valid("\xc2\x80 \xe2\x82\xac \xf0\x9f\x98\x80"));
	assert_true(shell_utf8_valid("\xf4\x8f\xbf\xbf"));	/* U+10FFFF */
	assert_false(shell_utf8_valid("\x80"));
	assert_false(shell_utf8_valid("\xc0\xaf"));		/* overlong / */
	assert_false(shell_utf8_valid("\xe0\x80\xaf"));
	assert_false(shell_utf8_valid("\xed\xa0\x80"));		/* surrogate */
	assert_false(shell_utf8_valid("\xf4\x90\x80\x80"));	/* > U+10FFFF */
	assert_false(shell_utf8_valid("\xe2\x82"));		/* cut short */
	assert_false(shell_utf8_valid("\xf8\x88\x80\x80\x80"));
	assert_int_equal(shell_utf8_char("\xe2\x82\xac!"), 3);
	assert_int_equal(shell_utf8_char(""), 0);
}

/* NAME<<D, the value's lines, D: D random and not in the value. */
static void
test_gha(void **state)
{
	const struct shell	*sh = format("gha");
	struct buf		 b = BUF_INIT;
	const char		*value = "a\nghadelimiter_\n\nb";
	char			*d1, *d2, *nl;

	(void)state;
	sh->set(&b, "V", NULL);
	assert_int_equal(b.len, 0);
	sh->set(&b, "V", value);
	assert_true(strncmp(b.data, "V<<ghadelimiter_", 16) == 0);
	nl = strchr(b.data, '\n');
	d1 = strndup(b.data + 3, nl - b.data - 3);
	assert_int_equal(strlen(d1), 13 + 32);
	assert_null(strstr(value, d1));
	assert_true(strncmp(nl + 1, value, strlen(value)) == 0);
	nl += 1 + strlen(value);
	assert_int_equal(*nl, '\n');
	assert_true(strncmp(nl + 1, d1, strlen(d1)) == 0);
	assert_string_equal(nl + 1 + strlen(d1), "\n");
	buf_reset(&b);
	sh->set(&b, "V", "x");
	d2 = strndup(b.data + 3, strchr(b.data, '\n') - b.data - 3);
	assert_string_not_equal(d1, d2);
	free(d1);
	free(d2);
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_json_values),
	cmocka_unit_test(test_json_invalid),
	cmocka_unit_test(test_json_empty),
	cmocka_unit_test(test_utf8),
	cmocka_unit_test(test_gha),
};

HARNESS_MAIN(tests)
