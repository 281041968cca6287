/*
 * Unit tests for client/shell-bash.c: every value the exporter writes must
 * come back byte for byte from a real bash, both as the shell sees it and
 * as a child gets it, whatever it holds (quotes, backslashes, $, backticks,
 * newlines, invalid UTF-8, 100 KB), and no value can run code. The hook's
 * plain variables hold any value and are not exported; a guard test holds
 * exactly when the variable has the value, under the user's nocasematch
 * too. The scenarios are shelltest.c's; this file says how bash runs them.
 */
#include "shelltest.h"

#include "hearth/shellname.h"

#define MARKER	"/tmp/hearth-pwned"

static const struct shelltest_way ways[] = {
	{ "", "eval \"$(cat \"$1\")\"" },
	{ NULL, NULL },
};

static const char *const tricky[] = {
	"", "plain", "it's", "''", "\"dq\"", "back\\slash\\",
	"$HOME ${HOME} $(touch " MARKER ") `id`",
	"line1\nline2\n", "\n\n", "tab\there", "\x01\x7f", "\xff\xfe\x80",
	"héllo wörld", "-n", "*", "a;b&&c|d", "!!", "'\\''",
	NULL,
};

static const char *const guard_values[] = {
	"", "plain", "it's", "\"dq\"", "back\\slash\\",
	"$HOME $(touch " MARKER ") `id`", "line1\nline2\n",
	"\xff\xfe\x80", "-n", "!", "(", "=", "*", "[a-z]?", "@(x|y)",
	"a ] b", "/nix/a/bin:/usr/bin:/bin",
	NULL,
};

/* nocasematch would make [[ == ]] match these. */
static const struct shelltest_guard guards[] = {
	{ "V", "ABC", "abc", "ynnny" },
	{ "V", "/Nix/A:/bin", "/nix/a:/bin", "ynnny" },
	{ NULL, NULL, NULL, NULL },
};

static const char *const setvar_values[] = {
	"", "it's", "line1\nline2\n", "$(touch " MARKER ")",
	"\xff\x01", "export V='x'\nunset W\n",
	NULL,
};

static const struct shelltest bash = {
	.name = "bash",
	.cmd = "bash --noprofile --norc",
	.argv0 = "bash ",
	.marker = MARKER,
	.ways = ways,
	.hook_apply = "f() { eval \"$(cat \"$1\")\"; }; f \"$1\"",
	/* The guards run in the hook's own words, eval "$G". */
	.guard_script = "shopt -s nocasematch extglob; "
	    "f() { eval \"$(cat \"$1\")\"; }; f \"$1\"; "
	    "for g in \"$G\" \"$H\" \"$U\"; do eval \"$g\" && printf y || "
	    "printf n; done; unset %s; for g in \"$G\" \"$U\"; do "
	    "eval \"$g\" && printf y || printf n; done",
	.print_name_1 = "printf %s \"${NAME_1-unset}\"",
	.unset_code = "unset -v NAME_1\n",
	.joined_guard = "[ \"${A+set}\" = set ] && [ \"$A\" = '1' ] "
	    "&& [ \"${B+set}\" != set ]",
	.large = "ab'\\\n$`",
	.tricky = tricky,
	.guard_values = guard_values,
	.guards = guards,
	.setvar_values = setvar_values,
};

static void
test_shell_table(void **state)
{
	struct buf	 hook = BUF_INIT;
	char		*cause = NULL;

	(void)state;
	shelltest_hook(&bash, "/tmp/gen", &hook);
	assert_null(shell_find("ksh", &cause));
	assert_non_null(strstr(cause, "bash"));
	free(cause);
	buf_release(&hook);
}

/*
 * An exported function of the dev shell (its key and its definition as
 * the environment holds it): defined and exported, so a child bash has
 * it too; removed by set(key, NULL); only bash takes one.
 */
static void
test_function(void **state)
{
	const struct shell	*sh = shelltest_shell(&bash);
	struct buf		 code = BUF_INIT;
	char			*file, *out;
	size_t			 len;

	(void)state;
	sh->set(&code, "BASH_FUNC_hello_dev%%",
	    "() { \n    echo \"hi 'there'\" $1\n}\n");
	buf_adds(&code, "hello_dev a\nbash -c 'hello_dev b'\n");
	sh->set(&code, "BASH_FUNC_hello_dev%%", NULL);
	buf_adds(&code, "type hello_dev >/dev/null 2>&1 || echo gone\n");
	file = shelltest_write_code(code.data, code.len);
	out = shelltest_run(&bash, "", "eval \"$(cat \"$1\")\"", file, &len);
	assert_string_equal(out, "hi 'there' a\nhi 'there' b\ngone\n");
	free(out);
	unlink(file);
	free(file);
	buf_release(&code);
	assert_true(shellname_settable("bash", "BASH_FUNC_hello_dev%%"));
	assert_false(shellname_settable("zsh", "BASH_FUNC_hello_dev%%"));
	assert_false(shellname_settable("fish", "BASH_FUNC_hello_dev%%"));
	assert_false(shellname_settable("bash", "BASH_FUNC_a-b%%"));
}

static const struct CMUnitTest tests[] = {
	SHELLTEST(tricky_values, &bash),
	SHELLTEST(random_values, &bash),
	SHELLTEST(large_value, &bash),
	SHELLTEST(unset, &bash),
	SHELLTEST(guard, &bash),
	SHELLTEST(setvar, &bash),
	cmocka_unit_test(test_shell_table),
	cmocka_unit_test(test_function),
};

HARNESS_MAIN(tests)
