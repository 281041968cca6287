/*
 * zsh: the hook text and the quoting of exported values.
 *
 * Values are single-quoted as for bash: inside single quotes zsh takes
 * every byte literally (newlines, backslashes, $, `, invalid UTF-8), so
 * any value without NUL round-trips exactly. The hook evaluates the code
 * under `emulate -L zsh`, so no option of the user's changes how it is
 * read; and '\'' holds under RC_QUOTES too, which the unit tests check.
 * zsh's export is `typeset -gx`, global although the hook runs the code
 * inside a function; the hook's own variables are `typeset -g`, not
 * exported. A guard test compares with [[ == ]] and a quoted pattern,
 * which is literal under the hook's `emulate -L zsh`.
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

static void
zsh_setvar(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "typeset -g %s=", name);
	shell_quote_sh(b, value);
	buf_addc(b, '\n');
}

static void
zsh_guard(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_adds(b, " && ");
	if (value == NULL) {
		buf_addf(b, "[[ ${+%s} == 0 ]]", name);
		return;
	}
	buf_addf(b, "[[ ${+%s} == 1 && $%s == ", name, name);
	shell_quote_sh(b, value);
	buf_adds(b, " ]]");
}

const struct shell shell_zsh = {
	.name = "zsh",
	.hook = hook_zsh,
	.set = zsh_set,
	.setvar = zsh_setvar,
	.guard = zsh_guard,
	.quote = shell_quote_sh,
};
