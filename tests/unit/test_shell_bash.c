/*
 * Unit tests for client/shell-bash.c: every value the exporter writes must
 * come back byte for byte from a real bash, whatever it holds (quotes,
 * backslashes, $, backticks, newlines, invalid UTF-8, 100 KB), and no value
 * can run code. The hook's plain variables hold any value and are not
 * exported; a guard test holds exactly when the variable has the value,
 * under the user's nocasematch too.
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

/* Run SCRIPT in bash with $1 naming a file that holds code; its output. */
static char *
bash_script(const char *script, const char *code)
{
	char		 path[] = "/tmp/hearth-unit-code.XXXXXX";
	struct buf	 out = BUF_INIT;
	char		 chunk[4096], *cmd;
	FILE		*f;
	size_t		 n;
	int		 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, code, strlen(code)) == (ssize_t)strlen(code));
	close(fd);
	assert_true(asprintf(&cmd, "bash --noprofile --norc -c '%s' bash %s",
	    script, path) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(path);
	free(cmd);
	return (buf_detach(&out, NULL));
}

/*
 * Set V to value; G, the guard that V has it; H, that V has other; U,
 * that V is unset. The script prints y or n for each test, in the hook's
 * own words (eval "$G"), then again with V unset.
 */
#define GUARD_SCRIPT \
	"shopt -s nocasematch extglob; f() { eval \"$(cat \"$1\")\"; }; f \"$1\"; " \
	"for g in \"$G\" \"$H\" \"$U\"; do eval \"$g\" && printf y || " \
	"printf n; done; unset V; for g in \"$G\" \"$U\"; do " \
	"eval \"$g\" && printf y || printf n; done"

static void
check_guard(const char *value, const char *other)
{
	struct buf	 code = BUF_INIT, g = BUF_INIT;
	char		*got;

	shell_bash.set(&code, "V", value);
	shell_bash.guard(&g, "V", value);
	shell_bash.setvar(&code, "G", g.data);
	buf_reset(&g);
	shell_bash.guard(&g, "V", other);
	shell_bash.setvar(&code, "H", g.data);
	buf_reset(&g);
	shell_bash.guard(&g, "V", NULL);
	shell_bash.setvar(&code, "U", g.data);
	got = bash_script(GUARD_SCRIPT, code.data);
	assert_string_equal(got, "ynnny");
	free(got);
	buf_release(&g);
	buf_release(&code);
}

static void
test_guard(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "\"dq\"", "back\\slash\\",
		"$HOME $(touch /tmp/hearth-pwned) `id`", "line1\nline2\n",
		"\xff\xfe\x80", "-n", "!", "(", "=", "*", "[a-z]?", "@(x|y)",
		"a ] b", "/nix/a/bin:/usr/bin:/bin",
	};
	struct buf	 g = BUF_INIT;
	char		 other[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		snprintf(other, sizeof other, "%sx", values[i]);
		check_guard(values[i], other);
		if (*values[i] != '\0')
			check_guard(values[i], "");
	}
	/* nocasematch would make [[ == ]] match this. */
	check_guard("ABC", "abc");
	check_guard("/Nix/A:/bin", "/nix/a:/bin");
	assert_int_equal(access("/tmp/hearth-pwned", F_OK), -1);

	/* Several tests, joined: all must hold. */
	shell_bash.guard(&g, "A", "1");
	shell_bash.guard(&g, "B", NULL);
	assert_string_equal(g.data, "[ \"${A+set}\" = set ] && [ \"$A\" = '1' ] "
	    "&& [ \"${B+set}\" != set ]");
	buf_release(&g);
}

/* A plain variable: any value back exactly, and not exported. */
static void
test_setvar(void **state)
{
	static const char *values[] = {
		"", "it's", "line1\nline2\n", "$(touch /tmp/hearth-pwned)",
		"\xff\x01", "export V='x'\nunset W\n",
	};
	struct buf	 code = BUF_INIT;
	char		*got;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		buf_reset(&code);
		shell_bash.setvar(&code, "_hearth_undo", values[i]);
		got = bash_script("f() { eval \"$(cat \"$1\")\"; }; f \"$1\"; "
		    "printf %s \"$_hearth_undo\"; printenv _hearth_undo || "
		    "printf \"\\0\"", code.data);
		assert_int_equal(strlen(got), strlen(values[i]));
		assert_string_equal(got, values[i]);
		free(got);
	}
	assert_int_equal(access("/tmp/hearth-pwned", F_OK), -1);
	buf_release(&code);
}

static void
test_unset(void **state)
{
	struct buf	 code = BUF_INIT;

	(void)state;
	shell_bash.set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "unset -v NAME_1\n");
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
	cmocka_unit_test(test_guard),
	cmocka_unit_test(test_setvar),
	cmocka_unit_test(test_shell_table),
};

HARNESS_MAIN(tests)
