/*
 * The store: one SQLite file under the state directory holding
 * workspaces and their trust, shells, snapshots and the evaluation log.
 * This file holds the workspace and shell rows, their stats and gc, and
 * the statement helpers; store_open.c opens the file and keeps its
 * schema, store_snapshot.c holds the snapshots and store_eval.c the
 * evaluation log. Every multi-row write runs in one transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "eval.h"
#include "names.h"
#include "store-private.h"
#include "store.h"

int
store_exec(struct store *s, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: %s: %s", sql, err != NULL ? err : "?");
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

/*
 * Roll back the open transaction, if any: after some errors (SQLITE_FULL
 * among them) SQLite has rolled it back already, and a ROLLBACK then only
 * fails and logs a second, misleading error.
 */
void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		store_exec(s, "ROLLBACK");
}

sqlite3_stmt *
store_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		log_warnx("store: prepare %s: %s", sql, sqlite3_errmsg(s->db));
		return (NULL);
	}
	return (st);
}

/* Run a statement taking two integers (?1, ?2) and returning no rows. */
int
store_run_ints(struct store *s, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_workspaces_allowed(struct store *s, store_workspace_cb cb, void *arg)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "SELECT id, root, allowed_hash FROM workspaces"
	    " WHERE allowed_hash IS NOT NULL ORDER BY id");
	if (st == NULL)
		return (-1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cb(sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), arg);
	}
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Find or create a row: run an INSERT OR IGNORE, then a SELECT of its id.
 * Both statements name their parameters :parent, :text and :now; a
 * statement binds only those it names.
 */
static int
store_ensure(struct store *s, const char *insert, const char *select,
    int64_t parent, const char *text, int64_t *id)
{
	sqlite3_stmt	*st;
	int		 rc, i, idx;
	const char	*sql[2] = { insert, select };

	*id = 0;
	for (i = 0; i < 2; i++) {
		if ((st = store_prepare(s, sql[i])) == NULL)
			return (-1);
		if ((idx = sqlite3_bind_parameter_index(st, ":parent")) != 0)
			sqlite3_bind_int64(st, idx, parent);
		if ((idx = sqlite3_bind_parameter_index(st, ":text")) != 0)
			sqlite3_bind_text(st, idx, text, -1, SQLITE_STATIC);
		if ((idx = sqlite3_bind_parameter_index(st, ":now")) != 0)
			sqlite3_bind_int64(st, idx, time(NULL));
		rc = sqlite3_step(st);
		if (i == 1 && rc == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
			log_warnx("store: %s", sqlite3_errmsg(s->db));
			return (-1);
		}
	}
	return (*id == 0 ? -1 : 0);
}

int
store_workspace_ensure(struct store *s, const char *root, int64_t *id)
{
	return (store_ensure(s,
	    "INSERT OR IGNORE INTO workspaces (root, created_at)"
	    " VALUES (:text, :now)",
	    "SELECT id FROM workspaces WHERE root = :text", 0, root, id));
}

int
store_shell_ensure(struct store *s, int64_t ws, const char *name,
    int64_t *id)
{
	return (store_ensure(s,
	    "INSERT OR IGNORE INTO shells (workspace_id, name)"
	    " VALUES (:parent, :text)",
	    "SELECT id FROM shells WHERE workspace_id = :parent"
	    " AND name = :text", ws, name, id));
}

int
store_workspace_trust(struct store *s, int64_t id, const char *hash)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "UPDATE workspaces SET allowed_hash = ?1,"
	    " allowed_at = ?2 WHERE id = ?3");
	if (st == NULL)
		return (-1);
	if (hash != NULL)
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, time(NULL));
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		log_warnx("store: trust: %s", sqlite3_errmsg(s->db));
		return (-1);
	}
	return (0);
}

