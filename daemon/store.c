/*
 * The snapshot store: one SQLite file under the state directory holding
 * workspaces and their trust, shells, snapshots and the evaluation log.
 *
 * The store is a cache of work that can be redone, so it favours staying
 * up over keeping data: WAL mode where the filesystem allows it (rollback
 * journal otherwise), a busy timeout, every multi-row write in one
 * transaction, and a schema versioned with PRAGMA user_version. A file
 * that cannot be opened or migrated is moved aside and rebuilt.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

#define STORE_SCHEMA_VERSION	2
/* Old snapshots and evaluation records kept per shell. */
#define STORE_KEEP_SNAPSHOTS	8
#define STORE_KEEP_EVALS	50

struct store {
	sqlite3		*db;
	uint64_t	 epoch;		/* this store file's, from meta */
};

static const char *store_schema_v1 =
	"CREATE TABLE workspaces ("
	"  id INTEGER PRIMARY KEY,"
	"  root TEXT NOT NULL UNIQUE,"
	"  allowed_hash TEXT,"
	"  allowed_at INTEGER,"
	"  shell_names BLOB,"
	"  names_key TEXT,"
	"  last_used INTEGER,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE shells ("
	"  id INTEGER PRIMARY KEY,"
	"  workspace_id INTEGER NOT NULL"
	"    REFERENCES workspaces(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  current_snapshot INTEGER,"
	"  evaluations INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  cache_hits INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (workspace_id, name));"
	"CREATE TABLE snapshots ("
	"  id INTEGER PRIMARY KEY,"
	"  shell_id INTEGER NOT NULL REFERENCES shells(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  env BLOB NOT NULL,"
	"  hook_output BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  eval_ms INTEGER NOT NULL,"
	"  notes TEXT NOT NULL,"
	"  inputs BLOB NOT NULL,"
	"  gcroot TEXT NOT NULL,"
	"  last_used INTEGER NOT NULL);"
	"CREATE INDEX snapshots_shell ON snapshots(shell_id);"
	"CREATE TABLE evals ("
	"  id INTEGER PRIMARY KEY,"
	"  shell_id INTEGER NOT NULL REFERENCES shells(id) ON DELETE CASCADE,"
	"  started_at INTEGER NOT NULL,"
	"  duration_ms INTEGER NOT NULL,"
	"  ok INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  log BLOB NOT NULL);"
	"CREATE INDEX evals_shell ON evals(shell_id);";

/*
 * v2: snapshot ids are never reused (AUTOINCREMENT: a deleted newest
 * snapshot's id used to come back), and each store file has a random
 * epoch, so that a shell holding an id from a store that was since moved
 * aside and rebuilt never takes a new snapshot of the same id for the
 * one it has (see store_snapshot_wire_id).
 */
static const char *store_schema_v2 =
	"CREATE TABLE meta ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);"
	"INSERT INTO meta VALUES ('epoch', abs(random() % 1048575) + 1);"
	"CREATE TABLE snapshots_v2 ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  shell_id INTEGER NOT NULL REFERENCES shells(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  env BLOB NOT NULL,"
	"  hook_output BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  eval_ms INTEGER NOT NULL,"
	"  notes TEXT NOT NULL,"
	"  inputs BLOB NOT NULL,"
	"  gcroot TEXT NOT NULL,"
	"  last_used INTEGER NOT NULL);"
	"INSERT INTO snapshots_v2 SELECT * FROM snapshots;"
	"DROP TABLE snapshots;"
	"ALTER TABLE snapshots_v2 RENAME TO snapshots;"
	"CREATE INDEX snapshots_shell ON snapshots(shell_id);";

static int
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
static void
store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		store_exec(s, "ROLLBACK");
}

static sqlite3_stmt *
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
static int
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

