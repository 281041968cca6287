/*
 * Unit tests for client/shell-fish.c: every value the exporter writes must
 * come back byte for byte from a real fish, both as the shell sees it and
 * as a child gets it, whatever it holds (quotes, backslashes, control
 * bytes, invalid UTF-8, 100 KB) and in any locale; no value can run code;
 * path variables become lists that fish's command lookup uses while a
 * child still gets the exact bytes; erasing never touches a universal.
 * The hook's plain variables hold any value and are not exported; a guard
 * test holds exactly when the variable has the value a child would get.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include "harness.h"

#include "hearth.h"

#define MARKER	"/tmp/hearth-unit-fish-pwned"

/*
 * How the hook applies the code: the client's output collected whole,
 * then evaluated inside a function.
 */
#define APPLY	"function f; set -l c (string collect < $argv[1]); " \
		"eval $c; end; f $argv[1]"

/* Run `FISH -c SCRIPT FILE`, FISH being fish and its options. */
static char *
fish_run(const char *fish, const char *script, const char *file,
    size_t *outlen)
{
	struct buf	 out = BUF_INIT;
	char		 chunk[65536], *cmd;
	FILE		*f;
	size_t		 n;

	assert_true(asprintf(&cmd, "%s -c '%s' %s", fish, script, file) > 0);
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
 * Set NAME through the exporter; what fish prints for "$NAME" and what a
 * child gets must both be the value.
 */
static void
check_var(const char *fish, const char *name, const char *value)
{
	struct buf	 code = BUF_INIT;
	char		*file, *got, *script, *nul;
	size_t		 len, vlen = strlen(value);

	shell_fish.set(&code, name, value);
	file = write_code(code.data, code.len);
	assert_true(asprintf(&script, APPLY "; printf %%s \"$%s\"; "
	    "printf \"\\0\"; /usr/bin/printenv %s", name, name) > 0);
	got = fish_run(fish, script, file, &len);
	assert_non_null(nul = memchr(got, '\0', len));
	assert_int_equal(nul - got, vlen);
	assert_memory_equal(got, value, vlen);
	/* printenv adds a newline. */
	assert_int_equal(len - vlen - 1, vlen + 1);
	assert_memory_equal(nul + 1, value, vlen);
	free(script);
	free(got);
	unlink(file);
	free(file);
	buf_release(&code);
}

static void
check_value(const char *value)
{
	check_var("fish -N", "V", value);
}

static void
test_tricky_values(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "''", "\\'", "'\\", "\"dq\"",
		"back\\slash\\", "\\\\", "\\x41 \\X41 \\n \\u00e9",
		"$HOME ${HOME} $(touch " MARKER ") (touch " MARKER ") `touch "
		MARKER "`", "line1\nline2\n", "\n\n", "tab\there",
		"\r\n", "\x01\x7f\x1b[31m", "\xff\xfe\x80", "héllo wörld ☃ 日本",
		"\xef\x98\x80 (fish's private byte range)", "-n", "-e", "--",
		"*", "**", "?", "~", "~root", "{a,b}", "a;b&&c|d", "%self",
		"#comment", "a:b::c:", ":", "end",
	};
	size_t	 i;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		check_var("fish -N", "V", values[i]);
		check_var("LC_ALL=C fish -N", "V", values[i]);
	}
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
		v[i] = "ab'\\\n$`\"\xff\xc3\xa9\x01("[i % 13];
	v[n] = '\0';
	check_value(v);
	free(v);
}

/*
 * A path variable (any name ending in PATH) becomes a list fish itself
 * uses, and a child gets the same bytes. MANPATH keeps its empty entries,
 * which mean "the system's default" to man.
 */
static void
test_path_variables(void **state)
{
	struct buf	 code = BUF_INIT;
	char		*dir, *bin, *tool, *file, *got, *path;
	size_t		 len;
	FILE		*f;

	(void)state;
	check_var("fish -N", "MANPATH", ":/a b:/c::");
	check_var("fish -N", "CDPATH", "/x:/y z");
	check_var("fish -N", "FOO_PATH", "a::b:");
	check_var("fish -N", "XDG_DATA_DIRS", "/a:/b");

	dir = harness_tmpdir();
	assert_true(asprintf(&bin, "%s/b'in dir", dir) > 0);
	assert_int_equal(mkdir(bin, 0700), 0);
	assert_true(asprintf(&tool, "%s/hearth-unit-tool", bin) > 0);
	assert_non_null(f = fopen(tool, "w"));
	fputs("#!/bin/sh\necho tool ran\n", f);
	fclose(f);
	assert_int_equal(chmod(tool, 0755), 0);
	assert_true(asprintf(&path, "%s:/usr/bin:/bin", bin) > 0);
	check_var("fish -N", "PATH", path);

	shell_fish.set(&code, "PATH", path);
	file = write_code(code.data, code.len);
	got = fish_run("fish -N", APPLY "; count $PATH; hearth-unit-tool", file,
	    &len);
	assert_string_equal(got, "3\ntool ran\n");
	free(got);
	unlink(file);
	free(file);

	/* fish's own rewrite: an empty PATH entry becomes ".". */
	buf_reset(&code);
	shell_fish.set(&code, "PATH", "/usr/bin::/bin");
	file = write_code(code.data, code.len);
	got = fish_run("fish -N", APPLY "; /usr/bin/printenv PATH", file, &len);
	assert_string_equal(got, "/usr/bin:.:/bin\n");
	free(got);
	unlink(file);
	free(file);

	harness_rmtree(dir);
	free(dir);
	free(bin);
	free(tool);
	free(path);
	buf_release(&code);
}

