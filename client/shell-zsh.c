/*
 * zsh: the hook text and the quoting of exported values.
 *
 * Values are single-quoted as for bash: inside single quotes zsh takes
 * every byte literally (newlines, backslashes, $, `, invalid UTF-8), so
 * any value without NUL round-trips exactly. The hook evaluates the code
 * under `emulate -L zsh`, so no option of the user's changes how it is
 * read; and '\'' holds under RC_QUOTES too, which the unit tests check.
 * zsh's export is `typeset -gx`, global although the hook runs the code
 * inside a function.
 */
#include "hearth.h"

extern const char hook_zsh[];

static void
zsh_set(struct buf *b, const char *name, const char *value)
{
	if (value == NULL) {
		buf_addf(b, "unset %s\n", name);
		return;
	}
	buf_addf(b, "export %s=", name);
	shell_quote_sh(b, value);
	buf_addc(b, '\n');
}

const struct shell shell_zsh = {
	.name = "zsh",
	.hook = hook_zsh,
	.set = zsh_set,
	.quote = shell_quote_sh,
};
