/*
 * The workspaces' trust (see trust.c): what is covered (every file any
 * shell's evaluations read), whether it still holds allowed content, and
 * `hearth allow`, `hearth deny` and the review of what is pending.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "changed.h"
#include "devshell.h"
#include "devshell_eval.h"
#include "inputs.h"
#include "names.h"
#include "settings.h"
#include "store.h"
#include "trust.h"
#include "watchset.h"
#include "workspace.h"
#include "workspace-private.h"

/* Every file the workspace's evaluations read: base and each shell's. */
struct inputs *
workspace_inputs(struct workspace *ws)
{
	struct shell_entry	*e;
	struct inputs		*in;

	in = inputs_new();
	/* Hashed as Nix sees them: only what git tracks in a directory. */
	inputs_set_top(in, ws->top);
	inputs_merge(in, ws->base);
	TAILQ_FOREACH(e, &ws->shells, entry)
		devshell_inputs(e->sh, in);
	return (in);
}

/* 1 if the workspace is allowed and every file it reads still is. */
int
workspace_trusted(struct workspace *ws)
{
	struct inputs	*in;
	int		 was = ws->blocked;

	if (!trust_allowed(ws->trust))
		return (0);
	in = workspace_inputs(ws);
	ws->blocked = !trust_check(ws->trust, in);
	inputs_free(in);
	if (ws->blocked != was) {
		if (ws->blocked)
			log_info("%s: %s changed since it was allowed; "
			    "blocked", ws->root, trust_changed(ws->trust));
		else
			log_info("%s: trusted again", ws->root);
		changed_announce("trust changed");
	}
	return (!ws->blocked);
}

/* What the workspace's blocked state says: which file, and whose. */
char *
workspace_blocked_why(struct workspace *ws)
{
	const char	*what = trust_changed(ws->trust);

	return (xasprintf("%s changed since you allowed %s",
	    what != NULL ? what : "a file it reads", ws->root));
}

int
workspace_allow(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	struct shell_entry	*e;
	struct inputs		*in;
	struct buf		 changed = BUF_INIT;
	char			*root, hex[HASH_HEX_SIZE];
	int64_t			 id;
	int			 rc;

	if ((root = trust_record(dir, hex, &id, cause)) == NULL)
		return (-1);
	if ((ws = workspace_find(root)) == NULL)
		ws = workspace_add(id, root, NULL);
	in = workspace_inputs(ws);
	rc = trust_allow(ws->trust, in, &changed);
	inputs_free(in);
	if (rc != 0) {
		*cause = xasprintf("cannot allow %s: its files changed while "
		    "allowing, or the store failed (see the daemon log)",
		    root);
		free(root);
		buf_release(&changed);
		return (-1);
	}
	ws->blocked = 0;
	/* Allowing again tries again what failed. */
	names_reload(ws->names);
	TAILQ_FOREACH(e, &ws->shells, entry)
		devshell_unfail(e->sh);
	workspace_rewatch(ws);
	workspace_refresh(ws);
	*msg = changed.len != 0 ? xasprintf("allowed %s; changed since the "
	    "last allowance: %s", root, changed.data) : xasprintf("allowed "
	    "%s", root);
	log_info("%s", *msg);
	free(root);
	buf_release(&changed);
	changed_announce("allowed");
	return (0);
}

/* Allow a workspace its user's config.ini trusts by location. */
int
workspace_allow_quiet(const char *root)
{
	char	*msg = NULL, *cause = NULL;
	int	 rc;

	if ((rc = workspace_allow(root, &msg, &cause)) != 0)
		log_warnx("%s", cause);
	free(msg);
	free(cause);
	return (rc);
}

int
workspace_review(const char *dir, char **text, char **cause)
{
	struct workspace	*ws;
	struct inputs		*in;
	struct buf		 b = BUF_INIT;
	char			*root;

	if ((root = path_find_workspace(dir)) == NULL) {
		*cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		return (-1);
	}
	buf_addf(&b, "root\t%s\n", root);
	if ((ws = workspace_find(root)) == NULL)
		buf_adds(&b, "state\tuntrusted\n");
	else {
		in = workspace_inputs(ws);
		trust_review(ws->trust, in, &b);
		inputs_free(in);
	}
	*text = xstrdup(b.data);
	buf_release(&b);
	free(root);
	return (0);
}

int
workspace_deny(const char *dir, char **msg, char **cause)
{
	struct workspace	*ws;
	struct shell_entry	*e;
	char			*root;
	int64_t			 id;

	if ((root = trust_record(dir, NULL, &id, cause)) == NULL)
		return (-1);
	store_trust_clear(settings.store, id);
	if ((ws = workspace_find(root)) != NULL) {
		trust_deny(ws->trust);
		TAILQ_FOREACH(e, &ws->shells, entry)
			devshell_eval_cancel(e->sh);
		names_cancel(ws->names);
		watchset_clear(ws->watch);
	}
	*msg = xasprintf("denied %s", root);
	log_info("%s", *msg);
	free(root);
	changed_announce("denied");
	return (0);
}