/*
 * Unset erases the global only: a universal of that name (which `set -e`
 * alone would erase for every session) shows through again, unchanged.
 */
static void
test_unset(void **state)
{
	struct buf	 code = BUF_INIT;
	char		*dir, *fish, *file, *got;
	size_t		 len;

	(void)state;
	shell_fish.set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "set -e -g NAME_1\n");
	file = write_code(code.data, code.len);
	got = fish_run("NAME_1=x fish -N", APPLY "; printf %s \"$NAME_1\"; "
	    "set -q NAME_1; or printf unset", file, &len);
	assert_string_equal(got, "unset");
	free(got);
	unlink(file);
	free(file);

	/* Erases in a row are one command, whichever names are set. */
	shell_fish.set(&code, "NAME_2", NULL);
	shell_fish.set(&code, "NAME_3", NULL);
	assert_string_equal(code.data, "set -e -g NAME_1 NAME_2 NAME_3\n");
	shell_fish.set(&code, "NAME_4", "v");
	shell_fish.set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "set -e -g NAME_1 NAME_2 NAME_3\n"
	    "set -gx NAME_4 'v'\nset -e -g NAME_1\n");
	file = write_code(code.data, code.len);
	got = fish_run("NAME_1=x NAME_3=z fish -N", APPLY "; printf %s "
	    "\"$NAME_1$NAME_2$NAME_3$NAME_4\"; set -q NAME_1; or set -q NAME_2; "
	    "or set -q NAME_3; or printf unset", file, &len);
	assert_string_equal(got, "vunset");
	free(got);

	unlink(file);
	free(file);

	/* Universal variables need a config directory, and no -N. */
	dir = harness_tmpdir();
	assert_true(asprintf(&fish, "XDG_CONFIG_HOME=%s XDG_DATA_HOME=%s "
	    "fish", dir, dir) > 0);
	buf_reset(&code);
	shell_fish.set(&code, "UNI", "dev");
	shell_fish.set(&code, "UNI", NULL);
	shell_fish.set(&code, "OTHER", NULL);
	file = write_code(code.data, code.len);
	got = fish_run(fish, "set -Ux UNI mine; " APPLY "; printf %s, $UNI; "
	    "/usr/bin/printenv UNI", file, &len);
	assert_string_equal(got, "mine,mine\n");
	free(got);
	got = fish_run(fish, "printf %s $UNI", file, &len);
	assert_string_equal(got, "mine");
	free(got);
	harness_rmtree(dir);
	free(dir);
	free(fish);
	unlink(file);
	free(file);
	buf_release(&code);
}

/*
 * Set NAME to value; G, the guard that NAME has it; H, that it has other;
 * U, that it is unset. As the hook does, in a function, print y or n for
 * each test (eval $G), then again with NAME erased.
 */
static void
check_guard(const char *name, const char *value, const char *other,
    const char *want)
{
	struct buf	 code = BUF_INIT, g = BUF_INIT;
	char		*file, *got, *script;
	size_t		 len;

	shell_fish.set(&code, name, value);
	shell_fish.guard(&g, name, value);
	shell_fish.setvar(&code, "G", g.data);
	buf_reset(&g);
	shell_fish.guard(&g, name, other);
	shell_fish.setvar(&code, "H", g.data);
	buf_reset(&g);
	shell_fish.guard(&g, name, NULL);
	shell_fish.setvar(&code, "U", g.data);
	file = write_code(code.data, code.len);
	assert_true(asprintf(&script, APPLY "; function t; for g in $G $H $U; "
	    "eval $g; and printf y; or printf n; end; set -e -g %s; "
	    "for g in $G $U; eval $g; and printf y; or printf n; end; end; t",
	    name) > 0);
	got = fish_run("fish -N", script, file, &len);
	assert_string_equal(got, want);
	free(got);
	free(script);
	unlink(file);
	free(file);
	buf_release(&g);
	buf_release(&code);
}

