/*
 * The store's internals, shared by the files that make it up (store.c,
 * store_snapshot.c, store_eval.c) and by no other: the connection behind
 * struct store and the statement helpers they all run their SQL through.
 * Everything else sees struct store only through store.h.
 */
#ifndef STORE_PRIVATE_H
#define STORE_PRIVATE_H

#include <stdint.h>

#include <sqlite3.h>

struct store_eval;

struct store {
	sqlite3		*db;
	uint64_t	 epoch;		/* this store file's, from meta */
};

/* Run SQL without parameters or rows; 0, or -1 logged. */
int		 store_exec(struct store *, const char *);
/* Roll back the open transaction, if SQLite has not already. */
void		 store_rollback(struct store *);
/* Prepare one statement; NULL logged. */
sqlite3_stmt	*store_prepare(struct store *, const char *);
/* Run a statement taking two integers (?1, ?2) and returning no rows. */
int		 store_run_ints(struct store *, const char *, int64_t, int64_t);
/*
 * Count an evaluation in its shell's counters and log it, inside the
 * caller's transaction (store_eval.c).
 */
int		 store_eval_insert(struct store *, int64_t,
		     const struct store_eval *);

#endif
