/*
 * `hearth deny [DIR]`: withdraw the trust in the workspace holding DIR.
 * Its shells are unloaded at the next prompt and nothing more of it is
 * evaluated.
 */
#include "hearth.h"

static int	cmd_deny_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_deny_entry = {
	.name = "deny",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "stop trusting the workspace holding DIR",
	.help = "DIR defaults to the current directory.\n",
	.exec = cmd_deny_exec,
};

static int
cmd_deny_exec(const struct cmd_parsed *p)
{
	return (cmd_dir_text(p, MSG_DENY));
}
