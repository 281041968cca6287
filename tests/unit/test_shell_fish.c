/*
 * Unit tests for client/shell-fish.c: every value the exporter writes must
 * come back byte for byte from a real fish, both as the shell sees it and
 * as a child gets it, whatever it holds (quotes, backslashes, control
 * bytes, invalid UTF-8, 100 KB) and in any locale; no value can run code;
 * path variables become lists that fish's command lookup uses while a
 * child still gets the exact bytes; erasing never touches a universal.
 * The hook's plain variables hold any value and are not exported; a guard
 * test holds exactly when the variable has the value a child would get.
 * The shared scenarios are shelltest.c's; this file says how fish runs
 * them, and tests what only fish has: path lists, universals, its hook.
 */
#include <sys/stat.h>

#include "shelltest.h"

#define MARKER	"/tmp/hearth-unit-fish-pwned"

/*
 * How the hook applies the code: the client's output collected whole,
 * then evaluated inside a function.
 */
#define APPLY	"function f; set -l c (string collect < $argv[1]); " \
		"eval $c; end; f $argv[1]"

/* In any locale. */
static const struct shelltest_way ways[] = {
	{ "", APPLY },
	{ "LC_ALL=C ", APPLY },
	{ NULL, NULL },
};

static const char *const tricky[] = {
	"", "plain", "it's", "''", "\\'", "'\\", "\"dq\"",
	"back\\slash\\", "\\\\", "\\x41 \\X41 \\n \\u00e9",
	"$HOME ${HOME} $(touch " MARKER ") (touch " MARKER ") `touch "
	MARKER "`", "line1\nline2\n", "\n\n", "tab\there",
	"\r\n", "\x01\x7f\x1b[31m", "\xff\xfe\x80", "héllo wörld ☃ 日本",
	"\xef\x98\x80 (fish's private byte range)", "-n", "-e", "--",
	"*", "**", "?", "~", "~root", "{a,b}", "a;b&&c|d", "%self",
	"#comment", "a:b::c:", ":", "end",
	NULL,
};

static const char *const guard_values[] = {
	"", "plain", "it's", "\\'", "\"dq\"", "back\\slash\\",
	"$HOME (touch " MARKER ") $(touch " MARKER ")",
	"line1\nline2\n", "\xff\xfe\x80", "\xef\x98\x80", "-n", "!",
	"(", "=", "*", "{a,b}", "a ] b", "end",
	"/nix/a/bin:/usr/bin:/bin",
	NULL,
};

static const struct shelltest_guard guards[] = {
	/* Path variables: "$NAME" joins their lists with ':'. */
	{ "PATH", "/nix/a/bin:/usr/bin:/bin", "/nix/a/bin", "ynnny" },
	{ "FOO_PATH", "a::b:", "a:b", "ynnny" },
	{ "XDG_DATA_DIRS", "/a:/b", "/a /b", "ynnny" },
	/*
	 * fish rewrote this one ("." for the empty entry): the test for the
	 * value set fails (the hook runs the client), that for what a child
	 * gets holds.
	 */
	{ "PATH", "/usr/bin::/bin", "/usr/bin:.:/bin", "nynny" },
	{ NULL, NULL, NULL, NULL },
};

static const char *const setvar_values[] = {
	"", "it's", "line1\nline2\n", "(touch " MARKER ")",
	"\xff\x01", "set -gx V 'x'\nset -e -g W\n",
	NULL,
};

static const struct shelltest fish = {
	.name = "fish",
	.cmd = "fish -N",
	.argv0 = "",
	.marker = MARKER,
	.ways = ways,
	.hook_apply = APPLY,
	/* As the hook does, in a function: eval $G. */
	.guard_script = APPLY "; function t; for g in $G $H $U; "
	    "eval $g; and printf y; or printf n; end; set -e -g %s; "
	    "for g in $G $U; eval $g; and printf y; or printf n; end; end; t",
	.print_name_1 = "printf %s \"$NAME_1\"; set -q NAME_1; or printf unset",
	.unset_code = "set -e -g NAME_1\n",
	.joined_guard = "set -q A; and test \"$A\" = '1'; and not set -q B",
	.large = "ab'\\\n$`\"\xff\xc3\xa9\x01(",
	.tricky = tricky,
	.guard_values = guard_values,
	.guards = guards,
	.setvar_values = setvar_values,
};

