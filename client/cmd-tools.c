/*
 * `hearth tools [--write] [--timeout S] [DIR]`: the tools each devShell of
 * DIR's workspace provides, from the daemon's snapshots: the executables
 * in the PATH entries a shell adds that are Nix store paths, with the
 * package and version of each store path. With --write, the list goes to
 * the workspace's .hearth-tools (written whole, temp and rename), for
 * contributors without Nix (`hearth fallback`) and CI (`hearth check`).
 *
 * It waits for the workspace's shells to settle, then asks for each by
 * name (DEVSHELL), so every devShell is listed, not only DIR's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth/savefile.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

#define TOOLS_POLL_MS	200

static int	cmd_tools_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_tools_entry = {
	.name = "tools",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.options = {
	    { "write", 'w', NULL, "save the list as .hearth-tools" },
	    CMD_OPTION_TIMEOUT("wait up to SECONDS for shells (default 600)"),
	},
	.summary = "list the tools each devShell provides",
	.help =
	    "For every devShell of DIR's workspace (which must be allowed),\n"
	    "the executables its PATH entries in the Nix store hold, with\n"
	    "their package and version. --write saves the list as\n"
	    ".hearth-tools in the workspace, to commit: `hearth fallback`\n"
	    "shows it to contributors without Nix, `hearth check` checks it.\n"
	    "Waits up to --timeout seconds (600) for shells to evaluate.\n",
	.exec = cmd_tools_exec,
};

/* A SHELL reply for a request carrying dir (and a name). */
static int
tools_ask(enum msg_type type, const char *dir, const char *name,
    int timeout_ms, struct shell_reply *r, char **cause)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	size_t			 off;
	int			 rc;

	off = protocol_begin(&b, type);
	protocol_put_str(&b, dir);
	if (name != NULL)
		protocol_put_str(&b, name);
	protocol_end(&b, off);
	rc = ipc_request(&b, &reply, timeout_ms, 1, cause);
	buf_release(&b);
	if (rc != 0) {
		if (type == MSG_DEVSHELL && strstr(*cause, "closed") != NULL) {
			free(*cause);
			*cause = xstrdup("hearthd does not know this request: "
			    "it is older than this client (hearth daemon stop, "
			    "then try again)");
		}
		return (-1);
	}
	rc = shell_reply_decode(r, &reply, cause);
	ipc_reply_release(&reply);
	return (rc);
}

/*
 * The workspace's devShell names once none is evaluating: NULL-terminated,
 * to free. NULL with *cause on failure or timeout.
 */
static char **
tools_names(const char *root, time_t deadline, char **cause)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	struct protocol_reader	 r;
	char			**names, *wroot, *shell, *msg;
	uint32_t		 n, i;
	uint8_t			 state;
	size_t			 off, k;
	int			 busy;

	for (;;) {
		off = protocol_begin(&b, MSG_LIST);
		protocol_end(&b, off);
		if (ipc_request(&b, &reply, 10000, 1, cause) != 0) {
			buf_release(&b);
			return (NULL);
		}
		buf_reset(&b);
		protocol_reader_init(&r, reply.payload.data,
		    reply.payload.len);
		n = reply.type == MSG_LIST_REPLY ? protocol_get_u32(&r) : 0;
		if (reply.type != MSG_LIST_REPLY || n > 100000) {
			ipc_reply_release(&reply);
			buf_release(&b);
			*cause = xstrdup("unexpected reply from hearthd");
			return (NULL);
		}
		names = xcalloc(n + 1, sizeof *names);
		busy = 0;
		for (i = 0, k = 0; i < n; i++) {
			wroot = protocol_get_str(&r);
			shell = protocol_get_str(&r);
			state = protocol_get_u8(&r);
			protocol_get_u64(&r);
			protocol_get_u64(&r);
			protocol_get_u32(&r);
			msg = protocol_get_str(&r);
			if (r.error || strcmp(wroot, root) != 0) {
				free(wroot);
				free(shell);
				free(msg);
				continue;
			}
			if (state == SHELL_EVALUATING)
				busy = 1;
			else if (*shell == '\0' && state == SHELL_FAILED &&
			    *cause == NULL)
				*cause = xasprintf("cannot list the devShells "
				    "of %s: %s", root, msg);
			if (*shell != '\0')
				names[k++] = shell;
			else
				free(shell);
			free(wroot);
			free(msg);
		}
		ipc_reply_release(&reply);
		if (protocol_reader_done(&r) != 0 && *cause == NULL)
			*cause = xstrdup("malformed reply from hearthd");
		if (*cause == NULL && !busy && k == 0)
			*cause = xasprintf("%s has no devShells", root);
		if (*cause == NULL && !busy) {
			buf_release(&b);
			return (names);
		}
		for (k = 0; names[k] != NULL; k++)
			free(names[k]);
		free(names);
		if (*cause != NULL || time(NULL) >= deadline) {
			if (*cause == NULL)
				*cause = xasprintf("the devShells of %s are "
				    "still evaluating (hearth list)", root);
			buf_release(&b);
			return (NULL);
		}
		progress_set("waiting for the devShells of %s to evaluate",
		    root);
		usleep(TOOLS_POLL_MS * 1000);
		progress_tick();
	}
}

