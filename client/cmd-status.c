/*
 * `hearth status [DIR]`: the workspace and dev shell DIR maps to, its
 * state, and when its snapshot was made.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth.h"

static int	cmd_status_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.options = {
	    { "trust", 0, NULL, "show what is allowed and what is pending" },
	},
	.summary = "show the workspace, shell and state for DIR",
	.help =
	    "States: untrusted (never allowed), blocked (a file the\n"
	    "evaluation reads changed since `hearth allow`; the message\n"
	    "names it), evaluating, ready, failed. --trust shows the\n"
	    "allowed contents remembered and the files pending an allow.\n"
	    "DIR defaults to the current directory. Exits 1 outside any\n"
	    "workspace.\n",
	.exec = cmd_status_exec,
};

/* Print a time as a date and an age. */
static void
status_when(const char *label, uint64_t t)
{
	char		 stamp[64];
	time_t		 tt = (time_t)t, now = time(NULL);
	struct tm	 tm;

	if (t == 0) {
		printf("%-10s never\n", label);
		return;
	}
	localtime_r(&tt, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	printf("%-10s %s (%lld s ago)\n", label, stamp,
	    (long long)(now > tt ? now - tt : 0));
}

/* Print a SHELL reply the way status and wait show it. */
void
status_print(const struct shell_reply *r)
{
	printf("%-10s %s\n", "workspace", r->root);
	printf("%-10s %s\n", "shell", r->shell);
	printf("%-10s %s\n", "state", protocol_state_name(r->state));
	if (r->message != NULL && *r->message != '\0')
		printf("%-10s %s\n", r->state == SHELL_READY ? "note" :
		    "message", r->message);
	status_when("snapshot", r->snapshot_made);
	/* Where hearth cannot know every file Nix read, it watches more. */
	if (r->inputs_note != NULL && *r->inputs_note != '\0')
		printf("%-10s approximate: every file git tracks is watched "
		    "(%s)\n", "inputs", r->inputs_note);
	/* How long the running evaluation has taken so far. */
	if (r->state == SHELL_EVALUATING && r->eval_started != 0)
		printf("%-10s %lld s so far%s%s\n", "running",
		    (long long)(time(NULL) > (time_t)r->eval_started ?
		    time(NULL) - (time_t)r->eval_started : 0),
		    *r->activity != '\0' ? ", " : "", r->activity);
	if (r->last_eval != 0) {
		status_when("evaluated", r->last_eval);
		printf("%-10s %u ms\n", "took", r->last_eval_ms);
	}
}

static int
cmd_status_exec(const struct cmd_parsed *p)
{
	struct ipc_reply	 reply;
	struct shell_reply	 r;
	char			*dir, *cause = NULL, *text;

	if (cmd_get(p, "trust") != NULL) {
		if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL ||
		    review_fetch(dir, &text, &cause) != 0) {
			fprintf(stderr, "hearth status: %s\n", cause);
			free(cause);
			free(dir);
			return (EXIT_FAIL);
		}
		review_print(text);
		free(text);
		free(dir);
		return (EXIT_OK);
	}
	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL ||
	    ipc_dir_request(MSG_STATUS, dir, &reply, IPC_DEADLINE_MS, &cause) != 0) {
		fprintf(stderr, "hearth status: %s\n", cause);
		free(cause);
		free(dir);
		return (EXIT_FAIL);
	}
	if (shell_reply_decode(&r, &reply, &cause) != 0) {
		fprintf(stderr, "hearth status: %s\n", cause);
		free(cause);
		ipc_reply_release(&reply);
		free(dir);
		return (EXIT_FAIL);
	}
	ipc_reply_release(&reply);
	if (r.state == SHELL_NONE) {
		fprintf(stderr, "hearth status: no flake.nix in %s or any "
		    "parent directory\n", dir);
		shell_reply_release(&r);
		free(dir);
		return (EXIT_FAIL);
	}
	status_print(&r);
	shell_reply_release(&r);
	free(dir);
	return (EXIT_OK);
}
