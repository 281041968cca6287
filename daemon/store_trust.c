/*
 * The store's allowances: for each workspace, the input sets (each file's
 * path, kind and content hash, encoded by inputs.c) that `hearth allow`
 * approved, or that an evaluation of approved content read. A bounded
 * number is kept per workspace, the least recently matched going first,
 * so switching back to a branch or undoing an edit needs no new allow.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "hearth/log.h"
#include "store-private.h"
#include "store.h"

int
store_trust_add(struct store *s, int64_t ws, const struct buf *set,
    unsigned keep, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc;

	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return (-1);
	st = store_prepare(s, "INSERT INTO allowances (workspace_id,"
	    " created_at, used_at, inputs) VALUES (?1, ?2, ?2, ?3)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, ws);
	sqlite3_bind_int64(st, 2, time(NULL));
	sqlite3_bind_blob(st, 3, set->len ? set->data : "", (int)set->len,
	    SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(s->db);
	/* The newest row is kept whatever the clock says. */
	if (store_run_ints(s, "DELETE FROM allowances WHERE workspace_id = ?1"
	    " AND id NOT IN (SELECT id FROM allowances WHERE workspace_id ="
	    " ?1 ORDER BY used_at DESC, id DESC LIMIT ?2)", ws, keep) != 0 ||
	    store_exec(s, "COMMIT") != 0)
		goto fail;
	return (0);
fail:
	log_warnx("store: allowance: %s", sqlite3_errmsg(s->db));
	store_rollback(s);
	return (-1);
}

int
store_trust_update(struct store *s, int64_t id, const struct buf *set)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "UPDATE allowances SET inputs = ?1, used_at ="
	    " ?2 WHERE id = ?3");
	if (st == NULL)
		return (-1);
	sqlite3_bind_blob(st, 1, set->len ? set->data : "", (int)set->len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, time(NULL));
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: allowance: %s", sqlite3_errmsg(s->db));
		return (-1);
	}
	return (0);
}

int
store_trust_used(struct store *s, int64_t id)
{
	return (store_run_ints(s, "UPDATE allowances SET used_at = ?2"
	    " WHERE id = ?1", id, time(NULL)));
}

int
store_trust_each(struct store *s, int64_t ws, store_trust_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "SELECT id, created_at, used_at, inputs FROM"
	    " allowances WHERE workspace_id = ?1 ORDER BY used_at DESC,"
	    " id DESC");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, ws);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cb(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
		    sqlite3_column_int64(st, 2), sqlite3_column_blob(st, 3),
		    (size_t)sqlite3_column_bytes(st, 3), arg);
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_trust_clear(struct store *s, int64_t ws)
{
	return (store_run_ints(s, "DELETE FROM allowances WHERE workspace_id"
	    " = ?1", ws, 0));
}
