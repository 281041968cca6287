/*
 * Unit tests for client/shell-zsh.c: every value the exporter writes must
 * come back byte for byte from a real zsh, both as the shell sees it and
 * as a child gets it, whatever it holds (quotes, backslashes, $, backticks,
 * newlines, invalid UTF-8, 100 KB), under the user options that trip up
 * hooks, and no value can run code. The hook's plain variables hold any
 * value and are not exported; a guard test holds exactly when the
 * variable has the value. The hook text must parse, with placeholders
 * holding any path.
 */
#include <sys/wait.h>

#include "harness.h"

#include "hearth.h"

#define MARKER	"/tmp/hearth-unit-zsh-pwned"

/*
 * Where the code runs: at the top level of a zsh with RC_QUOTES set, or,
 * as the hook runs it, in a function under `emulate -L zsh` in a shell
 * with the options users set that break careless hooks.
 */
static const char *const contexts[] = {
	"setopt rc_quotes; eval \"$(<$1)\"",
	"setopt ksh_arrays no_unset warn_create_global rc_quotes sh_word_split "
	    "glob_subst; f() { emulate -L zsh; eval \"$(<$1)\"; }; f $1",
};

/* Run zsh -f -c SCRIPT FILE and return its output. */
static char *
zsh_run(const char *script, const char *file, size_t *outlen)
{
	struct buf	 out = BUF_INIT;
	char		 chunk[65536], *cmd;
	FILE		*f;
	size_t		 n;

	assert_true(asprintf(&cmd, "zsh -f -c '%s' zsh %s", script,
	    file) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	free(cmd);
	return (buf_detach(&out, outlen));
}

/* Write code to a new temporary file; the caller unlinks it. */
static char *
write_code(const char *code, size_t len)
{
	char	 path[] = "/tmp/hearth-unit-code.XXXXXX";
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, code, len) == (ssize_t)len);
	close(fd);
	return (strdup(path));
}

/*
 * Set V through the exporter in each context; what the shell prints and
 * what a child gets must both be the value.
 */
static void
check_value(const char *value)
{
	struct buf	 code = BUF_INIT;
	char		*file, *got, *script, *nul;
	size_t		 i, len, vlen = strlen(value);

	shell_zsh.set(&code, "V", value);
	file = write_code(code.data, code.len);
	for (i = 0; i < sizeof contexts / sizeof *contexts; i++) {
		assert_true(asprintf(&script, "%s; printf %%s \"$V\"; "
		    "printf \"\\0\"; printenv V", contexts[i]) > 0);
		got = zsh_run(script, file, &len);
		assert_non_null(nul = memchr(got, '\0', len));
		assert_int_equal(nul - got, vlen);
		assert_memory_equal(got, value, vlen);
		/* printenv adds a newline. */
		assert_int_equal(len - vlen - 1, vlen + 1);
		assert_memory_equal(nul + 1, value, vlen);
		free(script);
		free(got);
	}
	unlink(file);
	free(file);
	buf_release(&code);
}

static void
test_tricky_values(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "''", "'''", "a''b", "'", "\"dq\"",
		"back\\slash\\", "$HOME ${HOME} $(touch " MARKER ") `touch "
		MARKER "` $((1+1)) =(touch " MARKER ")",
		"line1\nline2\n", "\n\n", "tab\there", "\x01\x7f\x1b[31m",
		"\xff\xfe\x80", "\x83\x9f\xa0 (zsh's Meta range)",
		"héllo wörld ☃", "-n", "*", "~", "{a,b}", "[a-z]?", "a;b&&c|d",
		"!!", "'\\''", "%s %n", "^foo", "#comment",
	};
	size_t	 i;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++)
		check_value(values[i]);
	assert_int_equal(access(MARKER, F_OK), -1);
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
		v[i] = "ab'\\\n$`\"\xff\x83\x01"[i % 11];
	v[n] = '\0';
	check_value(v);
	free(v);
}

static void
test_unset(void **state)
{
	struct buf	 code = BUF_INIT;
	char		*file, *got;
	size_t		 len;

	(void)state;
	shell_zsh.set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "unset NAME_1\n");
	file = write_code(code.data, code.len);
	got = zsh_run("export NAME_1=x; f() { emulate -L zsh; "
	    "eval \"$(<$1)\"; }; f $1; printf %s \"${NAME_1-unset}\"", file,
	    &len);
	assert_string_equal(got, "unset");
	unlink(file);
	free(file);
	free(got);
	buf_release(&code);
}

/*
 * Set V to value; G, the guard that V has it; H, that V has other; U,
 * that V is unset. Under the user's options, the hook's function prints y
 * or n for each test (eval "$G"), then again with V unset.
 */
#define GUARD_SCRIPT \
	"setopt ksh_arrays no_unset warn_create_global rc_quotes " \
	"sh_word_split glob_subst nocaseglob extended_glob; " \
	"f() { emulate -L zsh; eval \"$(<$1)\"; }; f $1; " \
	"g() { emulate -L zsh; local t; for t in \"$G\" \"$H\" \"$U\"; do " \
	"eval \"$t\" && printf y || printf n; done; unset V; " \
	"for t in \"$G\" \"$U\"; do eval \"$t\" && printf y || printf n; " \
	"done; }; g"

