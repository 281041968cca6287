/*
 * `hearth deny [DIR]`: withdraw the trust in the workspace holding DIR.
 * Its shells are unloaded at the next prompt and nothing more of it is
 * evaluated.
 */
#include "hearth.h"

static int	cmd_deny_exec(int, char **);

const struct cmd_entry cmd_deny_entry = {
	.name = "deny",
	.args = "[DIR]",
	.summary = "stop trusting the workspace holding DIR",
	.help = "DIR defaults to the current directory.\n",
	.exec = cmd_deny_exec,
};

static int
cmd_deny_exec(int argc, char **argv)
{
	return (cmd_dir_text(&cmd_deny_entry, MSG_DENY, argc, argv));
}
