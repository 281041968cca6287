/*
 * `hearth allow [DIR]`: trust the workspace holding DIR. The daemon binds
 * the allowance to the BLAKE2b hash of flake.nix and starts evaluating.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hearth.h"

static int	cmd_allow_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_allow_entry = {
	.name = "allow",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "trust the workspace holding DIR and evaluate its shell",
	.help =
	    "Nothing of a workspace is evaluated before it is allowed: a\n"
	    "flake runs code (shellHook, builds). The allowance is bound to\n"
	    "the content of flake.nix; when flake.nix changes, the workspace\n"
	    "is blocked until you allow it again. flake.lock may change\n"
	    "freely. DIR defaults to the current directory.\n",
	.exec = cmd_allow_exec,
};

static int
cmd_allow_exec(const struct cmd_parsed *p)
{
	return (cmd_dir_text(p, MSG_ALLOW));
}
