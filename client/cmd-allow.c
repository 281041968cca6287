/*
 * `hearth allow [DIR]`: trust the workspace holding DIR. The daemon binds
 * the allowance to the BLAKE2b hash of flake.nix and starts evaluating.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hearth.h"

static int	cmd_allow_exec(int, char **);

const struct cmd_entry cmd_allow_entry = {
	.name = "allow",
	.args = "[DIR]",
	.summary = "trust the workspace holding DIR and evaluate its shell",
	.help =
	    "Nothing of a workspace is evaluated before it is allowed: a\n"
	    "flake runs code (shellHook, builds). The allowance is bound to\n"
	    "the content of flake.nix; when flake.nix changes, the workspace\n"
	    "is blocked until you allow it again. flake.lock may change\n"
	    "freely. DIR defaults to the current directory.\n",
	.exec = cmd_allow_exec,
};

int
cmd_trust(const struct cmd_entry *e, enum msg_type type, int argc,
    char **argv)
{
	struct ipc_reply	 reply;
	char			*dir, *cause = NULL, *text;

	if (argc > 2)
		return (cmd_usage_error(e, "too many arguments"));
	if ((dir = cmd_dir(argc == 2 ? argv[1] : NULL, &cause)) == NULL) {
		fprintf(stderr, "hearth %s: %s\n", e->name, cause);
		free(cause);
		return (EXIT_FAIL);
	}
	if (ipc_dir_request(type, dir, &reply, -1, &cause) != 0) {
		fprintf(stderr, "hearth %s: %s\n", e->name, cause);
		free(cause);
		free(dir);
		return (EXIT_FAIL);
	}
	text = reply_text(&reply);
	printf("hearth: %s\n", text);
	free(text);
	ipc_reply_release(&reply);
	free(dir);
	return (EXIT_OK);
}

static int
cmd_allow_exec(int argc, char **argv)
{
	return (cmd_trust(&cmd_allow_entry, MSG_ALLOW, argc, argv));
}
