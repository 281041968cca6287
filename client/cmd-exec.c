/*
 * `hearth exec [DIR] -- CMD [ARGS...]`: run a command in the environment
 * of DIR's dev shell, without a prompt hook, like `direnv exec`. What the
 * current shell has applied is undone first, so the command gets exactly
 * that shell's environment over the user's own. It waits for a shell that
 * is still being evaluated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

#define EXEC_WAIT_MS	(600 * 1000)

static int	cmd_exec_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_exec_entry = {
	.name = "exec",
	.args = "[DIR] -- CMD [ARGS...]",
	.max_args = 1,
	.dashdash = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "run a command in the dev shell of DIR",
	.help = "Exit status: the command's, or 1 when DIR has no usable\n"
	    "shell (not allowed, blocked, failed with no earlier snapshot),\n"
	    "127 when CMD is not found.\n",
	.exec = cmd_exec_exec,
};

extern char	**environ;

/* Ask the daemon for a SHELL reply (WAIT or EXPORT) about dir. */
static int
exec_ask(enum msg_type type, const char *dir, struct shell_reply *r,
    char **cause)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	size_t			 off;
	int			 rc;

	off = protocol_begin(&b, type);
	protocol_put_str(&b, dir);
	if (type == MSG_EXPORT)
		protocol_put_u64(&b, 0);
	protocol_end(&b, off);
	rc = ipc_request(&b, &reply, EXEC_WAIT_MS, 1, cause);
	buf_release(&b);
	if (rc != 0)
		return (-1);
	rc = shell_reply_decode(r, &reply, cause);
	ipc_reply_release(&reply);
	return (rc);
}

static int
cmd_exec_exec(const struct cmd_parsed *p)
{
	struct shell_reply	 r;
	struct envdiff		 d;
	struct envstate		*st;
	struct envset		*set;
	char			*dir, *cause = NULL, *enc, **env;

	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL)
		goto fail;
	/* Settle first (this waits for a shell being evaluated). */
	if (exec_ask(MSG_WAIT, dir, &r, &cause) != 0)
		goto fail;
	shell_reply_release(&r);
	if (exec_ask(MSG_EXPORT, dir, &r, &cause) != 0)
		goto fail;
	if (r.snapshot_id == 0 || !r.has_env) {
		switch (r.state) {
		case SHELL_NONE:
			cause = xasprintf("no dev shell for %s", dir);
			break;
		case SHELL_UNTRUSTED:
			cause = xasprintf("%s is not allowed (run hearth "
			    "allow)", r.root);
			break;
		case SHELL_BLOCKED:
			cause = xasprintf("%s is blocked: %s (run hearth "
			    "allow)", r.root, r.message ? r.message : "");
			break;
		default:
			cause = xasprintf("the %s shell of %s has no snapshot: "
			    "%s", r.shell, r.root, r.message ? r.message : "");
			break;
		}
		shell_reply_release(&r);
		goto fail;
	}
	if (r.state == SHELL_FAILED)
		fprintf(stderr, "hearth exec: the %s shell failed to evaluate "
		    "(%s); using the last good one\n", r.shell, r.message);
	envdiff_init(&d);
	if (envdiff_decode(&d, r.env, r.envlen, &cause) != 0) {
		shell_reply_release(&r);
		goto fail;
	}
	st = envstate_from_env();
	set = envset_new();
	envstate_revert(st, set);
	envstate_apply(st, set, &d, r.root, r.shell, r.snapshot_id);
	enc = envstate_encode(st);
	envset_set(set, ENVSTATE_VAR, enc);
	env = envset_environ(set);
	free(enc);
	envdiff_release(&d);
	envset_free(set);
	envstate_free(st);
	shell_reply_release(&r);
	free(dir);
	/* PATH lookup must use the dev shell's PATH: switch environ first. */
	environ = env;
	execvp(p->rest[0], p->rest);
	fprintf(stderr, "hearth exec: %s: %s\n", p->rest[0],
	    strerror(errno));
	return (errno == ENOENT ? 127 : 126);
fail:
	fprintf(stderr, "hearth exec: %s\n", cause);
	free(cause);
	free(dir);
	return (EXIT_FAIL);
}
