/*
 * The workspaces' internals, shared by the files that make the
 * coordinator up (workspace.c, workspace_trust.c) and by no other.
 */
#ifndef WORKSPACE_PRIVATE_H
#define WORKSPACE_PRIVATE_H

#include <sys/queue.h>

#include <stdint.h>

#include "hearth/wsconfig.h"

#define nitems(a)		(sizeof (a) / sizeof *(a))

struct devshell;
struct inputs;

struct shell_entry {
	struct devshell		*sh;
	TAILQ_ENTRY(shell_entry) entry;
};

struct workspace {
	int64_t			 id;
	char			*root;
	char			*top;
	struct trust		*trust;
	int			 blocked;
	char			*unreadable;	/* why its own files are bad */
	struct inputs		*base;		/* flake.nix, flake.lock, ini */
	struct wsconfig		*config;	/* the last usable one */
	char			*config_error;	/* why the file is not */
	struct names		*names;
	struct roots		*roots;
	struct watchset		*watch;
	char			*wanted[8];	/* dirs asked for while listing */

	TAILQ_HEAD(, shell_entry) shells;
	TAILQ_ENTRY(workspace)	 entry;
};

/* workspace.c */
struct workspace *workspace_find(const char *);
/* A workspace in memory (store id, root, allowed marker or NULL). */
struct workspace *workspace_add(int64_t, const char *, const char *);
/* Re-read a workspace's files after they changed. */
void		 workspace_refresh(struct workspace *);
/* Watch the directories of every file the workspace depends on. */
void		 workspace_rewatch(struct workspace *);

/* workspace_trust.c */
/* Every file the workspace's evaluations read. */
struct inputs	*workspace_inputs(struct workspace *);
/* 1 if the workspace is allowed and every file it reads still is. */
int		 workspace_trusted(struct workspace *);
/* What a blocked workspace says: which file changed, since whose allow. */
char		*workspace_blocked_why(struct workspace *);
/* Allow a workspace its user's config.ini trusts by location. */
int		 workspace_allow_quiet(const char *);

#endif
