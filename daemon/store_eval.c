/*
 * The store's evaluation log: one row per evaluation of a shell, good or
 * failed, with its reason and Nix's output, and the per-shell counters
 * that stats reads. Each write runs in one transaction with the counters,
 * so that they never count a row that is missing; a successful one rides
 * in store_snapshot_put's.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "store-private.h"
#include "store.h"

/* Evaluation records kept per shell. */
#define STORE_KEEP_EVALS	50

void
store_eval_release(struct store_eval *ev)
{
	free(ev->reason);
	free(ev->log);
	memset(ev, 0, sizeof *ev);
}

int
store_eval_insert(struct store *s, int64_t shell, const struct store_eval *ev)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "UPDATE shells SET evaluations = evaluations"
	    " + 1, failures = failures + ?1 WHERE id = ?2");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int(st, 1, ev->ok ? 0 : 1);
	sqlite3_bind_int64(st, 2, shell);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (-1);

	st = store_prepare(s, "INSERT INTO evals (shell_id, started_at,"
	    " duration_ms, ok, reason, log) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	sqlite3_bind_int64(st, 2, ev->started_at);
	sqlite3_bind_int64(st, 3, ev->duration_ms);
	sqlite3_bind_int(st, 4, ev->ok);
	sqlite3_bind_text(st, 5, ev->reason ? ev->reason : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, ev->log ? ev->log : "",
	    ev->log ? (int)strlen(ev->log) : 0, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (-1);
	/* Keep the log bounded. */
	st = store_prepare(s, "DELETE FROM evals WHERE shell_id = ?1 AND id"
	    " NOT IN (SELECT id FROM evals WHERE shell_id = ?1"
	    " ORDER BY id DESC LIMIT ?2)");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	sqlite3_bind_int(st, 2, STORE_KEEP_EVALS);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_eval_failed(struct store *s, int64_t shell, const struct store_eval *ev)
{
	/*
	 * One transaction: on a full disk the counters fit where they are
	 * but the log row does not, and they must not count a missing row.
	 */
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return (-1);
	if (store_eval_insert(s, shell, ev) != 0 ||
	    store_exec(s, "COMMIT") != 0) {
		log_warnx("store: cannot log evaluation: %s",
		    sqlite3_errmsg(s->db));
		store_rollback(s);
		return (-1);
	}
	return (0);
}

int
store_eval_last(struct store *s, int64_t shell, struct store_eval *ev)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "SELECT started_at, duration_ms, ok, reason,"
	    " log FROM evals WHERE shell_id = ?1 ORDER BY id DESC LIMIT 1");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		store_eval_release(ev);
		ev->started_at = sqlite3_column_int64(st, 0);
		ev->duration_ms = sqlite3_column_int(st, 1);
		ev->ok = sqlite3_column_int(st, 2);
		ev->reason = xstrdup((const char *)sqlite3_column_text(st, 3));
		ev->log = xstrndup(sqlite3_column_blob(st, 4) ?
		    sqlite3_column_blob(st, 4) : "",
		    sqlite3_column_bytes(st, 4));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}
