/*
 * `hearth stats`: per workspace, how many shells, evaluations, failures
 * and cache hits, the hit rate, and the median evaluation time.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hearth.h"

static int	cmd_stats_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.args = "",
	.summary = "show evaluations, cache hits and times per workspace",
	.help = "A cache hit is a switch to a snapshot made earlier from the\n"
	    "same inputs, with no Nix call. The median is over recent\n"
	    "successful evaluations.\n",
	.exec = cmd_stats_exec,
};

static int
cmd_stats_exec(const struct cmd_parsed *p)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	struct protocol_reader	 r;
	char			*cause = NULL, *root;
	uint32_t		 n, i, shells, evals, fails, hits, median;
	size_t			 off;
	int			 rc = EXIT_OK;

	(void)p;
	off = protocol_begin(&b, MSG_STATS);
	protocol_end(&b, off);
	if (ipc_request(&b, &reply, IPC_DEADLINE_MS, 1, &cause) != 0) {
		buf_release(&b);
		fprintf(stderr, "hearth stats: %s\n", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	buf_release(&b);
	protocol_reader_init(&r, reply.payload.data, reply.payload.len);
	n = reply.type == MSG_STATS_REPLY ? protocol_get_u32(&r) : 0;
	if (reply.type != MSG_STATS_REPLY || n > 100000) {
		fprintf(stderr, "hearth stats: unexpected reply from hearthd\n");
		ipc_reply_release(&reply);
		return (EXIT_FAIL);
	}
	printf("%6s %6s %6s %6s %7s %8s  %s\n", "SHELLS", "EVALS", "FAILED",
	    "HITS", "HIT%", "MEDIAN", "WORKSPACE");
	for (i = 0; i < n; i++) {
		root = protocol_get_str(&r);
		shells = protocol_get_u32(&r);
		evals = protocol_get_u32(&r);
		fails = protocol_get_u32(&r);
		hits = protocol_get_u32(&r);
		median = protocol_get_u32(&r);
		if (r.error) {
			free(root);
			break;
		}
		printf("%6u %6u %6u %6u %6.1f%% %6ums  %s\n", shells, evals,
		    fails, hits, evals + hits == 0 ? 0.0 :
		    100.0 * hits / (evals + hits), median, root);
		free(root);
	}
	if (protocol_reader_done(&r) != 0) {
		fprintf(stderr, "hearth stats: malformed reply from hearthd\n");
		rc = EXIT_FAIL;
	}
	ipc_reply_release(&reply);
	return (rc);
}