/* Run `FISH -c SCRIPT FILE`, FISH being fish and its options. */
static char *
fish_run(const char *fish, const char *script, const char *file,
    size_t *outlen)
{
	char	*cmd, *got;

	assert_true(asprintf(&cmd, "%s -c '%s' %s", fish, script, file) > 0);
	got = shelltest_popen(cmd, outlen);
	free(cmd);
	return (got);
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
	shelltest_check_var(&fish, "MANPATH", ":/a b:/c::");
	shelltest_check_var(&fish, "CDPATH", "/x:/y z");
	shelltest_check_var(&fish, "FOO_PATH", "a::b:");
	shelltest_check_var(&fish, "XDG_DATA_DIRS", "/a:/b");

	dir = harness_tmpdir();
	assert_true(asprintf(&bin, "%s/b'in dir", dir) > 0);
	assert_int_equal(mkdir(bin, 0700), 0);
	assert_true(asprintf(&tool, "%s/hearth-unit-tool", bin) > 0);
	assert_non_null(f = fopen(tool, "w"));
	fputs("#!/bin/sh\necho tool ran\n", f);
	fclose(f);
	assert_int_equal(chmod(tool, 0755), 0);
	assert_true(asprintf(&path, "%s:/usr/bin:/bin", bin) > 0);
	shelltest_check_var(&fish, "PATH", path);

	shelltest_shell(&fish)->set(&code, "PATH", path);
	file = shelltest_write_code(code.data, code.len);
	got = fish_run("fish -N", APPLY "; count $PATH; hearth-unit-tool", file,
	    &len);
	assert_string_equal(got, "3\ntool ran\n");
	free(got);
	unlink(file);
	free(file);

	/* fish's own rewrite: an empty PATH entry becomes ".". */
	buf_reset(&code);
	shelltest_shell(&fish)->set(&code, "PATH", "/usr/bin::/bin");
	file = shelltest_write_code(code.data, code.len);
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
 * The shared unset, then fish's own: erases in a row batch, and erasing
 * touches the global only, so a universal of that name (which `set -e`
 * alone would erase for every session) shows through again, unchanged.
 */
static void
test_unset(void **state)
{
	const struct shell	*sh = shelltest_shell(*state);
	struct buf		 code = BUF_INIT;
	char			*dir, *fish, *file, *got;
	size_t			 len;

	shelltest_unset(state);

	/* Erases in a row are one command, whichever names are set. */
	sh->set(&code, "NAME_1", NULL);
	sh->set(&code, "NAME_2", NULL);
	sh->set(&code, "NAME_3", NULL);
	assert_string_equal(code.data, "set -e -g NAME_1 NAME_2 NAME_3\n");
	sh->set(&code, "NAME_4", "v");
	sh->set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "set -e -g NAME_1 NAME_2 NAME_3\n"
	    "set -gx NAME_4 'v'\nset -e -g NAME_1\n");
	file = shelltest_write_code(code.data, code.len);
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
	sh->set(&code, "UNI", "dev");
	sh->set(&code, "UNI", NULL);
	sh->set(&code, "OTHER", NULL);
	file = shelltest_write_code(code.data, code.len);
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

/* The hook text parses and holds any path in its placeholders. */
static void
test_hook(void **state)
{
	struct buf	 hook = BUF_INIT;
	const char	*path = "/tmp/it's a \"dir\" $HOME \\ (x)\n\xff/gen";
	char		*file, *got, *want;
	size_t		 len;

	(void)state;
	shelltest_hook(&fish, path, &hook);
	assert_non_null(strstr(shelltest_shell(&fish)->hook, "--on-event fish_prompt"));
	assert_non_null(strstr(shelltest_shell(&fish)->hook, "--on-variable PWD"));
	file = shelltest_write_code(hook.data, hook.len);
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
	SHELLTEST(tricky_values, &fish),
	SHELLTEST(random_values, &fish),
	SHELLTEST(large_value, &fish),
	cmocka_unit_test(test_path_variables),
	cmocka_unit_test_prestate(test_unset, (void *)&fish),
	SHELLTEST(guard, &fish),
	SHELLTEST(setvar, &fish),
	cmocka_unit_test(test_hook),
};

HARNESS_MAIN(tests)
