/*
 * Opening the store: its schema and the migrations to it, and what to do
 * with a file that will not open. The store is a cache of work that can
 * be redone, so it favours staying up over keeping data: WAL mode where
 * the filesystem allows it (rollback journal otherwise), a busy timeout,
 * and a schema versioned with PRAGMA user_version. But it also holds
 * every allowance, so only a file SQLite calls corrupt or not a database,
 * or whose schema this hearthd cannot use, is moved aside and rebuilt;
 * any other error at start (a lock another process holds, a full disk,
 * an I/O error) is tried again and then reported, and the file is left.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "hearth/log.h"
#include "hearth/monotime.h"
#include "hearth/xmalloc.h"
#include "store-private.h"
#include "store.h"

#define STORE_SCHEMA_VERSION	3
/*
 * How long a transient error at start is tried again before it is
 * reported, and the busy wait of each try: well within the 5 s a client
 * waits for a daemon it starts (IPC_START_MS), so that it shows why.
 */
#define STORE_OPEN_RETRY_MS	2500
#define STORE_OPEN_BUSY_MS	500
#define STORE_BUSY_MS		2000

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

/*
 * v3: the content a workspace's allowances cover, one row per allowed
 * input set (see store_trust.c).
 */
static const char *store_schema_v3 =
	"CREATE TABLE IF NOT EXISTS allowances ("
	"  id INTEGER PRIMARY KEY,"
	"  workspace_id INTEGER NOT NULL"
	"    REFERENCES workspaces(id) ON DELETE CASCADE,"
	"  created_at INTEGER NOT NULL,"
	"  used_at INTEGER NOT NULL,"
	"  inputs BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS allowances_workspace"
	"  ON allowances(workspace_id);";

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
	if (version < 3 && (store_exec(s, store_schema_v3) != 0 ||
	    store_exec(s, "PRAGMA user_version = 3") != 0))
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
	sqlite3_busy_timeout(s->db, STORE_OPEN_BUSY_MS);
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
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
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
	int64_t		 until = monotime_ms() + STORE_OPEN_RETRY_MS;
	int		 code;

	/*
	 * A transient error is tried again for a while (each try also waits
	 * out a busy lock), then reported: the file keeps every allowance.
	 */
	for (;;) {
		if ((s = store_open1(path, &code, &why)) != NULL)
			return (s);
		if (!store_transient(code))
			break;
		if (monotime_ms() >= until) {
			*cause = xasprintf("%s (%s; the store was left as it "
			    "is: try again once that is over)", why,
			    store_advice(code));
			free(why);
			return (NULL);
		}
		log_warnx("store: %s; retrying", why);
		free(why);
		why = NULL;
		usleep(250000);
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

