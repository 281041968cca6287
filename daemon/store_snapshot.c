/*
 * The store's snapshots: a shell's evaluated environments, each with the
 * GC root that keeps its closure alive. A new one becomes the shell's
 * current snapshot in the same transaction that logs its evaluation
 * (store_eval.c) and evicts the least recently used beyond a small cache
 * per shell; the GC roots no kept snapshot needs go only after it commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "hearth/buf.h"
#include "hearth/xmalloc.h"
#include "eval.h"
#include "store-private.h"
#include "store.h"

/* Old snapshots kept per shell. */
#define STORE_KEEP_SNAPSHOTS	8

void
store_snapshot_init(struct store_snapshot *snap)
{
	memset(snap, 0, sizeof *snap);
	buf_init(&snap->env);
	buf_init(&snap->hook_output);
	buf_init(&snap->notes);
	buf_init(&snap->inputs);
}

void
store_snapshot_release(struct store_snapshot *snap)
{
	buf_release(&snap->env);
	buf_release(&snap->hook_output);
	buf_release(&snap->notes);
	buf_release(&snap->inputs);
	free(snap->gcroot);
	store_snapshot_init(snap);
}

#define STORE_SNAPSHOT_COLUMNS \
	"s.id, s.key, s.env, s.hook_output, s.created_at, s.eval_ms," \
	" s.notes, s.inputs, s.gcroot, s.last_used"

/* Fill a snapshot from a row of STORE_SNAPSHOT_COLUMNS. */
static void
store_snapshot_row(sqlite3_stmt *st, struct store_snapshot *snap)
{
	const char	*key, *gc;

	store_snapshot_release(snap);
	snap->id = sqlite3_column_int64(st, 0);
	key = (const char *)sqlite3_column_text(st, 1);
	snprintf(snap->key, sizeof snap->key, "%s", key ? key : "");
	buf_add(&snap->env, sqlite3_column_blob(st, 2),
	    sqlite3_column_bytes(st, 2));
	buf_add(&snap->hook_output, sqlite3_column_blob(st, 3),
	    sqlite3_column_bytes(st, 3));
	snap->created_at = sqlite3_column_int64(st, 4);
	snap->eval_ms = sqlite3_column_int(st, 5);
	buf_adds(&snap->notes, (const char *)sqlite3_column_text(st, 6));
	buf_add(&snap->inputs, sqlite3_column_blob(st, 7),
	    sqlite3_column_bytes(st, 7));
	gc = (const char *)sqlite3_column_text(st, 8);
	snap->gcroot = xstrdup(gc != NULL ? gc : "");
	snap->last_used = sqlite3_column_int64(st, 9);
}

uint64_t
store_snapshot_wire_id(struct store *s, int64_t id)
{
	if (id <= 0)
		return (0);
	return (s->epoch << STORE_ID_BITS | (uint64_t)id);
}

int
store_snapshot_current(struct store *s, int64_t shell,
    struct store_snapshot *snap)
{
	sqlite3_stmt	*st;
	int		 rc;

	st = store_prepare(s, "SELECT " STORE_SNAPSHOT_COLUMNS
	    " FROM shells h JOIN snapshots s"
	    " ON s.id = h.current_snapshot WHERE h.id = ?1");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		store_snapshot_row(st, snap);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return (1);
	return (rc == SQLITE_DONE ? 0 : -1);
}

int
store_snapshots_each(struct store *s, int64_t shell, store_snapshot_cb cb,
    void *arg)
{
	struct store_snapshot	 snap;
	sqlite3_stmt		*st;
	int			 rc, stop = 0;

	st = store_prepare(s, "SELECT " STORE_SNAPSHOT_COLUMNS
	    " FROM snapshots s WHERE s.shell_id = ?1"
	    " ORDER BY s.last_used DESC, s.id DESC");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	store_snapshot_init(&snap);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_snapshot_row(st, &snap);
		stop = cb(&snap, arg);
	}
	store_snapshot_release(&snap);
	sqlite3_finalize(st);
	return (stop || rc == SQLITE_DONE ? 0 : -1);
}

/*
 * Keep the STORE_KEEP_SNAPSHOTS most recently used snapshots of a shell,
 * inside the caller's transaction. The GC roots that no kept snapshot
 * still needs go to unneeded ("root\0" each), for the caller to remove
 * once the transaction has committed.
 */
