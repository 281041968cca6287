/*
 * A devShell's internals, shared by the files that make it up
 * (devshell.c, devshell_eval.c) and by no other.
 */
#ifndef DEVSHELL_PRIVATE_H
#define DEVSHELL_PRIVATE_H

#include <stdint.h>
#include <time.h>

#include "hearth/hash.h"
#include "store.h"

struct eval;
struct inputs;
struct scheduler_ops;

struct devshell {
	const struct devshell_ops *ops;
	void			*ws;		/* the owner, for ops */
	const char		*root;		/* the owner's, outliving us */
	const char		*top;
	int64_t			 ws_id;
	char			*name;
	int64_t			 id;
	char			*salt;		/* name, system, Nix version */

	struct store_snapshot	 snap;		/* last good; id 0 if none */
	struct inputs		*snap_inputs;
	char			*changed;	/* why the last switch */

	struct inputs		*failed_inputs;	/* of the failed run */
	char			 failed_key[HASH_HEX_SIZE];
	char			*error;
	unsigned		 retries;	/* of a passing failure */
	int64_t			 last_eval;
	uint32_t		 last_eval_ms;

	struct eval		*eval;
	struct inputs		*eval_inputs;	/* recorded at the start */
	char			 eval_index[HASH_HEX_SIZE]; /* git's paths */
	int			 eval_index_ok;
	int			 forced;	/* hearth reload asked */
	int			 stale_told;	/* prompts told a new one comes */
	int64_t			 eval_started;
	struct timespec		 eval_start_ts;
};

/* devshell_eval.c */
/* A shell's evaluation, as the scheduler runs it. */
extern const struct scheduler_ops devshell_job;
/* A new input set, aware of the flake's git index. */
struct inputs	*devshell_new_inputs(struct devshell *);
/* Replace the current snapshot (taking over the given one's contents). */
void		 devshell_set_snapshot(struct devshell *,
		     struct store_snapshot *);

#endif
