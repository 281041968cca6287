/*
 * Unit tests for client/shell-bash.c: every value the exporter writes must
 * come back byte for byte from a real bash, whatever it holds (quotes,
 * backslashes, $, backticks, newlines, invalid UTF-8, 100 KB), and no value
 * can run code.
 */
#include <sys/wait.h>

#include "harness.h"

#include "hearth.h"

/* Run the code in bash and return what `printf %s "$V"` prints. */
static char *
bash_roundtrip(const char *code, size_t *outlen)
{
	char		 path[] = "/tmp/hearth-unit-code.XXXXXX";
	struct buf	 out = BUF_INIT;
	char		 chunk[65536], *cmd;
	FILE		*f;
	size_t		 n;
	int		 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, code, strlen(code)) == (ssize_t)strlen(code));
	close(fd);
	assert_true(asprintf(&cmd, "bash --noprofile --norc -c "
	    "'eval \"$(cat %s)\"; printf %%s \"$V\"'", path) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	free(cmd);
	return (buf_detach(&out, outlen));
}

static void
check_value(const char *value)
{
	struct buf	 code = BUF_INIT;
	char		*got;
	size_t		 len;

	shell_bash.set(&code, "V", value);
	got = bash_roundtrip(code.data, &len);
	assert_int_equal(len, strlen(value));
	assert_memory_equal(got, value, len);
	free(got);
	buf_release(&code);
}

static void
test_tricky_values(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "''", "\"dq\"", "back\\slash\\",
		"$HOME ${HOME} $(touch /tmp/hearth-pwned) `id`",
		"line1\nline2\n", "\n\n", "tab\there", "\x01\x7f", "\xff\xfe\x80",
		"héllo wörld", "-n", "*", "a;b&&c|d", "!!", "'\\''",
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof *values; i++)
		check_value(values[i]);
	assert_int_equal(access("/tmp/hearth-pwned", F_OK), -1);
}

static void
test_random_values(void **state)
{
	char	 v[301];
	int	 i, j, len;

	(void)state;
	srandom(20261125);
	for (i = 0; i < 60; i++) {
		len = random() % 300;
		for (j = 0; j < len; j++)
			v[j] = (char)(1 + random() % 255);
		v[len] = '\0';
		check_value(v);
	}
}

static void
test_large_value(void **state)
{
	char	*v;
	size_t	 i, n = 100 * 1024;

	(void)state;
	v = malloc(n + 1);
	for (i = 0; i < n; i++)
		v[i] = "ab'\\\n$`"[i % 7];
	v[n] = '\0';
	check_value(v);
	free(v);
}

static void
test_unset(void **state)
{
	struct buf	 code = BUF_INIT;

	(void)state;
	shell_bash.set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "unset NAME_1\n");
	buf_release(&code);
}

static void
test_shell_table(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_ptr_equal(shell_find("bash", &cause), &shell_bash);
	assert_null(shell_find("tcsh", &cause));
	assert_non_null(strstr(cause, "bash"));
	free(cause);
	assert_non_null(strstr(shell_bash.hook, "@HEARTH@ export bash"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_large_value),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_shell_table),
};

HARNESS_MAIN(tests)
