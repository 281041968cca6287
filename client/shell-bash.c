/*
 * bash: its table entry (client/shell.c): the hook text, the quoting of
 * exported values, its rc files and the names it reserves.
 *
 * Values are single-quoted, with each ' written as '\'' — inside single
 * quotes bash takes every byte literally (newlines, backslashes, $, `,
 * invalid UTF-8), so any value without NUL round-trips exactly.
 *
 * A guard test is `[`, not `[[ == ]]`, which the user's nocasematch would
 * make match without regard to case.
 */
#include <string.h>

#include "hearth.h"

extern const char hook_bash[];

static const char *const bash_rcfiles[] = {
	"~/.bashrc", "~/.bash_profile", "~/.bash_login", "~/.profile", NULL
};

/* Completion's and bash's own (envdiff leaves out its other internals). */
static const char *const bash_state_prefixes[] = { "BASH_", "COMP_", NULL };

/* bash's read-only variables; the rest of its own are excluded for all. */
static const char *const bash_reserved[] = {
	"BASHPID", "BASH_ARGC", "BASH_ARGV", "BASH_LINENO", "BASH_SOURCE",
	"BASH_VERSINFO", "EUID", "FUNCNAME", "GROUPS", "PPID", "SHELLOPTS",
	"UID", NULL
};

/*
 * An exported function (BASH_FUNC_NAME%%, its definition as the
 * environment holds it): defined and exported, or removed.
 */
static void
bash_set_function(struct buf *b, const char *key, const char *value)
{
	size_t	 pl = sizeof "BASH_FUNC_" - 1;
	int	 n = (int)(strlen(key) - pl - 2);

	if (value == NULL) {
		buf_addf(b, "unset -f %.*s\n", n, key + pl);
		return;
	}
	buf_addf(b, "eval '%.*s '", n, key + pl);
	shell_quote_sh(b, value);
	buf_addf(b, "\nexport -f %.*s\n", n, key + pl);
}

static void
bash_set(struct buf *b, const char *name, const char *value)
{
	if (envdiff_function_key(name)) {
		bash_set_function(b, name, value);
		return;
	}
	if (value == NULL) {
		buf_addf(b, "unset -v %s\n", name);
		return;
	}
	buf_addf(b, "export %s=", name);
	shell_quote_sh(b, value);
	buf_addc(b, '\n');
}

static void
bash_setvar(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "%s=", name);
	shell_quote_sh(b, value);
	buf_addc(b, '\n');
}

static void
bash_guard(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_adds(b, " && ");
	if (value == NULL) {
		buf_addf(b, "[ \"${%s+set}\" != set ]", name);
		return;
	}
	buf_addf(b, "[ \"${%s+set}\" = set ] && [ \"$%s\" = ", name, name);
	shell_quote_sh(b, value);
	buf_adds(b, " ]");
}

const struct shell shell_bash = {
	.name = "bash",
	.package = "bash",
	.hook = hook_bash,
	.install = "eval \"$(hearth hook bash)\"",
	.rcfiles = bash_rcfiles,
	.reserved = bash_reserved,
	.state_prefixes = bash_state_prefixes,
	.functions = 1,
	.set = bash_set,
	.setvar = bash_setvar,
	.guard = bash_guard,
	.quote = shell_quote_sh,
};
