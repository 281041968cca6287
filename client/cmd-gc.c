/*
 * `hearth gc [--older-than DAYS] [--dry-run]`: forget workspaces that
 * vanished, or that nobody used for DAYS (default 30), with their
 * snapshots and the GC roots that kept their dev environments in the Nix
 * store; never one a running shell has loaded. --dry-run only tells.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth.h"

static int	cmd_gc_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_gc_entry = {
	.name = "gc",
	.args = "",
	.options = {
	    { "older-than", 0, "DAYS",
	      "forget workspaces unused for DAYS (default 30)" },
	    { "dry-run", 'n', NULL, "only say what would be removed" },
	},
	.summary = "drop vanished and long-unused workspaces and their roots",
	.help = "Afterwards nix-collect-garbage may delete their dev\n"
	    "environments. DAYS defaults to 30. A workspace a running shell\n"
	    "has loaded is kept, however old.\n",
	.exec = cmd_gc_exec,
};

static int
cmd_gc_exec(const struct cmd_parsed *p)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	char			*cause = NULL, *text;
	long			 days = 30;
	size_t			 off;

	if (cmd_number(p, "older-than", 0, 36500, &days) != 0)
		return (EXIT_USAGE);
	off = protocol_begin(&b, MSG_GC);
	protocol_put_u32(&b, (uint32_t)days);
	protocol_put_u8(&b, cmd_get(p, "dry-run") != NULL ? GC_DRY_RUN : 0);
	protocol_end(&b, off);
	if (ipc_request(&b, &reply, IPC_DEADLINE_MS, 1, &cause) != 0) {
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
