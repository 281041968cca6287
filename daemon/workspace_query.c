/*
 * What requests ask of the workspaces (see workspace.c): of a directory,
 * the state of its shell (its workspace found, allowed by the user's
 * config.ini or not, its files and its devShell names checked first), the
 * shell itself, its log and a reload; and the state of every shell.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/path.h"
#include "hearth/protocol.h"
#include "hearth/xmalloc.h"
#include "devshell.h"
#include "devshell_eval.h"
#include "names.h"
#include "trust.h"
#include "trustconf.h"
#include "workspace.h"
#include "workspace-private.h"

void
workspace_describe(const char *dir, struct shell_info *info)
{
	workspace_describe_named(dir, NULL, info);
}

void
workspace_describe_named(const char *dir, const char *want,
    struct shell_info *info)
{
	struct workspace	*ws;
	struct devshell		*sh;
	const char		*name;
	char			*msg;

	memset(info, 0, sizeof *info);
	if ((info->root = path_find_workspace(dir)) == NULL) {
		info->state = SHELL_NONE;
		return;
	}
	if (((ws = workspace_find(info->root)) == NULL ||
	    !trust_allowed(ws->trust)) && trustconf_trusted(info->root) &&
	    workspace_allow_quiet(info->root) == 0)
		ws = workspace_find(info->root);
	if (ws == NULL || !trust_allowed(ws->trust)) {
		info->state = SHELL_UNTRUSTED;
		info->shell = WORKSPACE_DEFAULT;
		info->message = xstrdup("not allowed");
		return;
	}
	/* Judge against the files as they are now, not the last event. */
	workspace_refresh(ws);
	if (ws->unreadable != NULL) {
		info->state = SHELL_FAILED;
		info->shell = WORKSPACE_DEFAULT;
		info->message = xstrdup(ws->unreadable);
		return;
	}
	if (ws->blocked) {
		/* The last good snapshot stays: trusted content made it. */
		name = want != NULL ? want : workspace_shell_for(ws, dir);
		if (name != NULL && (sh = workspace_shell(ws, name)) != NULL)
			devshell_describe(sh, info);
		free(info->message);
		info->state = SHELL_BLOCKED;
		if (info->shell == NULL)
			info->shell = WORKSPACE_DEFAULT;
		info->message = workspace_blocked_why(ws);
		return;
	}
	if ((name = want) == NULL &&
	    (name = workspace_shell_for(ws, dir)) == NULL) {
		info->state = SHELL_NONE;
		info->shell = "";
		info->message = xstrdup("no devShell for this directory");
		return;
	}
	if (names_list(ws->names) == NULL) {
		/* Listing the devShells (or failed to); remember who waits. */
		names_hurry(ws->names);
		for (size_t i = 0; want == NULL && i < nitems(ws->wanted);
		    i++) {
			if (ws->wanted[i] == NULL) {
				ws->wanted[i] = xstrdup(dir);
				break;
			}
			if (strcmp(ws->wanted[i], dir) == 0)
				break;
		}
		info->shell = name;
		info->state = names_error(ws->names) != NULL ? SHELL_FAILED :
		    SHELL_EVALUATING;
		if (names_error(ws->names) != NULL)
			info->message = xasprintf("%s %s",
			    names_error(ws->names), DEVSHELL_HINT);
		return;
	}
	if (!names_has(ws->names, name)) {
		info->state = SHELL_FAILED;
		info->shell = name;
		info->message = want != NULL ? xasprintf("no devShell named "
		    "%s", name) : xasprintf("no devShell named %s (.hearth.ini "
		    "maps this directory to it)", name);
		return;
	}
	sh = workspace_add_shell(ws, name);
	/* The shell a user is in goes first. */
	devshell_refresh(sh, 1);
	devshell_describe(sh, info);
	if (ws->config_error != NULL) {
		/* Its last good snapshot stays usable: say what to fix. */
		msg = xasprintf("%s (fix it; until then the last good %s "
		    "applies)%s%s", ws->config_error, WORKSPACE_CONFIG,
		    info->state == SHELL_FAILED ? "; " : "",
		    info->state == SHELL_FAILED ? info->message : "");
		free(info->message);
		info->message = msg;
		info->state = SHELL_FAILED;
	}
}