static int
store_evict(struct store *s, int64_t shell, struct buf *unneeded)
{
	sqlite3_stmt	*st;
	struct buf	 gone = BUF_INIT;
	const char	*p, *end, *root;
	int		 rc, ret = -1;
	const char	*sel = "SELECT gcroot FROM snapshots WHERE shell_id = ?1"
	    " AND id NOT IN (SELECT id FROM snapshots WHERE shell_id = ?1"
	    " ORDER BY last_used DESC, id DESC LIMIT ?2)";
	const char	*del = "DELETE FROM snapshots WHERE shell_id = ?1"
	    " AND id NOT IN (SELECT id FROM snapshots WHERE shell_id = ?1"
	    " ORDER BY last_used DESC, id DESC LIMIT ?2)";

	if ((st = store_prepare(s, sel)) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, shell);
	sqlite3_bind_int(st, 2, STORE_KEEP_SNAPSHOTS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((root = (const char *)sqlite3_column_text(st, 0)) != NULL)
			buf_add(&gone, root, strlen(root) + 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || (st = store_prepare(s, del)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, shell);
	sqlite3_bind_int(st, 2, STORE_KEEP_SNAPSHOTS);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto out;
	/*
	 * Nix reuses a profile generation for an identical environment, so
	 * snapshots can share a root: drop only the ones no kept snapshot
	 * still needs.
	 */
	st = store_prepare(s, "SELECT count(*) FROM snapshots WHERE gcroot = ?1");
	if (st == NULL)
		goto out;
	for (p = gone.data, end = p + gone.len; p < end; p += strlen(p) + 1) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, p, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW)
			break;
		if (sqlite3_column_int(st, 0) == 0)
			buf_add(unneeded, p, strlen(p) + 1);
	}
	sqlite3_finalize(st);
	if (p >= end)
		ret = 0;
out:
	buf_release(&gone);
	return (ret);
}

int
store_snapshot_put(struct store *s, int64_t shell,
    struct store_snapshot *snap, const struct store_eval *ev,
    store_gcroot_cb evicted, char **cause)
{
	sqlite3_stmt	*st = NULL;
	struct buf	 unneeded = BUF_INIT;
	const char	*p;
	int		 rc;

	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		goto fail;
	st = store_prepare(s, "INSERT INTO snapshots (shell_id, key, env,"
	    " hook_output, created_at, eval_ms, notes, inputs, gcroot,"
	    " last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?5)");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, shell);
	sqlite3_bind_text(st, 2, snap->key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, snap->env.data, (int)snap->env.len,
	    SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, snap->hook_output.data,
	    (int)snap->hook_output.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, snap->created_at);
	sqlite3_bind_int(st, 6, (int)snap->eval_ms);
	sqlite3_bind_text(st, 7, snap->notes.data, (int)snap->notes.len,
	    SQLITE_STATIC);
	sqlite3_bind_blob(st, 8, snap->inputs.data, (int)snap->inputs.len,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 9, snap->gcroot ? snap->gcroot : "", -1,
	    SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;
	snap->id = sqlite3_last_insert_rowid(s->db);

	st = store_prepare(s, "UPDATE shells SET current_snapshot = ?1"
	    " WHERE id = ?2");
	if (st == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, snap->id);
	sqlite3_bind_int64(st, 2, shell);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto fail;

	if (store_evict(s, shell, &unneeded) != 0)
		goto fail;

	if (store_eval_insert(s, shell, ev) != 0)
		goto fail;
	if (store_exec(s, "COMMIT") != 0)
		goto fail;
	/*
	 * Roots go only now: a put that fails rolls the eviction back, and
	 * the snapshots it would have evicted stay, so their roots must too.
	 */
	for (p = unneeded.data; evicted != NULL &&
	    p < unneeded.data + unneeded.len; p += strlen(p) + 1)
		evicted(p);
	buf_release(&unneeded);
	return (0);
fail:
	/* Before the rollback, which would replace SQLite's message. */
	if (cause != NULL)
		*cause = xstrdup(sqlite3_errmsg(s->db));
	store_rollback(s);
	buf_release(&unneeded);
	snap->id = 0;
	return (-1);
}

int
store_snapshot_use(struct store *s, int64_t shell, int64_t snapshot)
{
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		return (-1);
	if (store_snapshot_touch(s, snapshot) != 0 ||
	    store_run_ints(s, "UPDATE shells SET current_snapshot = ?1,"
	    " cache_hits = cache_hits + 1 WHERE id = ?2", snapshot,
	    shell) != 0 || store_exec(s, "COMMIT") != 0) {
		store_rollback(s);
		return (-1);
	}
	return (0);
}

int
store_snapshot_touch(struct store *s, int64_t snapshot)
{
	return (store_run_ints(s, "UPDATE snapshots SET last_used = ?1"
	    " WHERE id = ?2", time(NULL), snapshot));
}
