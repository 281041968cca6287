/*
 * nu (nushell): its table entry (client/shell.c): the hook text, the
 * exporter, its rc file and the names it reserves.
 *
 * nushell has no eval, and hearth needs none: what `hearth export nu`
 * prints is data, one JSON array a line, which the hook reads with
 * `from json` and applies with load-env and hide-env:
 *   ["s", NAME, VALUE]   export NAME=VALUE (VALUE null: unset it)
 *   ["v", NAME, VALUE]   the hook's own variable (see the hook)
 *   ["g", NAME, VALUE]   a guard: NAME is VALUE (null: is unset)
 * A value is never code, whatever it holds.
 *
 * nushell strings are UTF-8: a dev shell's value that is not is left
 * out with a notice (shellname_holds) and listed by `hearth status`. PATH
 * and any variable the user keeps as a list (ENV_CONVERSIONS) are set as
 * a list, split on ':', as nushell itself splits PATH at start; children
 * get them joined again.
 *
 * nushell's $env ignores case: a dev shell's `path` would overwrite PATH.
 * A name that is another's in other case, in the snapshot or the
 * environment, is left out with a notice (names_nocase).
 */
#include <string.h>

#include "hearth.h"

extern const char hook_nu[];

static const char *const nu_rcfiles[] = {
	"${XDG_CONFIG_HOME:-~/.config}/nushell/env.nu",
	"${XDG_CONFIG_HOME:-~/.config}/nushell/config.nu",
	"${XDG_CONFIG_HOME:-~/.config}/nushell/autoload/*.nu", NULL
};

static const char *const nu_state_prefixes[] = { NULL };

/*
 * nushell's own: read-only or set by the engine, its prompt and its
 * conversions (nushell's book, "Special Variables" and "Environment").
 */
static const char *const nu_reserved[] = {
	"CMD_DURATION_MS", "CURRENT_FILE", "ENV_CONVERSIONS", "FILE_PWD",
	"LAST_EXIT_CODE", "NU_LIB_DIRS", "NU_PLUGIN_DIRS", "NU_VERSION",
	"PROMPT_COMMAND", "PROMPT_COMMAND_RIGHT",
	"PROMPT_INDICATOR", "PROMPT_INDICATOR_VI_INSERT",
	"PROMPT_INDICATOR_VI_NORMAL", "PROMPT_MULTILINE_INDICATOR", "PWD",
	"SHLVL", "TRANSIENT_PROMPT_COMMAND", "TRANSIENT_PROMPT_COMMAND_RIGHT",
	"TRANSIENT_PROMPT_INDICATOR", "TRANSIENT_PROMPT_INDICATOR_VI_INSERT",
	"TRANSIENT_PROMPT_INDICATOR_VI_NORMAL",
	"TRANSIENT_PROMPT_MULTILINE_INDICATOR", "config", "_HEARTH", NULL
};

static void
nu_set(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 's', name, value);
}

static void
nu_setvar(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'v', name, value);
}

static void
nu_guard(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'g', name, value);
}

/* A raw string, r#'...'#, with as many # as it takes to hold s. */
static void
nu_quote(struct buf *b, const char *s)
{
	struct buf	 end = BUF_INIT;

	buf_adds(&end, "'#");
	while (strstr(s, end.data) != NULL)
		buf_addc(&end, '#');
	buf_addf(b, "r%s'%s%s", end.data + 1, s, end.data);
	buf_release(&end);
}

const struct shell shell_nu = {
	.name = "nu",
	.package = "@nushell/linux-x64",
	.hook = hook_nu,
	.install = "mkdir ($nu.default-config-dir | path join autoload); "
	    "hearth hook nu | save -f ($nu.default-config-dir | path join "
	    "autoload hearth.nu)",
	.rcfiles = nu_rcfiles,
	.reserved = nu_reserved,
	.state_prefixes = nu_state_prefixes,
	.set = nu_set,
	.setvar = nu_setvar,
	.guard = nu_guard,
	.quote = nu_quote,
	.holds = shell_utf8_valid,
	.names_nocase = 1,
};
