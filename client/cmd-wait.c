/*
 * `hearth wait [--timeout SECONDS] [DIR]`: block until the shell for DIR
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

static int	cmd_wait_exec(int, char **);

const struct cmd_entry cmd_wait_entry = {
	.name = "wait",
	.args = "[--timeout SECONDS] [DIR]",
	.summary = "wait until the shell for DIR is ready",
	.help =
	    "Exit status: 0 ready, 1 failed, untrusted or blocked, 2 timed\n"
	    "out (default timeout: 600 s). DIR defaults to the current\n"
	    "directory.\n",
	.exec = cmd_wait_exec,
};

static int
cmd_wait_exec(int argc, char **argv)
{
	struct ipc_reply	 reply;
	struct shell_reply	 r;
	const char		*arg = NULL;
	char			*dir = NULL, *cause = NULL, *end;
	long			 timeout = 600;
	int			 i, rc = EXIT_FAIL;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--timeout") == 0 ||
		    strcmp(argv[i], "-t") == 0) {
			if (++i == argc)
				return (cmd_usage_error(&cmd_wait_entry,
				    "--timeout needs a number of seconds"));
			errno = 0;
			timeout = strtol(argv[i], &end, 10);
			if (errno != 0 || *end != '\0' || timeout <= 0 ||
			    timeout > 86400)
				return (cmd_usage_error(&cmd_wait_entry,
				    "bad timeout: %s (1 to 86400 seconds)",
				    argv[i]));
		} else if (argv[i][0] == '-')
			return (cmd_usage_error(&cmd_wait_entry,
			    "unknown option: %s", argv[i]));
		else if (arg != NULL)
			return (cmd_usage_error(&cmd_wait_entry,
			    "too many arguments"));
		else
			arg = argv[i];
	}
	if ((dir = cmd_dir(arg, &cause)) == NULL)
		goto fail;
	if (ipc_dir_request(MSG_WAIT, dir, &reply, (int)(timeout * 1000),
	    &cause) != 0) {
		if (errno == ETIMEDOUT) {
			fprintf(stderr, "hearth wait: timed out after %ld s\n",
			    timeout);
			free(cause);
			free(dir);
			return (WAIT_EXIT_TIMEOUT);
		}
		goto fail;
	}
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
		fprintf(stderr, "hearth wait: %s is blocked: flake.nix "
		    "changed since it was allowed (run hearth allow)\n",
		    r.root);
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
