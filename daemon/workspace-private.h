/*
 * The workspaces' internals, shared by the files that make the
 * coordinator up (workspace.c, workspace_trust.c, workspace_query.c) and
 * by no other.
 */
#ifndef WORKSPACE_PRIVATE_H
#define WORKSPACE_PRIVATE_H

#include <sys/queue.h>

#include <stdint.h>

#include "hearth/wsconfig.h"
#include "shellmap.h"

#define nitems(a)		(sizeof (a) / sizeof *(a))

#define WORKSPACE_CONFIG	WSCONFIG_FILE
#define WORKSPACE_DEFAULT	SHELLMAP_DEFAULT

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
/* The workspace after one (the first after NULL); NULL at the end. */
struct workspace *workspace_next(struct workspace *);
/* Check the workspace's own files; -1 with ws->unreadable set. */
int		 workspace_check_files(struct workspace *);
/* The shell for a directory inside a workspace; NULL when none applies. */
const char	*workspace_shell_for(struct workspace *, const char *);
/* A shell of the workspace by name, or NULL. */
struct devshell	*workspace_shell(struct workspace *, const char *);
/* The same, made (and tended) if it is not yet. */
struct devshell	*workspace_add_shell(struct workspace *, const char *);

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
