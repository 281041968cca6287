/*
 * hearthd: the interface of workspace.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_WORKSPACE_H
#define HEARTHD_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>
#include "hearth/buf.h"
#include "devshell.h"
#include "scheduler.h"

struct devshell;

/* workspace.c: workspaces, their trust, config and devShell names. */
/* Load the allowed workspaces and start watching them. */
int		 workspace_start(char **);
/* Stop watching files (at shutdown, while evaluations wind down). */
void		 workspace_unwatch(void);
/* Free every workspace, once the loop has ended. */
void		 workspace_stop(void);
/* workspace_trust.c */
/* Allow or deny the workspace holding a directory. */
int		 workspace_allow(const char *, char **, char **);
int		 workspace_deny(const char *, char **, char **);
/* What trust.c's review says of the workspace holding a directory. */
int		 workspace_review(const char *, char **, char **);
/* workspace_query.c: what requests ask of a directory's shell. */
/* Describe the shell for a directory, refreshing its inputs first. */
void		 workspace_describe(const char *, struct shell_info *);
/*
 * The same for a devShell named by the caller (its string must outlive
 * the description) rather than the one the directory maps to.
 */
void		 workspace_describe_named(const char *, const char *,
		     struct shell_info *);
/* The shell of a directory, for reload/log/used; NULL with *cause. */
struct devshell	*workspace_devshell(const char *, char **);
/* hearth reload: list the devShells again if that failed, else evaluate. */
int		 workspace_reload(const char *, char **, char **);
/*
 * What hearth log shows for a directory's shell: a broken .hearth.ini, a
 * failed listing of the devShells, and the shell's last evaluation,
 * with Nix's output; -1 with *cause when there is none of them.
 */
int		 workspace_log(const char *, struct buf *, char **);
/* Call cb with the description of every shell of every workspace. */
void		 workspace_each(void (*)(const struct shell_info *, void *),
		     void *);
/* workspace.c */
/*
 * Drop vanished workspaces and those unused for days, unless a shell is
 * in them (with dry_run, only say which); a summary.
 */
int		 workspace_gc(unsigned, int, char **, char **);
/* What the scheduler is started with: refresh the dirty workspaces. */
extern const struct scheduler_hooks workspace_scheduler_hooks;

#endif
