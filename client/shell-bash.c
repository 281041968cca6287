/*
 * bash: the hook text and the quoting of exported values.
 *
 * Values are single-quoted, with each ' written as '\'' — inside single
 * quotes bash takes every byte literally (newlines, backslashes, $, `,
 * invalid UTF-8), so any value without NUL round-trips exactly.
 */
#include "hearth.h"

extern const char hook_bash[];

static void
bash_set(struct buf *b, const char *name, const char *value)
{
	if (value == NULL) {
		buf_addf(b, "unset %s\n", name);
		return;
	}
	buf_addf(b, "export %s=", name);
	shell_quote_sh(b, value);
	buf_addc(b, '\n');
}

const struct shell shell_bash = {
	.name = "bash",
	.hook = hook_bash,
	.set = bash_set,
	.quote = shell_quote_sh,
};
