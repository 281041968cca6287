/*
 * hearthd: the interface of devshell.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_DEVSHELL_H
#define HEARTHD_DEVSHELL_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/protocol.h"

struct devshell;
struct devshell_ops;
struct inputs;

/* The state of a shell as a reply describes it. */
struct shell_info {
	enum shell_state state;
	char		*root;
	const char	*shell;
	char		*message;
	const char	*changed;	/* what changed for the last switch */
	uint64_t	 snapshot_id;	/* store_snapshot_wire_id's */
	uint64_t	 snapshot_made;
	uint64_t	 last_eval;
	uint32_t	 last_eval_ms;
	const char	*inputs_note;	/* why the inputs are approximate */
	uint64_t	 eval_started;	/* the running evaluation's, or 0 */
	const char	*activity;	/* what it is doing, or NULL */
	const struct buf *env;		/* NULL when there is no snapshot */
	const struct buf *hook_output;
};

/*
 * devshell.c: one devShell of a workspace, its snapshots and what it
 * tells; devshell_eval.h keeps it in line with its inputs.
 */
/* A shell of the owner (ops' argument) at root, top and store id. */
struct devshell	*devshell_new(const struct devshell_ops *, void *,
		     const char *, const char *, int64_t, const char *);
void		 devshell_free(struct devshell *);
const char	*devshell_name(struct devshell *);
/* Fill in a reply's view of the shell. */
void		 devshell_describe(struct devshell *, struct shell_info *);
/* Free what a description holds. */
void		 shell_info_release(struct shell_info *);
/* Add the files the shell depends on (current and failed run) to a set. */
void		 devshell_inputs(struct devshell *, struct inputs *);
/* Evaluate again now, whatever the inputs say (`hearth reload`). */
void		 devshell_reload(struct devshell *);
/* Forget a failure, so that the next refresh evaluates (hearth allow). */
void		 devshell_unfail(struct devshell *);
/* What a failure's message tells the user to run. */
#define DEVSHELL_HINT	"(`hearth log` shows why; `hearth reload` tries again)"
/* Append the last evaluation's record and Nix's output; 0 if none. */
int		 devshell_log(struct devshell *, struct buf *);
/* The shell's snapshot was applied by a client: keep it warm and rooted. */
void		 devshell_used(struct devshell *);

#endif
