/*
 * The store: one SQLite file under the state directory holding
 * workspaces and their trust, shells, snapshots and the evaluation log.
 * This file opens it, keeps its schema and holds the workspace and shell
 * rows, their stats and gc; store_snapshot.c holds the snapshots and
 * store_eval.c the evaluation log.
 *
 * The store is a cache of work that can be redone, so it favours staying
 * up over keeping data: WAL mode where the filesystem allows it (rollback
 * journal otherwise), a busy timeout, every multi-row write in one
 * transaction, and a schema versioned with PRAGMA user_version. A file
 * SQLite calls corrupt or not a database, or whose schema this hearthd
 * cannot use, is moved aside and rebuilt; any other error at start (a
 * lock another process holds, a full disk, an I/O error) is tried again
 * and then reported, and never costs the allowances the file holds.
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

#define STORE_SCHEMA_VERSION	2
/* Tries to open before a transient error is reported (some 7 s). */
#define STORE_OPEN_TRIES	3

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

/*
 * 1 for an error that says nothing about the file itself: a lock held by
 * another process, a full disk, an I/O error, a file that cannot be opened
 * now. The others (SQLITE_CORRUPT, SQLITE_NOTADB, a schema that is not
 * ours) say the file is bad.
 */
static int
store_transient(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_NOMEM:
	case SQLITE_PROTOCOL:
	case SQLITE_INTERRUPT:
	case SQLITE_NOLFS:
	case SQLITE_AUTH:
		return (1);
	default:
		return (0);
	}
}

/* What a transient error most likely is, for the message. */
static const char *
store_advice(int code)
{
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ("another process holds its lock");
	case SQLITE_FULL:
		return ("the disk is full");
	case SQLITE_IOERR:
		return ("an I/O error");
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return ("it cannot be opened for writing now");
	default:
		return ("an error that may pass");
	}
}

/* Bring the schema to STORE_SCHEMA_VERSION; -1 if it is from the future. */
static int
store_migrate(struct store *s, int *code, char **cause)
{
	sqlite3_stmt	*st;
	int		 version;

	if ((st = store_prepare(s, "PRAGMA user_version")) == NULL ||
	    sqlite3_step(st) != SQLITE_ROW) {
		*code = sqlite3_errcode(s->db);
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
	*code = sqlite3_errcode(s->db);
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

/*
 * Open and check the store once. *code is the SQLite error of a failure,
 * or SQLITE_CORRUPT for content this hearthd cannot use (a schema from
 * the future, no epoch), which is as good as corrupt to it.
 */
static struct store *
store_open1(const char *path, int *code, char **cause)
{
	struct store	*s;

	s = xcalloc(1, sizeof *s);
	*code = SQLITE_CORRUPT;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		*code = s->db != NULL ? sqlite3_errcode(s->db) : SQLITE_NOMEM;
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
	    (store_transient(sqlite3_errcode(s->db)) ||
	    store_exec(s, "PRAGMA journal_mode = DELETE") != 0))
		goto fail_db;
	if (store_exec(s, "PRAGMA foreign_keys = ON") != 0 ||
	    store_exec(s, "PRAGMA synchronous = NORMAL") != 0)
		goto fail_db;
	if (store_migrate(s, code, cause) != 0)
		goto fail;
	/* A quick check catches a file that is not a database at all. */
	if (store_exec(s, "SELECT count(*) FROM workspaces") != 0)
		goto fail_db;
	if (store_read_epoch(s) != 0) {
		*code = sqlite3_errcode(s->db);
		if (!store_transient(*code))
			*code = SQLITE_CORRUPT;
		*cause = xasprintf("%s: %s", path, store_transient(*code) ?
		    sqlite3_errmsg(s->db) : "no epoch in its meta table");
		goto fail;
	}
	return (s);
fail_db:
	*code = sqlite3_errcode(s->db);
	*cause = xasprintf("%s: %s", path, sqlite3_errmsg(s->db));
fail:
	sqlite3_close(s->db);
	free(s);
	return (NULL);
}

/* Move a bad store file aside, with its WAL and shared memory. */
static int
store_move_aside(const char *path, const char *why, char **cause)
{
	char	*aside;

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
	if (rename(path, aside) == -1 && errno != ENOENT) {
		*cause = xasprintf("cannot move %s aside: %s", path,
		    strerror(errno));
		free(aside);
		return (-1);
	}
	free(aside);
	for (const char *sfx = "-wal"; sfx != NULL;
	    sfx = strcmp(sfx, "-wal") == 0 ? "-shm" : NULL) {
		char	*side = xasprintf("%s%s", path, sfx);

		unlink(side);
		free(side);
	}
	return (0);
}

struct store *
store_open(const char *path, char **cause)
{
	struct store	*s;
	char		*why = NULL;
	int		 code, tries;

	/*
	 * A transient error is tried again for a while (each try also waits
	 * out a busy lock), then reported: the file keeps every allowance.
	 */
	for (tries = 1;; tries++) {
		if ((s = store_open1(path, &code, &why)) != NULL)
			return (s);
		if (!store_transient(code))
			break;
		if (tries == STORE_OPEN_TRIES) {
			*cause = xasprintf("%s (%s; the store was left as it "
			    "is: try again once that is over)", why,
			    store_advice(code));
			free(why);
			return (NULL);
		}
		log_warnx("store: %s; retrying", why);
		free(why);
		why = NULL;
		usleep(250000 * tries);
	}
	if (store_move_aside(path, why, cause) != 0) {
		free(why);
		return (NULL);
	}
	free(why);
	if ((s = store_open1(path, &code, cause)) == NULL)
		return (NULL);
	return (s);
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
