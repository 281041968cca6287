/*
 * bash: the hook text and the quoting of exported values.
 *
 * Values are single-quoted, with each ' written as '\'' — inside single
 * quotes bash takes every byte literally (newlines, backslashes, $, `,
 * invalid UTF-8), so any value without NUL round-trips exactly.
 *
 * A guard test is `[`, not `[[ == ]]`, which the user's nocasematch would
 * make match without regard to case.
 */
#include "hearth.h"

extern const char hook_bash[];

static void
bash_set(struct buf *b, const char *name, const char *value)
{
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
	.hook = hook_bash,
	.set = bash_set,
	.setvar = bash_setvar,
	.guard = bash_guard,
	.quote = shell_quote_sh,
};
