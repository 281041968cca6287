/*
 * `hearth list`: every workspace the daemon knows and each of its
 * devShells, with state, snapshot age and last evaluation time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "hearth.h"

static int	cmd_list_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.args = "",
	.summary = "list every workspace and shell with its state",
	.help = "Columns: state, shell, snapshot age, last evaluation time,\n"
	    "workspace root.\n",
	.exec = cmd_list_exec,
};

/* "12s", "5m", "3h", "2d", or "-" for never. */
static void
list_age(char *out, size_t n, uint64_t t)
{
	time_t	 now = time(NULL);
	long long age;

	if (t == 0) {
		snprintf(out, n, "-");
		return;
	}
	age = now > (time_t)t ? (long long)(now - (time_t)t) : 0;
	if (age < 120)
		snprintf(out, n, "%llds", age);
	else if (age < 7200)
		snprintf(out, n, "%lldm", age / 60);
	else if (age < 172800)
		snprintf(out, n, "%lldh", age / 3600);
	else
		snprintf(out, n, "%lldd", age / 86400);
}

static int
cmd_list_exec(const struct cmd_parsed *p)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	struct protocol_reader	 r;
	char			*cause = NULL, *root, *shell, *msg, age[32];
	uint32_t		 n, i, ms;
	uint8_t			 state;
	uint64_t		 made, last;
	size_t			 off;
	int			 rc = EXIT_OK;

	(void)p;
	off = protocol_begin(&b, MSG_LIST);
	protocol_end(&b, off);
	if (ipc_request(&b, &reply, IPC_DEADLINE_MS, 1, &cause) != 0) {
		fprintf(stderr, "hearth list: %s\n", cause);
		free(cause);
		buf_release(&b);
		return (EXIT_FAIL);
	}
	buf_release(&b);
	protocol_reader_init(&r, reply.payload.data, reply.payload.len);
	n = reply.type == MSG_LIST_REPLY ? protocol_get_u32(&r) : 0;
	if (reply.type != MSG_LIST_REPLY || n > 100000) {
		fprintf(stderr, "hearth list: unexpected reply from hearthd\n");
		ipc_reply_release(&reply);
		return (EXIT_FAIL);
	}
	if (n == 0)
		printf("no workspaces (run hearth allow in one)\n");
	else
		printf("%-10s %-12s %8s %8s  %s\n", "STATE", "SHELL",
		    "SNAPSHOT", "EVAL", "WORKSPACE");
	for (i = 0; i < n; i++) {
		root = protocol_get_str(&r);
		shell = protocol_get_str(&r);
		state = protocol_get_u8(&r);
		made = protocol_get_u64(&r);
		last = protocol_get_u64(&r);
		ms = protocol_get_u32(&r);
		msg = protocol_get_str(&r);
		if (r.error) {
			free(root);
			free(shell);
			free(msg);
			break;
		}
		list_age(age, sizeof age, made);
		printf("%-10s %-12s %8s ", protocol_state_name(state),
		    *shell != '\0' ? shell : "-", age);
		if (last != 0)
			printf("%6ums  %s\n", ms, root);
		else
			printf("%8s  %s\n", "-", root);
		free(root);
		free(shell);
		free(msg);
	}
	if (protocol_reader_done(&r) != 0) {
		fprintf(stderr, "hearth list: malformed reply from hearthd\n");
		rc = EXIT_FAIL;
	}
	ipc_reply_release(&reply);
	return (rc);
}