/* Bring the schema to STORE_SCHEMA_VERSION; -1 if it is from the future. */
static int
store_migrate(struct store *s, char **cause)
{
	sqlite3_stmt	*st;
	int		 version;

	if ((st = store_prepare(s, "PRAGMA user_version")) == NULL ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		*cause = xasprintf("cannot read schema version: %s",
		    sqlite3_errmsg(s->db));
		return (-1);
	}
	version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version == STORE_SCHEMA_VERSION)
		return (0);
	if (version > STORE_SCHEMA_VERSION) {
		*cause = xasprintf("schema version %d is newer than this "
		    "hearthd (%d)", version, STORE_SCHEMA_VERSION);
		return (-1);
	}
	/* Each step runs in the same transaction as its version bump. */
	if (store_exec(s, "BEGIN IMMEDIATE") != 0)
		goto fail;
	if (version < 1 && (store_exec(s, store_schema_v1) != 0 ||
	    store_exec(s, "PRAGMA user_version = 1") != 0))
		goto fail;
	if (version < 2 && (store_exec(s, store_schema_v2) != 0 ||
	    store_exec(s, "PRAGMA user_version = 2") != 0))
		goto fail;
	if (store_exec(s, "COMMIT") != 0)
		goto fail;
	/* v2 rebuilt the snapshots table: give its old pages back. */
	if (version < 2)
		store_exec(s, "VACUUM");
	return (0);
fail:
	/* Before the rollback, which would replace SQLite's message. */
	*cause = xasprintf("cannot migrate schema: %s", sqlite3_errmsg(s->db));
	store_rollback(s);
	return (-1);
}

static int
store_read_epoch(struct store *s)
{
	sqlite3_stmt	*st;
	int		 rc = -1;

	if ((st = store_prepare(s, "SELECT value FROM meta WHERE name = "
	    "'epoch'")) == NULL)
		return (-1);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) > 0) {
		s->epoch = (uint64_t)sqlite3_column_int64(st, 0);
		rc = 0;
	}
	sqlite3_finalize(st);
	return (rc);
}

uint64_t
store_snapshot_wire_id(struct store *s, int64_t id)
{
	if (id <= 0)
		return (0);
	return (s->epoch << STORE_ID_BITS | (uint64_t)id);
}

static struct store *
store_open1(const char *path, char **cause)
{
	struct store	*s;

	s = xcalloc(1, sizeof *s);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", path, s->db != NULL ?
		    sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 2000);
	/*
	 * WAL needs shared memory; on filesystems without it (NFS and the
	 * like) fall back to the rollback journal rather than fail.
	 */
	if (store_exec(s, "PRAGMA journal_mode = WAL") != 0 &&
	    store_exec(s, "PRAGMA journal_mode = DELETE") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (store_exec(s, "PRAGMA foreign_keys = ON") != 0 ||
	    store_exec(s, "PRAGMA synchronous = NORMAL") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (store_migrate(s, cause) != 0)
		goto fail;
	/* A quick check catches a file that is not a database at all. */
	if (store_exec(s, "SELECT count(*) FROM workspaces") != 0) {
		*cause = xasprintf("%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (store_read_epoch(s) != 0) {
		*cause = xasprintf("%s: no epoch in its meta table", path);
		goto fail;
	}
	return (s);
fail:
	sqlite3_close(s->db);
	free(s);
	return (NULL);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*s;
	char		*aside, *why = NULL;

	if ((s = store_open1(path, &why)) != NULL)
		return (s);
	/* The store is a cache: move the bad file aside and start afresh. */
	aside = xasprintf("%s.broken-%lld", path, (long long)time(NULL));
	/* Never overwrite an earlier broken file kept for a look. */
	for (int n = 2; access(aside, F_OK) == 0 && n < 1000; n++) {
		free(aside);
		aside = xasprintf("%s.broken-%lld-%d", path,
		    (long long)time(NULL), n);
	}
	log_warnx("store unusable (%s); moving it to %s and starting a new "
	    "one", why, aside);
	free(why);
	if (rename(path, aside) == -1 && errno != ENOENT) {
		*cause = xasprintf("cannot move %s aside: %s", path,
		    strerror(errno));
		free(aside);
		return (NULL);
	}
	free(aside);
	for (const char *sfx = "-wal"; sfx != NULL;
	    sfx = strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		char	*side = xasprintf("%s%s", path, sfx);

		unlink(side);
		free(side);
	}
	return (store_open1(path, cause));
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	free(s);
}

sqlite3 *
store_db(struct store *s)
{
	return (s->db);
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

void
store_eval_release(struct store_eval *ev)
{
	free(ev->reason);
	free(ev->log);
	memset(ev, 0, sizeof *ev);
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

static int
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
store_snapshot_touch(struct store *s, int64_t snapshot)
{
	return (store_run_ints(s, "UPDATE snapshots SET last_used = ?1"
	    " WHERE id = ?2", time(NULL), snapshot));
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