/* The shell of a directory, and its workspace in *wsp (found once). */
static struct devshell *
workspace_devshell_ws(const char *dir, struct workspace **wsp, char **cause)
{
	struct workspace	*ws;
	const char		*name;
	char			*root;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (NULL);
	}
	ws = workspace_find(root);
	if (ws == NULL || !trust_allowed(ws->trust)) {
		*cause = xasprintf("%s is not allowed (run hearth allow)", root);
		free(root);
		return (NULL);
	}
	free(root);
	if (workspace_check_files(ws) != 0) {
		*cause = xasprintf("%s: %s", ws->root, ws->unreadable);
		return (NULL);
	}
	if (!workspace_trusted(ws)) {
		root = workspace_blocked_why(ws);
		*cause = xasprintf("%s is blocked: %s (run hearth allow)",
		    ws->root, root);
		free(root);
		return (NULL);
	}
	if ((name = workspace_shell_for(ws, dir)) == NULL ||
	    (names_list(ws->names) != NULL && !names_has(ws->names, name))) {
		*cause = xasprintf("no devShell for %s", dir);
		return (NULL);
	}
	*wsp = ws;
	return (workspace_add_shell(ws, name));
}

struct devshell *
workspace_devshell(const char *dir, char **cause)
{
	struct workspace	*ws;

	return (workspace_devshell_ws(dir, &ws, cause));
}

int
workspace_reload(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	struct devshell		*sh;

	if ((sh = workspace_devshell_ws(dir, &ws, cause)) == NULL)
		return (-1);
	/* A failed listing first: the shells come of it. */
	if (names_error(ws->names) != NULL || names_list(ws->names) == NULL) {
		names_reload(ws->names);
		*msg = xasprintf("listing the devShells of %s again",
		    ws->root);
		return (0);
	}
	devshell_reload(sh);
	*msg = xasprintf("evaluating the %s shell again", devshell_name(sh));
	return (0);
}

int
workspace_log(const char *dir, struct buf *out, char **cause)
{
	struct workspace	*ws;
	struct devshell		*sh;
	struct shell_info	 info;

	if ((sh = workspace_devshell_ws(dir, &ws, cause)) == NULL)
		return (-1);
	/* What keeps the shell from being current, first. */
	if (ws->config_error != NULL)
		buf_addf(out, "%s/%s: %s (fix it; until then the last good "
		    "mapping applies)\n\n", ws->root, WORKSPACE_CONFIG,
		    ws->config_error);
	if (names_log(ws->names, out))
		buf_adds(out, "\n");
	if (devshell_log(sh, out) <= 0 && out->len == 0) {
		memset(&info, 0, sizeof info);
		devshell_describe(sh, &info);
		*cause = xasprintf("the %s shell of %s has not been evaluated "
		    "yet%s", devshell_name(sh), ws->root,
		    info.state == SHELL_EVALUATING ? "; it is being evaluated "
		    "now (hearth wait)" : "");
		shell_info_release(&info);
		return (-1);
	}
	return (0);
}

void
workspace_each(void (*cb)(const struct shell_info *, void *), void *arg)
{
	struct workspace	*ws;
	struct shell_entry	*e;
	struct shell_info	 info;
	size_t			 n;

	for (ws = workspace_next(NULL); ws != NULL; ws = workspace_next(ws)) {
		if (trust_allowed(ws->trust) && ws->unreadable != NULL) {
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			info.state = SHELL_FAILED;
			info.shell = "";
			info.message = xstrdup(ws->unreadable);
			cb(&info, arg);
			shell_info_release(&info);
			continue;
		}
		if (!workspace_trusted(ws)) {
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			info.state = !trust_allowed(ws->trust) ?
			    SHELL_UNTRUSTED : SHELL_BLOCKED;
			if (info.state == SHELL_BLOCKED)
				info.message = workspace_blocked_why(ws);
			info.shell = "";
			cb(&info, arg);
			shell_info_release(&info);
			continue;
		}
		n = 0;
		TAILQ_FOREACH(e, &ws->shells, entry) {
			if (!names_has(ws->names, devshell_name(e->sh)))
				continue;
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			devshell_describe(e->sh, &info);
			cb(&info, arg);
			shell_info_release(&info);
			n++;
		}
		if (n == 0) {
			/* Still listing its devShells, or failed to. */
			memset(&info, 0, sizeof info);
			info.root = xstrdup(ws->root);
			info.shell = "";
			info.state = names_error(ws->names) != NULL ?
			    SHELL_FAILED : SHELL_EVALUATING;
			if (names_error(ws->names) != NULL)
				info.message = xstrdup(names_error(ws->names));
			cb(&info, arg);
			shell_info_release(&info);
		}
	}
}
