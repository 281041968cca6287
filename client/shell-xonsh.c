/*
 * xonsh: its table entry (client/shell.c): the hook text, the exporter,
 * its rc file and the names it reserves.
 *
 * As for nushell and elvish, `hearth export xonsh` prints data, not code:
 * one JSON array a line (shell_json_line), which the hook, in-process
 * Python, reads with json.loads and applies to $__xonsh__.env, so no value
 * is run. xonsh keeps PATH (and its other path variables) as a list,
 * EnvPath, which it makes from the string. A name that is one of xonsh's
 * own settings (PROMPT, AUTO_CD, ...: they are typed) is left out by the
 * hook with a notice. Values are Python strings from JSON: one that is
 * not UTF-8 is left out with a notice (shellname_holds) and listed by
 * `hearth status`. A JSON string is also a Python string literal, which
 * quotes the hook's placeholders.
 */
#include "hearth.h"

extern const char hook_xonsh[];

static const char *const xonsh_rcfiles[] = {
	"~/.xonshrc", "${XDG_CONFIG_HOME:-~/.config}/xonsh/rc.xsh",
	"${XDG_CONFIG_HOME:-~/.config}/xonsh/rc.d/*.xsh", NULL
};

static const char *const xonsh_state_prefixes[] = { NULL };

static const char *const xonsh_reserved[] = {
	"PWD", "OLDPWD", "SHLVL", NULL
};

static void
xonsh_set(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 's', name, value);
}

static void
xonsh_setvar(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'v', name, value);
}

static void
xonsh_guard(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'g', name, value);
}

const struct shell shell_xonsh = {
	.name = "xonsh",
	.package = "xonsh",
	.hook = hook_xonsh,
	.install = "execx($(hearth hook xonsh))",
	.rcfiles = xonsh_rcfiles,
	.reserved = xonsh_reserved,
	.state_prefixes = xonsh_state_prefixes,
	.set = xonsh_set,
	.setvar = xonsh_setvar,
	.guard = xonsh_guard,
	.quote = shell_quote_json,
	.holds = shell_utf8_valid,
};