static void
test_guard(void **state)
{
	static const char *values[] = {
		"", "plain", "it's", "\\'", "\"dq\"", "back\\slash\\",
		"$HOME (touch " MARKER ") $(touch " MARKER ")",
		"line1\nline2\n", "\xff\xfe\x80", "\xef\x98\x80", "-n", "!",
		"(", "=", "*", "{a,b}", "a ] b", "end",
		"/nix/a/bin:/usr/bin:/bin",
	};
	struct buf	 g = BUF_INIT;
	char		 other[64];
	size_t		 i;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		snprintf(other, sizeof other, "%sx", values[i]);
		check_guard("V", values[i], other, "ynnny");
		if (*values[i] != '\0')
			check_guard("V", values[i], "", "ynnny");
	}
	assert_int_equal(access(MARKER, F_OK), -1);
	/* Path variables: "$NAME" joins their lists with ':'. */
	check_guard("PATH", "/nix/a/bin:/usr/bin:/bin", "/nix/a/bin", "ynnny");
	check_guard("FOO_PATH", "a::b:", "a:b", "ynnny");
	check_guard("XDG_DATA_DIRS", "/a:/b", "/a /b", "ynnny");
	/*
	 * fish rewrote this one ("." for the empty entry): the test for the
	 * value set fails (the hook runs the client), that for what a child
	 * gets holds.
	 */
	check_guard("PATH", "/usr/bin::/bin", "/usr/bin:.:/bin", "nynny");

	/* Several tests, joined: all must hold. */
	shell_fish.guard(&g, "A", "1");
	shell_fish.guard(&g, "B", NULL);
	assert_string_equal(g.data, "set -q A; and test \"$A\" = '1'; and "
	    "not set -q B");
	buf_release(&g);
}

/* A plain variable: global, any value back exactly, and not exported. */
static void
test_setvar(void **state)
{
	static const char *values[] = {
		"", "it's", "line1\nline2\n", "(touch " MARKER ")",
		"\xff\x01", "set -gx V 'x'\nset -e -g W\n",
	};
	struct buf	 code = BUF_INIT;
	char		*file, *got;
	size_t		 i, len;

	(void)state;
	unlink(MARKER);
	for (i = 0; i < sizeof values / sizeof *values; i++) {
		buf_reset(&code);
		shell_fish.setvar(&code, "_hearth_undo", values[i]);
		file = write_code(code.data, code.len);
		got = fish_run("fish -N", APPLY "; printf %s \"$_hearth_undo\"; "
		    "/usr/bin/printenv _hearth_undo; or printf \"\\0\"", file,
		    &len);
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
	const char	*path = "/tmp/it's a \"dir\" $HOME \\ (x)\n\xff/gen";
	const char	*p, *at;
	char		*file, *got, *want, *cause = NULL;
	size_t		 len;

	(void)state;
	assert_ptr_equal(shell_find("fish", &cause), &shell_fish);
	assert_non_null(strstr(shell_fish.hook, "@HEARTH@ export fish"));
	assert_non_null(strstr(shell_fish.hook, "--on-event fish_prompt"));
	assert_non_null(strstr(shell_fish.hook, "--on-variable PWD"));
	for (p = shell_fish.hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&hook, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0 ||
		    strncmp(at, "@GENFILE@", 9) == 0) {
			shell_fish.quote(&hook, path);
			at += at[1] == 'H' ? 8 : 9;
		} else
			buf_addc(&hook, *at++);
	}
	buf_adds(&hook, p);
	file = write_code(hook.data, hook.len);
	/* Not interactive: nothing at all. */
	got = fish_run("fish -N", "source $argv[1]; functions --handlers | "
	    "string match \"*_hearth*\"; set -q _hearth_genfile; "
	    "or printf none", file, &len);
	assert_string_equal(got, "none");
	free(got);
	/* Sourced twice: one handler each, and the path exact. */
	got = fish_run("fish -N -i </dev/null", "source $argv[1]; "
	    "source $argv[1]; printf %s\\n $_hearth_genfile; "
	    "functions --handlers | string match \"*_hearth*\"", file, &len);
	assert_true(asprintf(&want, "%s\nPWD _hearth_on_pwd\n"
	    "fish_prompt _hearth_on_prompt\n", path) > 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(got, want, len);
	free(want);
	free(got);
	unlink(file);
	free(file);
	buf_release(&hook);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_large_value),
	cmocka_unit_test(test_path_variables),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_guard),
	cmocka_unit_test(test_setvar),
	cmocka_unit_test(test_hook),
};

HARNESS_MAIN(tests)
