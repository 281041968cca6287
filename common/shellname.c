/*
 * Per-shell lists of variable names that are special, read-only or tied to
 * the shell's own state, and so must not be set from a dev shell's
 * environment. Names that are not identifiers at all, and the ones no
 * shell gets (HOME, SHLVL, ...), are filtered earlier, by envdiff.
 */
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/shellname.h"

const char *const shellname_shells[] = { "bash", "zsh", "fish", NULL };

/* bash's read-only variables; the rest of its own are excluded for all. */
static const char *const bash_special[] = {
	"BASHPID", "BASH_ARGC", "BASH_ARGV", "BASH_LINENO", "BASH_SOURCE",
	"BASH_VERSINFO", "EUID", "FUNCNAME", "GROUPS", "PPID", "SHELLOPTS",
	"UID", NULL
};

/* zsh's special parameters (zshparam(1)) that a plain value would break. */
static const char *const zsh_special[] = {
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

/* fish's read-only and electric variables (fish-doc "Special variables"). */
static const char *const fish_special[] = {
	"CMD_DURATION", "COLUMNS", "FISH_VERSION", "LINES", "PWD", "SHLVL",
	"_", "argv", "fish_kill_signal", "fish_killring", "fish_pid",
	"history", "hostname", "last_pid", "pipestatus", "status",
	"status_generation", "umask", "version", NULL
};

static int
in_list(const char *const *list, const char *name)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, name) == 0)
			return (1);
	}
	return (0);
}

int
shellname_settable(const char *shell, const char *name)
{
	if (!envdiff_valid_name(name))
		return (0);
	if (strcmp(shell, "bash") == 0)
		return (!in_list(bash_special, name));
	if (strcmp(shell, "zsh") == 0)
		return (!in_list(zsh_special, name));
	if (strcmp(shell, "fish") == 0)
		return (!in_list(fish_special, name));
	return (1);
}
