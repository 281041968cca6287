/*
 * `hearth wait [-t SECONDS] [DIR]`: block until the shell for DIR
 * has settled. Exit 0 when it is ready, 1 when it failed (or is not
 * allowed), 2 when the timeout passed first. Scripts and CI use it to warm
 * shells before they are needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

#define WAIT_EXIT_TIMEOUT	2

static int	cmd_wait_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.options = {
	    CMD_OPTION_TIMEOUT("give up after SECONDS (default 600)"),
	},
	.summary = "wait until the shell for DIR is ready",
	.help =
	    "Exit status: 0 ready, 1 failed, untrusted or blocked, 2 timed\n"
	    "out (default timeout: 600 s). DIR defaults to the current\n"
	    "directory.\n",
	.exec = cmd_wait_exec,
};

static int
cmd_wait_exec(const struct cmd_parsed *p)
{
	struct ipc_reply	 reply;
	struct shell_reply	 r;
	char			*dir = NULL, *cause = NULL;
	long			 timeout = 600;
	int			 rc = EXIT_FAIL, err;

	if (cmd_number(p, "timeout", 1, 86400, &timeout) != 0)
		return (EXIT_USAGE);
	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL)
		goto fail;
	/* On a terminal: what is being evaluated or built, and how long. */
	progress_start_shell(dir);
	rc = ipc_dir_request(MSG_WAIT, dir, &reply, (int)(timeout * 1000),
	    &cause);
	err = errno;
	progress_end();
	if (rc != 0) {
		if (err == ETIMEDOUT) {
			fprintf(stderr, "hearth wait: timed out after %ld s\n",
			    timeout);
			free(cause);
			free(dir);
			return (WAIT_EXIT_TIMEOUT);
		}
		goto fail;
	}
	rc = EXIT_FAIL;
	if (shell_reply_decode(&r, &reply, &cause) != 0) {
		ipc_reply_release(&reply);
		goto fail;
	}
	ipc_reply_release(&reply);
	switch (r.state) {
	case SHELL_READY:
		printf("hearth: the %s shell of %s is ready\n", r.shell,
		    r.root);
		rc = EXIT_OK;
		break;
	case SHELL_NONE:
		fprintf(stderr, "hearth wait: no flake.nix in %s or any "
		    "parent directory\n", dir);
		break;
	case SHELL_UNTRUSTED:
		fprintf(stderr, "hearth wait: %s is not allowed (run hearth "
		    "allow)\n", r.root);
		break;
	case SHELL_BLOCKED:
		fprintf(stderr, "hearth wait: %s is blocked: %s (run hearth "
		    "allow)\n", r.root, r.message ? r.message : "");
		break;
	default:
		fprintf(stderr, "hearth wait: the %s shell of %s failed: %s\n",
		    r.shell, r.root, r.message);
		break;
	}
	shell_reply_release(&r);
	free(dir);
	return (rc);
fail:
	fprintf(stderr, "hearth wait: %s\n", cause);
	free(cause);
	free(dir);
	return (EXIT_FAIL);
}
