/*
 * `hearth reload [DIR]`: evaluate the shell for DIR again now, whatever
 * its inputs say (after a change hearth cannot see, or a failure that has
 * been fixed outside the workspace).
 */
#include "hearth.h"

static int	cmd_reload_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_reload_entry = {
	.name = "reload",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "evaluate the shell for DIR again",
	.help = "The prompt switches when the new snapshot is ready (hearth "
	    "wait).\nDIR defaults to the current directory.\n",
	.exec = cmd_reload_exec,
};

static int
cmd_reload_exec(const struct cmd_parsed *p)
{
	return (cmd_dir_text(p, MSG_RELOAD));
}
