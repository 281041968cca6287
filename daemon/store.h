/*
 * hearthd: the interface of store.c and its siblings.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_STORE_H
#define HEARTHD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/hash.h"

struct inputs;
struct sqlite3;
struct store;

/*
 * store.c, store_snapshot.c, store_eval.c: the SQLite store (workspaces,
 * snapshots, the evaluation log); never sees libuv.
 */
struct store_snapshot {
	int64_t		 id;
	char		 key[HASH_HEX_SIZE];
	struct buf	 env;		/* encoded envdiff */
	struct buf	 hook_output;
	struct buf	 notes;		/* variables some shell cannot get */
	struct buf	 inputs;	/* encoded struct inputs */
	char		*gcroot;	/* the profile generation rooting it */
	int64_t		 created_at;
	int64_t		 last_used;
	uint32_t	 eval_ms;
};
struct store_eval {
	int64_t		 started_at;
	uint32_t	 duration_ms;
	int		 ok;
	char		*reason;
	char		*log;
};
typedef void	(*store_workspace_cb)(int64_t, const char *, const char *,
		    void *);
typedef void	(*store_gcroot_cb)(const char *);
typedef void	(*store_stats_cb)(const char *, uint32_t, uint32_t, uint32_t,
		    uint32_t, uint32_t, void *);
/* Keep a workspace (root, used recently)? Non-zero keeps it. */
typedef int	(*store_gc_cb)(const char *, int, void *);
/* Called per snapshot; a non-zero return stops the walk. */
typedef int	(*store_snapshot_cb)(const struct store_snapshot *, void *);

/* Open (creating or migrating) the store; NULL with *cause on failure. */
struct store	*store_open(const char *, char **);
/* Close the store. */
void		 store_close(struct store *);
/*
 * The store's SQLite connection, for the unit tests only: connection
 * settings such as PRAGMA max_page_count (a full disk) cannot be made from
 * another connection.
 */
struct sqlite3	*store_db(struct store *);
/* Call cb(id, root, allowed hash) for every allowed workspace. */
int		 store_workspaces_allowed(struct store *, store_workspace_cb,
		     void *);
/* Find or create a workspace row by root; its id in *id. */
int		 store_workspace_ensure(struct store *, const char *,
		     int64_t *);
/* Set (hash) or clear (NULL) a workspace's allowance. */
int		 store_workspace_trust(struct store *, int64_t, const char *);
/* Find or create a shell row; its id in *id. */
int		 store_shell_ensure(struct store *, int64_t, const char *,
		     int64_t *);
/* A workspace's devShell names (NUL-separated) and the key they were
 * listed for; 1 if known, 0 if not, -1 on error. */
int		 store_workspace_names(struct store *, int64_t, struct buf *,
		     char [HASH_HEX_SIZE]);
int		 store_workspace_set_names(struct store *, int64_t,
		     const struct buf *, const char *);
/* Mark a workspace used now: gc keeps it. */
int		 store_workspace_used(struct store *, int64_t);
/*
 * Per workspace: root, shells, evaluations, failures, cache hits and the
 * median of the recent successful evaluations' times.
 */
int		 store_stats(struct store *, store_stats_cb, void *);
/*
 * Forget the workspaces keep() refuses, given whether each was used since
 * the time given, in one transaction; the count in *removed. keep() is
 * asked inside the transaction, so it must only decide: its verdicts hold
 * only if this returns 0. The snapshots' GC roots go to unroot() once it
 * has committed. On failure nothing is removed and SQLite's reason is in
 * *cause (if given).
 */
int		 store_gc(struct store *, int64_t, store_gc_cb, store_gcroot_cb,
		     void *, unsigned *, char **);

/* store_snapshot.c */
/*
 * A snapshot's id as clients hold it: the store file's random epoch above
 * STORE_ID_BITS bits of id, so that ids from a store since rebuilt never
 * match; 0 for none.
 */
#define STORE_ID_BITS	40
uint64_t	 store_snapshot_wire_id(struct store *, int64_t);
/* Initialise and release a snapshot record. */
void		 store_snapshot_init(struct store_snapshot *);
void		 store_snapshot_release(struct store_snapshot *);
/* Load a shell's current snapshot; 1 if found, 0 if none, -1 on error. */
int		 store_snapshot_current(struct store *, int64_t,
		     struct store_snapshot *);
/*
 * Store a new snapshot, make it the shell's current one, log the
 * evaluation and evict the least recently used snapshots beyond the
 * shell's cache, all in one transaction; the new id in snap->id. The
 * evicted snapshots' GC roots go to the callback once that has committed.
 * On failure nothing is kept and SQLite's reason is in *cause (if given).
 */
int		 store_snapshot_put(struct store *, int64_t,
		     struct store_snapshot *, const struct store_eval *,
		     store_gcroot_cb, char **);
/* Walk a shell's snapshots, most recently used first. */
int		 store_snapshots_each(struct store *, int64_t,
		     store_snapshot_cb, void *);
/* Make a cached snapshot the shell's current one, and mark it used. */
int		 store_snapshot_use(struct store *, int64_t, int64_t);
/* Mark a snapshot used now: the LRU and gc keep it. */
int		 store_snapshot_touch(struct store *, int64_t);

/* store_eval.c */
/* Release an eval record. */
void		 store_eval_release(struct store_eval *);
/* Log a failed evaluation. */
int		 store_eval_failed(struct store *, int64_t,
		     const struct store_eval *);
/* The shell's most recent evaluation; 1 if found, 0 if none, -1 on error. */
int		 store_eval_last(struct store *, int64_t, struct store_eval *);

/* store_trust.c */
/* Per allowed input set: row id, created, last matched, encoded inputs. */
typedef void	(*store_trust_cb)(int64_t, int64_t, int64_t, const void *,
		    size_t, void *);
/*
 * Add an allowed input set to a workspace, keeping the keep most recently
 * matched; the new row's id in *id.
 */
int		 store_trust_add(struct store *, int64_t, const struct buf *,
		     unsigned, int64_t *);
/* Replace an allowed set's inputs (it grew), and mark it matched now. */
int		 store_trust_update(struct store *, int64_t,
		     const struct buf *);
/* Mark an allowed set matched now. */
int		 store_trust_used(struct store *, int64_t);
/* Call cb for each of a workspace's allowed sets, last matched first. */
int		 store_trust_each(struct store *, int64_t, store_trust_cb,
		     void *);
/* Forget all of a workspace's allowed sets (hearth deny). */
int		 store_trust_clear(struct store *, int64_t);

#endif
