/*
 * zsh: its table entry (client/shell.c): the hook text, the quoting of
 * exported values, its rc files and the names it reserves.
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

static const char *const zsh_rcfiles[] = {
	"${ZDOTDIR:-~}/.zshrc", "${ZDOTDIR:-~}/.zshenv",
	"${ZDOTDIR:-~}/.zprofile", "${ZDOTDIR:-~}/.zlogin", NULL
};

static const char *const zsh_state_prefixes[] = { NULL };

/* zsh's special parameters (zshparam(1)) that a plain value would break. */
static const char *const zsh_reserved[] = {
	"ARGC", "EGID", "ERRNO", "EUID", "GID", "HISTCMD", "LINENO", "PPID",
	"RANDOM", "SECONDS", "SHLVL", "TTYIDLE", "UID", "USERNAME",
	"ZSH_ARGZERO", "ZSH_NAME", "ZSH_PATCHLEVEL", "ZSH_SUBSHELL",
	"ZSH_VERSION", "aliases", "argv", "builtins", "cdpath", "commands",
	"dirstack", "errnos", "fignore", "fpath", "funcfiletrace",
	"funcsourcetrace", "funcstack", "functions", "functrace", "galiases",
	"histchars", "history", "historywords", "jobdirs", "jobstates",
	"jobtexts", "keymaps", "mailpath", "manpath", "mapfile",
	"module_path", "modules", "nameddirs", "options", "parameters",
	"patchars", "path", "pipestatus", "psvar", "reswords", "saliases",
	"signals", "status", "sysparams", "termcap", "terminfo", "userdirs",
	"usergroups", "widgets", "zsh_eval_context", NULL
};

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
	.package = "zsh",
	.hook = hook_zsh,
	.install = "eval \"$(hearth hook zsh)\"",
	.rcfiles = zsh_rcfiles,
	.reserved = zsh_reserved,
	.state_prefixes = zsh_state_prefixes,
	.set = zsh_set,
	.setvar = zsh_setvar,
	.guard = zsh_guard,
	.quote = shell_quote_sh,
};
