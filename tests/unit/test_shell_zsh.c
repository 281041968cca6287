/*
 * Unit tests for client/shell-zsh.c: every value the exporter writes must
 * come back byte for byte from a real zsh, both as the shell sees it and
 * as a child gets it, whatever it holds (quotes, backslashes, $, backticks,
 * newlines, invalid UTF-8, 100 KB), under the user options that trip up
 * hooks, and no value can run code. The hook's plain variables hold any
 * value and are not exported; a guard test holds exactly when the
 * variable has the value. The hook text must parse, with placeholders
 * holding any path. The shared scenarios are shelltest.c's; this file
 * says how zsh runs them.
 */
#include "shelltest.h"

#define MARKER	"/tmp/hearth-unit-zsh-pwned"

/* The options users set that break careless hooks. */
#define HOSTILE	"setopt ksh_arrays no_unset warn_create_global rc_quotes " \
		"sh_word_split glob_subst"
/* How the hook applies code: in a function, under emulate. */
#define APPLY	"f() { emulate -L zsh; eval \"$(<$1)\"; }; f $1"

/* At the top level with RC_QUOTES set, or as the hook runs it. */
static const struct shelltest_way ways[] = {
	{ "", "setopt rc_quotes; eval \"$(<$1)\"" },
	{ "", HOSTILE "; " APPLY },
	{ NULL, NULL },
};

static const char *const tricky[] = {
	"", "plain", "it's", "''", "'''", "a''b", "'", "\"dq\"",
	"back\\slash\\", "$HOME ${HOME} $(touch " MARKER ") `touch "
	MARKER "` $((1+1)) =(touch " MARKER ")",
	"line1\nline2\n", "\n\n", "tab\there", "\x01\x7f\x1b[31m",
	"\xff\xfe\x80", "\x83\x9f\xa0 (zsh's Meta range)",
	"héllo wörld ☃", "-n", "*", "~", "{a,b}", "[a-z]?", "a;b&&c|d",
	"!!", "'\\''", "%s %n", "^foo", "#comment",
	NULL,
};

static const char *const guard_values[] = {
	"", "plain", "it's", "'''", "\"dq\"", "back\\slash\\",
	"$HOME $(touch " MARKER ") `touch " MARKER "`",
	"line1\nline2\n", "\xff\xfe\x80", "\x83\x9f\xa0", "-n", "!",
	"(", "=", "*", "[a-z]?", "^x", "x~y", "(#i)ABC", "a ]] b",
	"/nix/a/bin:/usr/bin:/bin",
	NULL,
};

static const struct shelltest_guard guards[] = {
	{ "V", "ABC", "abc", "ynnny" },
	{ NULL, NULL, NULL, NULL },
};

static const char *const setvar_values[] = {
	"", "it's", "line1\nline2\n", "$(touch " MARKER ")",
	"\xff\x01\x83", "export V='x'\nunset W\n",
	NULL,
};

static const struct shelltest zsh = {
	.name = "zsh",
	.cmd = "zsh -f",
	.argv0 = "zsh ",
	.marker = MARKER,
	.ways = ways,
	.hook_apply = "setopt no_unset warn_create_global rc_quotes; " APPLY,
	/* The guards run in a function of the hook's, eval "$G". */
	.guard_script = HOSTILE " nocaseglob extended_glob; " APPLY "; "
	    "g() { emulate -L zsh; local t; for t in \"$G\" \"$H\" \"$U\"; do "
	    "eval \"$t\" && printf y || printf n; done; unset %s; "
	    "for t in \"$G\" \"$U\"; do eval \"$t\" && printf y || printf n; "
	    "done; }; g",
	.print_name_1 = "printf %s \"${NAME_1-unset}\"",
	.unset_code = "unset NAME_1\n",
	.joined_guard = "[[ ${+A} == 1 && $A == '1' ]] && [[ ${+B} == 0 ]]",
	.large = "ab'\\\n$`\"\xff\x83\x01",
	.tricky = tricky,
	.guard_values = guard_values,
	.guards = guards,
	.setvar_values = setvar_values,
};

/* The hook text parses and holds any path in its placeholders. */
static void
test_hook(void **state)
{
	struct buf	 hook = BUF_INIT;
	char		*file, *got;
	size_t		 len;

	(void)state;
	shelltest_hook(&zsh, "/tmp/it's a \"dir\" $HOME `x`/gen", &hook);
	assert_non_null(strstr(shelltest_shell(&zsh)->hook, "add-zsh-hook precmd"));
	assert_non_null(strstr(shelltest_shell(&zsh)->hook, "add-zsh-hook chpwd"));
	/* mise's deadlock: never expand $parameters in a hook. */
	assert_null(strstr(shelltest_shell(&zsh)->hook, "parameters"));
	file = shelltest_write_code(hook.data, hook.len);
	/* Installed twice, under hostile options, it is there once. */
	got = shelltest_run(&zsh, "", "setopt ksh_arrays no_unset "
	    "warn_create_global rc_quotes; eval \"$(<$1)\"; eval \"$(<$1)\"; "
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
	SHELLTEST(tricky_values, &zsh),
	SHELLTEST(random_values, &zsh),
	SHELLTEST(large_value, &zsh),
	SHELLTEST(unset, &zsh),
	SHELLTEST(guard, &zsh),
	SHELLTEST(setvar, &zsh),
	cmocka_unit_test(test_hook),
};

HARNESS_MAIN(tests)
