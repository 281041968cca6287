/*
 * `hearth log [DIR]`: the last evaluation of the shell for DIR, with
 * Nix's full output (the prompt shows only the error's first line).
 */
#include "hearth.h"

static int	cmd_log_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_log_entry = {
	.name = "log",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "show the last evaluation's full Nix output",
	.help = "DIR defaults to the current directory.\n",
	.exec = cmd_log_exec,
};

static int
cmd_log_exec(const struct cmd_parsed *p)
{
	return (cmd_dir_text(p, MSG_LOG));
}