int
store_workspace_names(struct store *s, int64_t ws, struct buf *names,
    char key[HASH_HEX_SIZE])
{
	sqlite3_stmt	*st;
	int		 rc;
	const char	*k;

	st = store_prepare(s, "SELECT shell_names, names_key FROM workspaces"
	    " WHERE id = ?1 AND names_key IS NOT NULL");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, ws);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		buf_add(names, sqlite3_column_blob(st, 0),
		    sqlite3_column_bytes(st, 0));
		k = (const char *)sqlite3_column_text(st, 1);
		snprintf(key, HASH_HEX_SIZE, "%s", k ? k : "");
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_workspace_set_names(struct store *s, int64_t ws, const struct buf *names,
    const char *key)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "UPDATE workspaces SET shell_names = ?1,"
	    " names_key = ?2 WHERE id = ?3");
	if (st == NULL)
		return (-1);
	sqlite3_bind_blob(st, 1, names->data, (int)names->len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ws);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_stats(struct store *s, store_stats_cb cb, void *arg)
{
	sqlite3_stmt	*st, *med;
	int		 rc, n;
	uint32_t	 median;

	st = store_prepare(s, "SELECT w.id, w.root, count(h.id),"
	    " coalesce(sum(h.evaluations), 0), coalesce(sum(h.failures), 0),"
	    " coalesce(sum(h.cache_hits), 0) FROM workspaces w"
	    " LEFT JOIN shells h ON h.workspace_id = w.id"
	    " GROUP BY w.id ORDER BY w.root");
	med = store_prepare(s, "SELECT e.duration_ms FROM evals e"
	    " JOIN shells h ON h.id = e.shell_id"
	    " WHERE h.workspace_id = ?1 AND e.ok = 1"
	    " ORDER BY e.duration_ms LIMIT 1 OFFSET ?2");
	if (st == NULL || med == NULL) {
		sqlite3_finalize(st);
		sqlite3_finalize(med);
		return (-1);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* The median of the recent successful evaluations. */
		n = sqlite3_column_int(st, 3) - sqlite3_column_int(st, 4);
		median = 0;
		sqlite3_reset(med);
		sqlite3_bind_int64(med, 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int(med, 2, n > 1 ? n / 2 : 0);
		if (n > 0 && sqlite3_step(med) == SQLITE_ROW)
			median = sqlite3_column_int(med, 0);
		cb((const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
		    sqlite3_column_int(st, 4), sqlite3_column_int(st, 5),
		    median, arg);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(med);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_gc(struct store *s, int64_t unused_before, store_gc_cb keep,
    store_gcroot_cb unroot, void *arg, unsigned *removed, char **cause)
{
	sqlite3_stmt	*st = NULL, *roots = NULL, *del = NULL;
	struct buf	 gone = BUF_INIT;
	int64_t		 id, last;
	const char	*root, *p;
	unsigned	 n = 0;
	int		 rc;

	*removed = 0;
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		goto fail;
	st = store_prepare(s, "SELECT w.id, w.root, max(coalesce(w.last_used,"
	    " 0), coalesce(max(sn.last_used), 0), w.created_at)"
	    " FROM workspaces w LEFT JOIN shells h ON h.workspace_id = w.id"
	    " LEFT JOIN snapshots sn ON sn.shell_id = h.id GROUP BY w.id");
	roots = store_prepare(s, "SELECT sn.gcroot FROM snapshots sn"
	    " JOIN shells h ON h.id = sn.shell_id WHERE h.workspace_id = ?1");
	del = store_prepare(s, "DELETE FROM workspaces WHERE id = ?1");
	if (st == NULL || roots == NULL || del == NULL)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		root = (const char *)sqlite3_column_text(st, 1);
		last = sqlite3_column_int64(st, 2);
		if (keep(root, last >= unused_before, arg))
			continue;
		sqlite3_reset(roots);
		sqlite3_bind_int64(roots, 1, id);
		while ((rc = sqlite3_step(roots)) == SQLITE_ROW) {
			p = (const char *)sqlite3_column_text(roots, 0);
			if (p != NULL)
				buf_add(&gone, p, strlen(p) + 1);
		}
		/* A root not listed would outlive its snapshot for good. */
		if (rc != SQLITE_DONE)
			goto fail;
		sqlite3_reset(del);
		sqlite3_bind_int64(del, 1, id);
		if (sqlite3_step(del) != SQLITE_DONE)
			goto fail;
		n++;
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	sqlite3_finalize(roots);
	sqlite3_finalize(del);
	st = roots = del = NULL;
	if (store_exec(s, "COMMIT") != 0)
		goto fail;
	/*
	 * Roots go only now: a gc that fails rolls the deletes back, and
	 * the snapshots stay, so their roots must too.
	 */
	for (p = gone.data; p < gone.data + gone.len; p += strlen(p) + 1)
		unroot(p);
	buf_release(&gone);
	*removed = n;
	return (0);
fail:
	/* Before the rollback, which would replace SQLite's message. */
	log_warnx("store: gc: %s", sqlite3_errmsg(s->db));
	if (cause != NULL)
		*cause = xstrdup(sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	sqlite3_finalize(roots);
	sqlite3_finalize(del);
	/* A COMMIT refused (busy, deferred key) keeps the transaction open. */
	store_rollback(s);
	buf_release(&gone);
	return (-1);
}

int
store_workspace_used(struct store *s, int64_t ws)
{
	return (store_run_ints(s, "UPDATE workspaces SET last_used = ?1"
	    " WHERE id = ?2", time(NULL), ws));
}
