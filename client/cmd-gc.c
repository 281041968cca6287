/*
 * `hearth gc [--older-than DAYS]`: forget workspaces that vanished, or
 * that nobody used for DAYS (default 30), with their snapshots and the GC
 * roots that kept their dev environments in the Nix store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

static int	cmd_gc_exec(int, char **);

const struct cmd_entry cmd_gc_entry = {
	.name = "gc",
	.args = "[--older-than DAYS]",
	.summary = "drop vanished and long-unused workspaces and their roots",
	.help = "Afterwards nix-collect-garbage may delete their dev\n"
	    "environments. DAYS defaults to 30.\n",
	.exec = cmd_gc_exec,
};

static int
cmd_gc_exec(int argc, char **argv)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	char			*cause = NULL, *text, *end;
	long			 days = 30;
	size_t			 off;

	if (argc == 3 && strcmp(argv[1], "--older-than") == 0) {
		errno = 0;
		days = strtol(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || days < 0 || days > 36500)
			return (cmd_usage_error(&cmd_gc_entry, "bad number of "
			    "days: %s", argv[2]));
	} else if (argc != 1)
		return (cmd_usage_error(&cmd_gc_entry, "unexpected argument"));
	off = protocol_begin(&b, MSG_GC);
	protocol_put_u32(&b, (uint32_t)days);
	protocol_end(&b, off);
	if (ipc_request(&b, &reply, -1, 1, &cause) != 0) {
		buf_release(&b);
		fprintf(stderr, "hearth gc: %s\n", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	buf_release(&b);
	text = reply_text(&reply);
	if (reply.type != MSG_OK) {
		fprintf(stderr, "hearth gc: %s\n", text);
		free(text);
		ipc_reply_release(&reply);
		return (EXIT_FAIL);
	}
	printf("%s\n", text);
	free(text);
	ipc_reply_release(&reply);
	return (EXIT_OK);
}
