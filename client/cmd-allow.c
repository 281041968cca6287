/*
 * `hearth allow [DIR]`: trust the workspace holding DIR. The allowance
 * covers every local file its evaluations read (see daemon/trust.c); the
 * reply names the files changed since the last allowance. With --diff,
 * nothing is allowed: it shows how those files changed, for a review.
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
	.options = {
	    { "diff", 'd', NULL, "show what changed since the last "
	      "allowance; allow nothing" },
	},
	.summary = "trust the workspace holding DIR and evaluate its shell",
	.help =
	    "Nothing of a workspace is evaluated before it is allowed: a\n"
	    "flake runs code (shellHook, builds). The allowance covers the\n"
	    "content of every local file an evaluation reads (flake.nix,\n"
	    ".hearth.ini, imported and readFile'd files, scripts it sources),\n"
	    "but not flake.lock and not the Nix store. When a covered file\n"
	    "changes to content never allowed, the workspace is blocked\n"
	    "(the last good shell stays) until you allow it again; content\n"
	    "allowed before (a branch switched back) needs no new allow.\n"
	    "--diff shows the pending changes (a diff from the allowed\n"
	    "version where git has it) and allows nothing. "
	    "DIR defaults to\n"
	    "the current directory.\n",
	.exec = cmd_allow_exec,
};

static int
cmd_allow_exec(const struct cmd_parsed *p)
{
	char	*dir, *cause = NULL, *text;

	if (cmd_get(p, "diff") == NULL)
		return (cmd_dir_text(p, MSG_ALLOW));
	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL ||
	    review_fetch(dir, &text, &cause) != 0) {
		fprintf(stderr, "hearth allow: %s\n", cause);
		free(cause);
		free(dir);
		return (EXIT_FAIL);
	}
	review_diff(text);
	free(text);
	free(dir);
	return (EXIT_OK);
}