static void
check_guard(const char *value, const char *other)
{
	struct buf	 code = BUF_INIT, g = BUF_INIT;
	char		*file, *got;
	size_t		 len;

	shell_zsh.set(&code, "V", value);
	shell_zsh.guard(&g, "V", value);
	shell_zsh.setvar(&code, "G", g.data);
	buf_reset(&g);
	shell_zsh.guard(&g, "V", other);
	shell_zsh.setvar(&code, "H", g.data);
	buf_reset(&g);
	shell_zsh.guard(&g, "V", NULL);
	shell_zsh.setvar(&code, "U", g.data);
	file = write_code(code.data, code.len);
	got = zsh_run(GUARD_SCRIPT, file, &len);
	assert_string_equal(got, "ynnny");
	free(got);
	unlink(file);
	free(file);
	buf_release(&g);
	buf_release(&code);
}

static void
test_guard(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "'''", "\"dq\"", "back\\slash\\",
		"$HOME $(touch " MARKER ") `touch " MARKER "`",
		"line1\nline2\n", "\xff\xfe\x80", "\x83\x9f\xa0", "-n", "!",
		"(", "=", "*", "[a-z]?", "^x", "x~y", "(#i)ABC", "a ]] b",
		"/nix/a/bin:/usr/bin:/bin",
	};
	struct buf	 g = BUF_INIT;
	char		 other[64];
	size_t		 i;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		snprintf(other, sizeof other, "%sx", values[i]);
		check_guard(values[i], other);
		if (*values[i] != '\0')
			check_guard(values[i], "");
	}
	check_guard("ABC", "abc");
	assert_int_equal(access(MARKER, F_OK), -1);

	/* Several tests, joined: all must hold. */
	shell_zsh.guard(&g, "A", "1");
	shell_zsh.guard(&g, "B", NULL);
	assert_string_equal(g.data, "[[ ${+A} == 1 && $A == '1' ]] && "
	    "[[ ${+B} == 0 ]]");
	buf_release(&g);
}

/*
 * A plain variable, set as the hook does (in a function, under emulate):
 * global, any value back exactly, and not exported.
 */
static void
test_setvar(void **state)
{
	static const char *values[] = {
		"", "it's", "line1\nline2\n", "$(touch " MARKER ")",
		"\xff\x01\x83", "export V='x'\nunset W\n",
	};
	struct buf	 code = BUF_INIT;
	char		*file, *got;
	size_t		 i, len;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		buf_reset(&code);
		shell_zsh.setvar(&code, "_hearth_undo", values[i]);
		file = write_code(code.data, code.len);
		got = zsh_run("setopt no_unset warn_create_global rc_quotes; "
		    "f() { emulate -L zsh; eval \"$(<$1)\"; }; f $1; "
		    "printf %s \"$_hearth_undo\"; printenv _hearth_undo || "
		    "printf \"\\0\"", file, &len);
		assert_int_equal(len, strlen(values[i]) + 1);
		assert_memory_equal(got, values[i], len - 1);
		assert_int_equal(got[len - 1], '\0');
		free(got);
		unlink(file);
		free(file);
	}
	assert_int_equal(access(MARKER, F_OK), -1);
	buf_release(&code);
}

/* The hook text parses and holds any path in its placeholders. */
static void
test_hook(void **state)
{
	struct buf	 hook = BUF_INIT;
	const char	*path = "/tmp/it's a \"dir\" $HOME `x`/gen";
	const char	*p, *at;
	char		*file, *got, *cause = NULL;
	size_t		 len;

	(void)state;
	assert_ptr_equal(shell_find("zsh", &cause), &shell_zsh);
	assert_non_null(strstr(shell_zsh.hook, "@HEARTH@ export zsh"));
	assert_non_null(strstr(shell_zsh.hook, "add-zsh-hook precmd"));
	assert_non_null(strstr(shell_zsh.hook, "add-zsh-hook chpwd"));
	/* mise's deadlock: never expand $parameters in a hook. */
	assert_null(strstr(shell_zsh.hook, "parameters"));
	for (p = shell_zsh.hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&hook, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0 ||
		    strncmp(at, "@GENFILE@", 9) == 0) {
			shell_zsh.quote(&hook, path);
			at += at[1] == 'H' ? 8 : 9;
		} else
			buf_addc(&hook, *at++);
	}
	buf_adds(&hook, p);
	file = write_code(hook.data, hook.len);
	/* Installed twice, under hostile options, it is there once. */
	got = zsh_run("setopt ksh_arrays no_unset warn_create_global "
	    "rc_quotes; eval \"$(<$1)\"; eval \"$(<$1)\"; "
	    "printf %s \"$_hearth_genfile|${precmd_functions[*]}|"
	    "${chpwd_functions[*]}\"", file, &len);
	assert_string_equal(got, "/tmp/it's a \"dir\" $HOME `x`/gen|"
	    "_hearth_precmd|_hearth_chpwd");
	unlink(file);
	free(file);
	free(got);
	buf_release(&hook);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_large_value),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_guard),
	cmocka_unit_test(test_setvar),
	cmocka_unit_test(test_hook),
};

HARNESS_MAIN(tests)