/* Add one shell's tools from its snapshot; -1 with *cause. */
static int
tools_shell(struct toolslist *tl, const char *dir, const char *name,
    int writing, char **cause)
{
	struct shell_reply	 r;
	struct envdiff		 d;
	size_t			 i;
	int			 found = 0;

	if (tools_ask(MSG_DEVSHELL, dir, name, 10000, &r, cause) != 0)
		return (-1);
	if (!r.has_env || r.snapshot_id == 0) {
		*cause = xasprintf("the %s shell has no snapshot (%s: %s)",
		    name, protocol_state_name(r.state), r.message);
		shell_reply_release(&r);
		return (-1);
	}
	if (r.state != SHELL_READY) {
		if (writing) {
			*cause = xasprintf("the %s shell is %s (%s); `hearth "
			    "log` has why", name, protocol_state_name(r.state),
			    r.message);
			shell_reply_release(&r);
			return (-1);
		}
		progress_clear();
		fprintf(stderr, "hearth tools: the %s shell is %s; its last "
		    "good snapshot is shown\n", name,
		    protocol_state_name(r.state));
	}
	envdiff_init(&d);
	if (envdiff_decode(&d, r.env, r.envlen, cause) != 0) {
		shell_reply_release(&r);
		return (-1);
	}
	/* PREPEND carries the entries it adds; SET the whole new PATH. */
	for (i = 0; i < d.n; i++) {
		if (strcmp(d.entries[i].name, "PATH") != 0 ||
		    d.entries[i].op == ENVDIFF_UNSET)
			continue;
		toolslist_add_path(tl, name, d.entries[i].value);
		found = 1;
	}
	if (!found)
		toolslist_add_shell(tl, name);
	envdiff_release(&d);
	shell_reply_release(&r);
	return (0);
}

static void
tools_print(struct toolslist *tl)
{
	const struct toolslist_tool	*t;
	char *const			*shells;
	size_t				 i, ws = 5, wt = 4, wp = 7, shown;

	toolslist_sort(tl);
	for (i = 0; (t = toolslist_get(tl, i)) != NULL; i++) {
		ws = strlen(t->shell) > ws ? strlen(t->shell) : ws;
		wt = strlen(t->tool) > wt ? strlen(t->tool) : wt;
		wp = strlen(t->package) > wp ? strlen(t->package) : wp;
	}
	printf("%-*s  %-*s  %-*s  %s\n", (int)ws, "SHELL", (int)wt, "TOOL",
	    (int)wp, "PACKAGE", "VERSION");
	for (i = 0; (t = toolslist_get(tl, i)) != NULL; i++)
		printf("%-*s  %-*s  %-*s  %s\n", (int)ws, t->shell, (int)wt,
		    t->tool, (int)wp, t->package,
		    *t->version != '\0' ? t->version : "-");
	shells = toolslist_shells(tl);
	for (i = 0; shells[i] != NULL; i++) {
		for (shown = 0; (t = toolslist_get(tl, shown)) != NULL;
		    shown++) {
			if (strcmp(t->shell, shells[i]) == 0)
				break;
		}
		if (t == NULL)
			printf("%-*s  (no tools from the Nix store)\n", (int)ws,
			    shells[i]);
	}
}

static int
cmd_tools_exec(const struct cmd_parsed *p)
{
	struct toolslist	*tl = NULL;
	struct shell_reply	 r;
	struct buf		 text = BUF_INIT;
	char			*dir = NULL, *cause = NULL, **names = NULL;
	char			*file = NULL, *root = NULL;
	long			 timeout = 600;
	time_t			 deadline;
	size_t			 i;
	int			 save = cmd_get(p, "write") != NULL;
	int			 rc = EXIT_FAIL;

	if (cmd_number(p, "timeout", 1, 86400, &timeout) != 0)
		return (EXIT_USAGE);
	deadline = time(NULL) + timeout;
	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL)
		goto fail;
	/* Settle DIR's own shell first: it says whether all is allowed. */
	progress_start_shell(dir);
	if (tools_ask(MSG_WAIT, dir, NULL, (int)timeout * 1000, &r,
	    &cause) != 0)
		goto fail;
	switch (r.state) {
	case SHELL_NONE:
		if (*r.root == '\0') {
			cause = xasprintf("no %s in %s or any parent directory",
			    PATH_FLAKE, dir);
			shell_reply_release(&r);
			goto fail;
		}
		break;
	case SHELL_UNTRUSTED:
		cause = xasprintf("%s is not allowed (run hearth allow)",
		    r.root);
		shell_reply_release(&r);
		goto fail;
	case SHELL_BLOCKED:
		cause = xasprintf("%s is blocked: %s (run hearth allow)",
		    r.root, r.message ? r.message : "");
		shell_reply_release(&r);
		goto fail;
	default:
		break;
	}
	root = xstrdup(r.root);
	shell_reply_release(&r);
	if ((names = tools_names(root, deadline, &cause)) == NULL)
		goto fail;

	tl = toolslist_new();
	for (i = 0; names[i] != NULL; i++) {
		progress_set("reading the tools of the %s shell of %s",
		    names[i], root);
		if (tools_shell(tl, dir, names[i], save, &cause) != 0)
			goto fail;
	}
	progress_end();
	if (!save) {
		tools_print(tl);
		rc = EXIT_OK;
		goto out;
	}
	toolslist_encode(tl, &text);
	file = path_join(root, TOOLSLIST_FILE);
	if (savefile_write(file, text.data, text.len, &cause) != 0)
		goto fail;
	printf("hearth: wrote %s: %zu tools of %zu devShells (commit it)\n",
	    file, toolslist_count(tl), i);
	rc = EXIT_OK;
	goto out;
fail:
	progress_end();
	fprintf(stderr, "hearth tools: %s\n", cause);
	free(cause);
out:
	for (i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
	buf_release(&text);
	toolslist_free(tl);
	free(file);
	free(root);
	free(dir);
	return (rc);
}
