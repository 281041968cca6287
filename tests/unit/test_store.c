/*
 * Unit tests for daemon/store.c: the schema and its pragmas, workspaces
 * and their trust, shells, snapshots with their pruning, the evaluation
 * log, a full disk while writing them, gc and a gc that fails, and a bad
 * store file moved aside and rebuilt. Each test gets its own directory;
 * the store is checked from outside with sqlite3 itself.
 */
#include "harness.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>

#include <sqlite3.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "eval.h"
#include "names.h"
#include "store.h"

struct fixture {
	char	*dir;
	char	*path;		/* dir/store.db */
};

static int
setup(void **state)
{
	struct fixture	*f;

	/* Moving a bad store aside warns; the tests check it themselves. */
	log_init("test_store", NULL, LOG_STDERR_NONE, 0);
	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = harness_tmpdir();
	assert_true(asprintf(&f->path, "%s/store.db", f->dir) > 0);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	harness_rmtree(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	return (0);
}

/* The first column of the first row of a query, run on its own connection. */
static char *
sql_text(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*st;
	char		*v = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(v);
	return (v);
}

static long long
sql_int(const char *path, const char *sql)
{
	char		*v = sql_text(path, sql);
	long long	 n = strtoll(v, NULL, 10);

	free(v);
	return (n);
}

/* A workspace and one shell in it, for the snapshot tests. */
static int64_t
make_shell(struct store *s, const char *root, const char *name)
{
	int64_t	 ws, sh;

	assert_int_equal(store_workspace_ensure(s, root, &ws), 0);
	assert_int_equal(store_shell_ensure(s, ws, name, &sh), 0);
	return (sh);
}

/* Fill a snapshot with a key, an env holding NUL bytes and hook output. */
static void
make_snapshot(struct store_snapshot *snap, int n)
{
	store_snapshot_init(snap);
	snprintf(snap->key, sizeof snap->key, "key-%d", n);
	buf_add(&snap->env, "PATH=/nix/bin\0FOO=a\0EMPTY=\0", 27);
	buf_addf(&snap->hook_output, "hook %d\n", n);
	snap->created_at = 1700000000 + n;
	snap->eval_ms = 100 + n;
}

/* The name of the first entry of dir starting with prefix, or NULL. */
static char *
find_entry(const char *dir, const char *prefix)
{
	DIR		*d;
	struct dirent	*de;
	char		*found = NULL;

	assert_non_null(d = opendir(dir));
	while (found == NULL && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
			found = strdup(de->d_name);
	}
	closedir(d);
	return (found);
}

static void
test_open_creates(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL, *mode;

	assert_int_equal(access(f->path, F_OK), -1);
	s = store_open(f->path, &cause);
	assert_non_null(s);
	assert_null(cause);
	assert_int_equal(access(f->path, F_OK), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 3);
	mode = sql_text(f->path, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	/* Nothing was moved aside for a new file. */
	assert_null(find_entry(f->dir, "store.db.broken-"));
	store_close(s);
	store_close(NULL);
}

static void
test_open_missing_dir(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*path, *cause = NULL;

	assert_true(asprintf(&path, "%s/no/such/store.db", f->dir) > 0);
	s = store_open(path, &cause);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, path));
	free(cause);
	free(path);
}

static void
test_workspace_ensure(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL;
	int64_t		 a1, a2, b;

	assert_non_null(s = store_open(f->path, &cause));
	assert_int_equal(store_workspace_ensure(s, "/w/a", &a1), 0);
	assert_int_equal(store_workspace_ensure(s, "/w/a", &a2), 0);
	assert_int_equal(store_workspace_ensure(s, "/w/b", &b), 0);
	assert_true(a1 > 0);
	assert_true(a1 == a2);
	assert_true(b > 0 && b != a1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM workspaces"),
	    2);
	store_close(s);
}

struct allowed {
	int	 n;
	int64_t	 id[8];
	char	*root[8];
	char	*hash[8];
};

static void
collect_allowed(int64_t id, const char *root, const char *hash, void *arg)
{
	struct allowed	*a = arg;

	assert_true(a->n < 8);
	a->id[a->n] = id;
	a->root[a->n] = strdup(root);
	a->hash[a->n] = strdup(hash);
	a->n++;
}

static void
allowed_release(struct allowed *a)
{
	int	 i;

	for (i = 0; i < a->n; i++) {
		free(a->root[i]);
		free(a->hash[i]);
	}
	memset(a, 0, sizeof *a);
}

static void
test_workspace_trust(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	struct allowed	 a;
	char		*cause = NULL;
	int64_t		 w1, w2, w3;

	memset(&a, 0, sizeof a);
	assert_non_null(s = store_open(f->path, &cause));
	assert_int_equal(store_workspace_ensure(s, "/w/one", &w1), 0);
	assert_int_equal(store_workspace_ensure(s, "/w/two", &w2), 0);
	assert_int_equal(store_workspace_ensure(s, "/w/three", &w3), 0);

	/* None allowed yet. */
	assert_int_equal(store_workspaces_allowed(s, collect_allowed, &a), 0);
	assert_int_equal(a.n, 0);

	assert_int_equal(store_workspace_trust(s, w1, "hash-one"), 0);
	assert_int_equal(store_workspace_trust(s, w3, "hash-three"), 0);
	assert_int_equal(store_workspaces_allowed(s, collect_allowed, &a), 0);
	assert_int_equal(a.n, 2);
	assert_true(a.id[0] == w1);
	assert_string_equal(a.root[0], "/w/one");
	assert_string_equal(a.hash[0], "hash-one");
	assert_true(a.id[1] == w3);
	assert_string_equal(a.root[1], "/w/three");
	assert_string_equal(a.hash[1], "hash-three");
	allowed_release(&a);

	/* A new hash replaces the old one; clearing removes the row. */
	assert_int_equal(store_workspace_trust(s, w3, "hash-new"), 0);
	assert_int_equal(store_workspace_trust(s, w1, NULL), 0);
	assert_int_equal(store_workspaces_allowed(s, collect_allowed, &a), 0);
	assert_int_equal(a.n, 1);
	assert_true(a.id[0] == w3);
	assert_string_equal(a.hash[0], "hash-new");
	allowed_release(&a);

	/* Ensuring an allowed workspace again keeps its allowance. */
	assert_int_equal(store_workspace_ensure(s, "/w/three", &w2), 0);
	assert_true(w2 == w3);
	assert_int_equal(store_workspaces_allowed(s, collect_allowed, &a), 0);
	assert_int_equal(a.n, 1);
	allowed_release(&a);
	store_close(s);
}

static void
test_shell_ensure(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL;
	int64_t		 w1, w2, a1, a2, b, c;

	assert_non_null(s = store_open(f->path, &cause));
	assert_int_equal(store_workspace_ensure(s, "/w/one", &w1), 0);
	assert_int_equal(store_workspace_ensure(s, "/w/two", &w2), 0);
	assert_int_equal(store_shell_ensure(s, w1, "default", &a1), 0);
	assert_int_equal(store_shell_ensure(s, w1, "default", &a2), 0);
	assert_int_equal(store_shell_ensure(s, w1, "ci", &b), 0);
	assert_int_equal(store_shell_ensure(s, w2, "default", &c), 0);
	assert_true(a1 > 0 && a1 == a2);
	assert_true(b > 0 && b != a1);
	assert_true(c > 0 && c != a1 && c != b);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM shells"), 3);
	store_close(s);
}

static void
test_snapshot_none(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 snap;
	struct store_eval	 ev;
	char			*cause = NULL;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	store_snapshot_init(&snap);
	memset(&ev, 0, sizeof ev);
	assert_int_equal(store_snapshot_current(s, sh, &snap), 0);
	assert_int_equal(snap.env.len, 0);
	assert_int_equal(store_eval_last(s, sh, &ev), 0);
	assert_null(ev.reason);
	/* A shell that does not exist has no snapshot either. */
	assert_int_equal(store_snapshot_current(s, sh + 100, &snap), 0);
	store_snapshot_release(&snap);
	store_eval_release(&ev);
	store_close(s);
}

static void
test_snapshot_roundtrip(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev, last;
	char			*cause = NULL;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	make_snapshot(&put, 1);
	memset(&ev, 0, sizeof ev);
	ev.started_at = 1699999990;
	ev.duration_ms = 4321;
	ev.ok = 1;
	ev.log = "evaluating...\n";
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);
	assert_true(put.id > 0);

	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_true(got.id == put.id);
	assert_string_equal(got.key, "key-1");
	assert_int_equal(got.env.len, 27);
	assert_memory_equal(got.env.data, "PATH=/nix/bin\0FOO=a\0EMPTY=\0", 27);
	assert_int_equal(got.env.data[got.env.len], '\0');
	assert_int_equal(got.hook_output.len, 7);
	assert_string_equal(got.hook_output.data, "hook 1\n");
	assert_true(got.created_at == 1700000001);
	assert_int_equal(got.eval_ms, 101);

	memset(&last, 0, sizeof last);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 1);
	assert_true(last.started_at == 1699999990);
	assert_int_equal(last.duration_ms, 4321);
	assert_string_equal(last.reason, "");
	assert_string_equal(last.log, "evaluating...\n");

	/* Loading into a used record replaces its contents. */
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_int_equal(got.env.len, 27);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_string_equal(last.log, "evaluating...\n");

	store_snapshot_release(&put);
	store_snapshot_release(&got);
	store_eval_release(&last);
	store_close(s);
}

static void
test_snapshot_empty_hook(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev;
	char			*cause = NULL;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	store_snapshot_init(&put);
	snprintf(put.key, sizeof put.key, "k");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_int_equal(got.env.len, 0);
	assert_int_equal(got.hook_output.len, 0);
	assert_string_equal(got.hook_output.data, "");
	store_snapshot_release(&put);
	store_snapshot_release(&got);
	store_close(s);
}

static void
test_snapshot_prune(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev;
	char			*cause = NULL, *sql;
	int64_t			 sh, other, last = 0;
	int			 i;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	other = make_shell(s, "/w/two", "default");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;

	make_snapshot(&put, 100);
	assert_int_equal(store_snapshot_put(s, other, &put, &ev, NULL, NULL),
	    0);
	store_snapshot_release(&put);
	for (i = 0; i < 10; i++) {
		make_snapshot(&put, i);
		assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL,
		    NULL), 0);
		assert_true(put.id > last);
		last = put.id;
		store_snapshot_release(&put);
	}

	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_true(got.id == last);
	assert_string_equal(got.key, "key-9");
	store_snapshot_release(&got);

	assert_true(asprintf(&sql, "SELECT count(*) FROM snapshots"
	    " WHERE shell_id = %lld", (long long)sh) > 0);
	assert_int_equal(sql_int(f->path, sql), 8);
	free(sql);
	/* The oldest went first. */
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"
	    " WHERE key IN ('key-0', 'key-1')"), 0);
	/* Another shell's snapshots are not touched. */
	assert_true(asprintf(&sql, "SELECT count(*) FROM snapshots"
	    " WHERE shell_id = %lld", (long long)other) > 0);
	assert_int_equal(sql_int(f->path, sql), 1);
	free(sql);
	assert_int_equal(store_snapshot_current(s, other, &got), 1);
	assert_string_equal(got.key, "key-100");
	store_snapshot_release(&got);
	store_close(s);
}

static void
test_eval_failed(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev, last;
	char			*cause = NULL;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	memset(&ev, 0, sizeof ev);
	memset(&last, 0, sizeof last);
	ev.started_at = 1700000500;
	ev.duration_ms = 77;
	ev.ok = 0;
	ev.reason = "nix exited with status 1";
	ev.log = "error: attribute 'default' missing\n";
	assert_int_equal(store_eval_failed(s, sh, &ev), 0);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 0);
	assert_true(last.started_at == 1700000500);
	assert_int_equal(last.duration_ms, 77);
	assert_string_equal(last.reason, "nix exited with status 1");
	assert_string_equal(last.log, "error: attribute 'default' missing\n");
	/* A failure makes no snapshot. */
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 0);

	/* After a success, a failure is the last evaluation but keeps it. */
	make_snapshot(&put, 1);
	ev.ok = 1;
	ev.reason = NULL;
	ev.log = NULL;
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 1);
	assert_string_equal(last.reason, "");
	assert_string_equal(last.log, "");
	ev.ok = 0;
	ev.reason = "timed out";
	assert_int_equal(store_eval_failed(s, sh, &ev), 0);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 0);
	assert_string_equal(last.reason, "timed out");
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_true(got.id == put.id);

	store_snapshot_release(&put);
	store_snapshot_release(&got);
	store_eval_release(&last);
	store_close(s);
}

/* The first column of a query run on the store's own connection. */
static long long
conn_int(struct store *s, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 n;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (n);
}

static void
conn_set_max_pages(struct store *s, long long pages)
{
	char	*sql;

	assert_true(asprintf(&sql, "PRAGMA max_page_count = %lld", pages) > 0);
	assert_true(conn_int(s, sql) == pages);
	free(sql);
}

/*
 * A full disk, made by SQLite itself: the store's connection may use no
 * page beyond those the file has now. max_page_count belongs to the
 * connection, so it is set through the store's own.
 */
static void
disk_full(struct store *s)
{
	/* No free page to reuse either: the file is as full as it gets. */
	assert_int_equal(conn_int(s, "PRAGMA freelist_count"), 0);
	conn_set_max_pages(s, conn_int(s, "PRAGMA page_count"));
}

static void
disk_room(struct store *s)
{
	conn_set_max_pages(s, 1000000);
}

/*
 * After a failed write: no transaction left open, no statement left
 * unfinalized, and a file that SQLite finds sound from outside.
 */
static void
check_store_sound(struct fixture *f, struct store *s)
{
	char	*ok;

	assert_int_not_equal(sqlite3_get_autocommit(store_db(s)), 0);
	assert_null(sqlite3_next_stmt(store_db(s), NULL));
	ok = sql_text(f->path, "PRAGMA integrity_check");
	assert_string_equal(ok, "ok");
	free(ok);
	assert_int_equal(sql_int(f->path,
	    "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

/* A snapshot with every field set; env_size bytes of environment. */
static void
make_full_snapshot(struct store_snapshot *snap, int n, size_t env_size)
{
	size_t	 i;

	make_snapshot(snap, n);
	for (i = snap->env.len; i < env_size; i++)
		buf_add(&snap->env, i % 64 == 63 ? "\0" : "x", 1);
	buf_addf(&snap->notes, "not set in fish: x%d", n);
	buf_add(&snap->inputs, "flake.nix\0abc\0flake.lock\0def\0", 29);
	assert_true(asprintf(&snap->gcroot, "/p/shell-1-%d-link", n) > 0);
}

/* Every field of a loaded snapshot is as it was stored. */
static void
check_snapshot(const struct store_snapshot *got,
    const struct store_snapshot *put)
{
	assert_true(got->id == put->id);
	assert_string_equal(got->key, put->key);
	assert_int_equal(got->env.len, put->env.len);
	assert_memory_equal(got->env.data, put->env.data, put->env.len);
	assert_int_equal(got->hook_output.len, put->hook_output.len);
	assert_memory_equal(got->hook_output.data, put->hook_output.data,
	    put->hook_output.len);
	assert_string_equal(got->notes.data, put->notes.data);
	assert_int_equal(got->inputs.len, put->inputs.len);
	assert_memory_equal(got->inputs.data, put->inputs.data,
	    put->inputs.len);
	assert_string_equal(got->gcroot, put->gcroot);
	assert_true(got->created_at == put->created_at);
	assert_true(got->last_used == put->created_at);
	assert_int_equal(got->eval_ms, put->eval_ms);
}

/* The GC roots a put handed back for removal, and the last one. */
static int	 unrooted;
static char	 unrooted_last[64];

static void
count_unroot(const char *gcroot)
{
	unrooted++;
	snprintf(unrooted_last, sizeof unrooted_last, "%s", gcroot);
}

/* A shell's counters, and one log row per evaluation (all kept here). */
static void
check_counters(struct fixture *f, int64_t sh, int evaluations, int failures)
{
	char	*sql;

	assert_true(asprintf(&sql, "SELECT evaluations FROM shells"
	    " WHERE id = %lld", (long long)sh) > 0);
	assert_int_equal(sql_int(f->path, sql), evaluations);
	free(sql);
	assert_true(asprintf(&sql, "SELECT failures FROM shells"
	    " WHERE id = %lld", (long long)sh) > 0);
	assert_int_equal(sql_int(f->path, sql), failures);
	free(sql);
	assert_true(asprintf(&sql, "SELECT count(*) FROM evals"
	    " WHERE shell_id = %lld", (long long)sh) > 0);
	assert_int_equal(sql_int(f->path, sql), evaluations);
	free(sql);
}

/* An evicted snapshot's root is dropped only if no kept one shares it. */
static void
test_snapshot_prune_shared_root(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put;
	struct store_eval	 ev;
	char			*cause = NULL;
	int64_t			 sh;
	int			 i;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	unrooted = 0;
	for (i = 0; i < 10; i++) {
		make_full_snapshot(&put, i, 100);
		/* Nix gave the ninth the same generation as the first. */
		if (i == 8) {
			free(put.gcroot);
			put.gcroot = strdup("/p/shell-1-0-link");
		}
		assert_int_equal(store_snapshot_put(s, sh, &put, &ev,
		    count_unroot, NULL), 0);
		store_snapshot_release(&put);
		if (i == 8)
			assert_int_equal(unrooted, 0);
	}
	assert_int_equal(unrooted, 1);
	assert_string_equal(unrooted_last, "/p/shell-1-1-link");
	store_close(s);
}

static void
test_snapshot_put_full(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 first, big, got;
	struct store_eval	 ev, last;
	char			*cause = NULL, *why = NULL;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	memset(&ev, 0, sizeof ev);
	memset(&last, 0, sizeof last);
	ev.started_at = 1700000000;
	ev.duration_ms = 10;
	ev.ok = 1;
	ev.log = "first\n";
	make_full_snapshot(&first, 1, 100);
	assert_int_equal(store_snapshot_put(s, sh, &first, &ev, NULL, NULL), 0);

	/* A second, larger snapshot does not fit. */
	disk_full(s);
	make_full_snapshot(&big, 2, 256 * 1024);
	ev.started_at = 1700000100;
	ev.log = "second\n";
	unrooted = 0;
	assert_int_equal(store_snapshot_put(s, sh, &big, &ev, count_unroot,
	    &why), -1);
	/* SQLITE_FULL's own words, on one line for the shell's status. */
	assert_non_null(why);
	assert_string_equal(why, "database or disk is full");
	assert_true(big.id == 0);
	assert_int_equal(unrooted, 0);

	/* The first is still the shell's snapshot, whole; nothing else. */
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	check_snapshot(&got, &first);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"), 1);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_true(last.started_at == 1700000000);
	assert_string_equal(last.log, "first\n");
	check_counters(f, sh, 1, 0);
	check_store_sound(f, s);

	/* Room again: the same put goes through. */
	disk_room(s);
	assert_int_equal(store_snapshot_put(s, sh, &big, &ev, count_unroot,
	    NULL), 0);
	assert_true(big.id > first.id);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	check_snapshot(&got, &big);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_string_equal(last.log, "second\n");
	check_counters(f, sh, 2, 0);
	check_store_sound(f, s);

	store_snapshot_release(&first);
	store_snapshot_release(&big);
	store_snapshot_release(&got);
	store_eval_release(&last);
	free(why);
	store_close(s);
}

/* Count the statements that start as a prefix says, as SQLite runs them. */
struct traced {
	const char	*prefix;
	int		 n;
};

static int
trace_stmt(unsigned type, void *arg, void *p, void *x)
{
	struct traced	*t = arg;

	(void)p;
	if (type == SQLITE_TRACE_STMT &&
	    strncmp(x, t->prefix, strlen(t->prefix)) == 0)
		t->n++;
	return (0);
}

static void
test_snapshot_put_full_evicts_nothing(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put[9], got;
	struct store_eval	 ev;
	struct traced		 t = { "INSERT INTO evals", 0 };
	char			*cause = NULL, *why = NULL, *log;
	int64_t			 sh;
	int			 i;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	unrooted = 0;
	for (i = 0; i < 8; i++) {
		make_full_snapshot(&put[i], i, 100);
		assert_int_equal(store_snapshot_put(s, sh, &put[i], &ev,
		    count_unroot, NULL), 0);
	}
	assert_int_equal(unrooted, 0);

	/*
	 * A ninth small snapshot fits, and its put evicts the oldest; the
	 * evaluation's long log then does not fit. The evicted snapshot
	 * stays, so its GC root must too.
	 */
	disk_full(s);
	make_full_snapshot(&put[8], 8, 100);
	assert_non_null(log = calloc(1, 64 * 1024 + 1));
	memset(log, 'l', 64 * 1024);
	ev.log = log;
	sqlite3_trace_v2(store_db(s), SQLITE_TRACE_STMT, trace_stmt, &t);
	assert_int_equal(store_snapshot_put(s, sh, &put[8], &ev,
	    count_unroot, &why), -1);
	sqlite3_trace_v2(store_db(s), 0, NULL, NULL);
	assert_string_equal(why, "database or disk is full");
	/* It did fail on the log, after the eviction. */
	assert_int_equal(t.n, 1);
	assert_int_equal(unrooted, 0);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"), 8);
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	check_snapshot(&got, &put[7]);
	check_counters(f, sh, 8, 0);
	check_store_sound(f, s);

	/* With room, the oldest goes, and its root with it. */
	disk_room(s);
	assert_int_equal(store_snapshot_put(s, sh, &put[8], &ev,
	    count_unroot, NULL), 0);
	assert_int_equal(unrooted, 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"), 8);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"
	    " WHERE key = 'key-0'"), 0);
	check_counters(f, sh, 9, 0);
	check_store_sound(f, s);

	for (i = 0; i < 9; i++)
		store_snapshot_release(&put[i]);
	store_snapshot_release(&got);
	free(log);
	free(why);
	store_close(s);
}

static void
test_eval_failed_full(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev, last;
	char			*cause = NULL, *log;
	int64_t			 sh;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/one", "default");
	memset(&ev, 0, sizeof ev);
	memset(&last, 0, sizeof last);
	ev.started_at = 1700000000;
	ev.ok = 1;
	ev.log = "good\n";
	make_full_snapshot(&put, 1, 100);
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);

	/*
	 * Logging a failure with a long log, on a full disk: neither the
	 * counters nor the log move.
	 */
	disk_full(s);
	assert_non_null(log = calloc(1, 64 * 1024 + 1));
	memset(log, 'e', 64 * 1024);
	ev.started_at = 1700000100;
	ev.ok = 0;
	ev.reason = "nix exited with status 1";
	ev.log = log;
	assert_int_equal(store_eval_failed(s, sh, &ev), -1);
	check_counters(f, sh, 1, 0);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 1);
	assert_string_equal(last.log, "good\n");
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	check_snapshot(&got, &put);
	check_store_sound(f, s);

	disk_room(s);
	assert_int_equal(store_eval_failed(s, sh, &ev), 0);
	check_counters(f, sh, 2, 1);
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.ok, 0);
	assert_string_equal(last.reason, "nix exited with status 1");
	assert_int_equal(strlen(last.log), 64 * 1024);
	check_store_sound(f, s);

	store_snapshot_release(&put);
	store_snapshot_release(&got);
	store_eval_release(&last);
	free(log);
	store_close(s);
}

/*
 * gc: a store of three workspaces, each with one shell and two snapshots
 * rooted by files of their own; /w/keep stays, /w/old-1 and /w/old-2 go.
 */
static const char *gc_roots[] = { "/w/keep", "/w/old-1", "/w/old-2" };

static void
make_gc_store(struct fixture *f, struct store *s)
{
	struct store_snapshot	 snap;
	struct store_eval	 ev;
	int64_t			 sh;
	int			 w, i, fd;

	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	for (w = 0; w < 3; w++) {
		sh = make_shell(s, gc_roots[w], "default");
		for (i = 0; i < 2; i++) {
			make_full_snapshot(&snap, w * 10 + i, 100);
			free(snap.gcroot);
			assert_true(asprintf(&snap.gcroot, "%s/root-%d-%d",
			    f->dir, w, i) > 0);
			fd = open(snap.gcroot, O_WRONLY|O_CREAT|O_EXCL, 0600);
			assert_true(fd != -1);
			close(fd);
			assert_int_equal(store_snapshot_put(s, sh, &snap, &ev,
			    NULL, NULL), 0);
			store_snapshot_release(&snap);
		}
	}
}

/* What gc's callbacks saw: keep() asked, roots removed. */
static int	 gc_asked;
static int	 gc_unrooted;

/* keep() as hearthd's: it only decides, and keeps just /w/keep. */
static int
gc_keep(const char *root, int recent, void *arg)
{
	(void)recent;
	(void)arg;
	gc_asked++;
	return (strcmp(root, "/w/keep") == 0);
}

static void
gc_unroot(const char *gcroot)
{
	gc_unrooted++;
	assert_int_equal(unlink(gcroot), 0);
}

/* The root files still there. */
static int
count_roots(struct fixture *f)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	assert_non_null(d = opendir(f->dir));
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "root-", 5) == 0;
	closedir(d);
	return (n);
}

/* Every row gc could touch, as one string to compare. */
static char *
gc_content(struct fixture *f)
{
	return (sql_text(f->path, "SELECT"
	    " (SELECT coalesce(group_concat(id || '=' || root, ','), '')"
	    "  FROM (SELECT * FROM workspaces ORDER BY id)) || ';' ||"
	    " (SELECT coalesce(group_concat(id || '=' || name, ','), '')"
	    "  FROM (SELECT * FROM shells ORDER BY id)) || ';' ||"
	    " (SELECT coalesce(group_concat(id || '=' || gcroot, ','), '')"
	    "  FROM (SELECT * FROM snapshots ORDER BY id)) || ';' ||"
	    " (SELECT count(*) FROM evals)"));
}

/* Run a statement on the store's own connection. */
static void
conn_exec(struct store *s, const char *sql)
{
	assert_int_equal(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL),
	    SQLITE_OK);
}

/* A gc that goes through: old-1 and old-2 and their roots go. */
static void
check_gc_works(struct fixture *f, struct store *s)
{
	unsigned	 removed = 99;
	char		*why = NULL;

	gc_asked = gc_unrooted = 0;
	assert_int_equal(store_gc(s, 0, gc_keep, gc_unroot, NULL, &removed,
	    &why), 0);
	assert_null(why);
	assert_int_equal(removed, 2);
	assert_int_equal(gc_asked, 3);
	assert_int_equal(gc_unrooted, 4);
	assert_int_equal(count_roots(f), 2);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM workspaces"
	    " WHERE root = '/w/keep'"), 1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM workspaces"),
	    1);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM snapshots"),
	    2);
	check_store_sound(f, s);
}

static void
test_gc(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL;

	assert_non_null(s = store_open(f->path, &cause));
	make_gc_store(f, s);
	assert_int_equal(count_roots(f), 6);
	check_gc_works(f, s);
	store_close(s);
}

/*
 * A gc the store refuses with reason want: every workspace was asked
 * about, yet nothing is removed, no root is dropped and the store holds
 * what it held (before, from gc_content) and is sound.
 */
static void
check_gc_refused(struct fixture *f, struct store *s, const char *before,
    const char *want)
{
	char		*why = NULL, *after;
	unsigned	 removed = 99;

	gc_asked = gc_unrooted = 0;
	assert_int_equal(store_gc(s, 0, gc_keep, gc_unroot, NULL, &removed,
	    &why), -1);
	assert_non_null(why);
	assert_string_equal(why, want);
	assert_int_equal(removed, 0);
	/* It did get as far as the last workspace. */
	assert_int_equal(gc_asked, 3);
	assert_int_equal(gc_unrooted, 0);
	assert_int_equal(count_roots(f), 6);
	after = gc_content(f);
	assert_string_equal(after, before);
	check_store_sound(f, s);
	free(after);
	free(why);
}

/*
 * The second workspace's delete fails (a trigger of the test's making
 * refuses it) after the first's went through: that is rolled back, and
 * no root may go, the first workspace's included.
 */
static void
test_gc_delete_fails(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL, *before;

	assert_non_null(s = store_open(f->path, &cause));
	make_gc_store(f, s);
	before = gc_content(f);
	conn_exec(s, "CREATE TEMP TRIGGER gc_refuse BEFORE DELETE ON"
	    " main.workspaces WHEN old.root = '/w/old-2'"
	    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
	check_gc_refused(f, s, before, "refused by the test");

	conn_exec(s, "DROP TRIGGER gc_refuse");
	check_gc_works(f, s);
	free(before);
	store_close(s);
}

/*
 * Every delete goes through but the COMMIT is refused: a deferred
 * foreign key (in a table of the test's making) still names a removed
 * workspace. SQLite leaves that transaction open; gc must roll it back,
 * and remove no root.
 */
static void
test_gc_commit_fails(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		*cause = NULL, *before;

	assert_non_null(s = store_open(f->path, &cause));
	make_gc_store(f, s);
	conn_exec(s, "CREATE TABLE gc_pin (ws INTEGER REFERENCES"
	    " workspaces(id) DEFERRABLE INITIALLY DEFERRED);"
	    " INSERT INTO gc_pin SELECT id FROM workspaces"
	    " WHERE root = '/w/old-2'");
	before = gc_content(f);
	check_gc_refused(f, s, before, "FOREIGN KEY constraint failed");
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM gc_pin"), 1);

	conn_exec(s, "DROP TABLE gc_pin");
	check_gc_works(f, s);
	free(before);
	store_close(s);
}

/* Check that a fresh store at f->path works and has the current schema. */
static void
check_fresh(struct fixture *f, struct store *s)
{
	int64_t	 ws, sh;

	assert_int_equal(store_workspace_ensure(s, "/w/fresh", &ws), 0);
	assert_int_equal(store_shell_ensure(s, ws, "default", &sh), 0);
	assert_int_equal(store_workspace_trust(s, ws, "h"), 0);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 3);
	assert_int_equal(sql_int(f->path, "SELECT count(*) FROM workspaces"),
	    1);
}

static void
test_corrupt_moved_aside(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		 junk[8192], *cause = NULL, *name, *aside;
	struct stat	 st;
	size_t		 i;
	int		 fd;

	for (i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 131 + 7);
	memcpy(junk, "this is not an SQLite file", 26);
	assert_true((fd = open(f->path, O_WRONLY|O_CREAT|O_TRUNC, 0600)) != -1);
	assert_int_equal(write(fd, junk, sizeof junk), (ssize_t)sizeof junk);
	close(fd);

	s = store_open(f->path, &cause);
	assert_non_null(s);
	assert_null(cause);
	name = find_entry(f->dir, "store.db.broken-");
	assert_non_null(name);
	assert_true(asprintf(&aside, "%s/%s", f->dir, name) > 0);
	assert_int_equal(stat(aside, &st), 0);
	assert_int_equal(st.st_size, sizeof junk);
	check_fresh(f, s);
	store_close(s);
	free(aside);
	free(name);
}

static void
test_future_schema_moved_aside(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	sqlite3		*db;
	char		*cause = NULL, *name, *aside;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE future (x);"
	    " INSERT INTO future VALUES (42); PRAGMA user_version = 99",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 99);

	s = store_open(f->path, &cause);
	assert_non_null(s);
	assert_null(cause);
	name = find_entry(f->dir, "store.db.broken-");
	assert_non_null(name);
	/* The old file is kept whole. */
	assert_true(asprintf(&aside, "%s/%s", f->dir, name) > 0);
	assert_int_equal(sql_int(aside, "PRAGMA user_version"), 99);
	assert_int_equal(sql_int(aside, "SELECT x FROM future"), 42);
	check_fresh(f, s);
	store_close(s);
	free(aside);
	free(name);
}

/* A whole (small) file, NUL-terminated. */
static char *
read_text(const char *path)
{
	FILE	*fp;
	char	*text;
	size_t	 n;

	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(text = calloc(1, 65536));
	n = fread(text, 1, 65535, fp);
	assert_false(ferror(fp));
	assert_true(n < 65535);
	fclose(fp);
	return (text);
}

/*
 * A file whose migration fails (a table of the schema is there already,
 * at version 0) is moved aside, and the log says what SQLite refused,
 * not the "not an error" of the rollback that followed.
 */
static void
test_migrate_fails_says_why(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	sqlite3		*db;
	char		*cause = NULL, *logpath, *log, *name;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE workspaces (x)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_true(asprintf(&logpath, "%s/log", f->dir) > 0);
	log_init("test_store", logpath, LOG_STDERR_NONE, 0);

	s = store_open(f->path, &cause);
	log_close();
	assert_non_null(s);
	assert_null(cause);
	assert_non_null(name = find_entry(f->dir, "store.db.broken-"));
	check_fresh(f, s);
	log = read_text(logpath);
	assert_non_null(strstr(log, "store unusable (cannot migrate schema: "
	    "table workspaces already exists)"));
	assert_null(strstr(log, "not an error"));
	store_close(s);
	free(log);
	free(name);
	free(logpath);
}

static void
test_persists(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 put, got;
	struct store_eval	 ev, last;
	struct allowed		 a;
	char			*cause = NULL;
	int64_t			 ws, ws2, sh, sh2;

	memset(&a, 0, sizeof a);
	memset(&ev, 0, sizeof ev);
	memset(&last, 0, sizeof last);
	assert_non_null(s = store_open(f->path, &cause));
	assert_int_equal(store_workspace_ensure(s, "/w/keep", &ws), 0);
	assert_int_equal(store_workspace_trust(s, ws, "hash-keep"), 0);
	assert_int_equal(store_shell_ensure(s, ws, "default", &sh), 0);
	make_snapshot(&put, 5);
	ev.ok = 1;
	ev.duration_ms = 55;
	ev.log = "done\n";
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);
	store_close(s);

	assert_non_null(s = store_open(f->path, &cause));
	assert_null(find_entry(f->dir, "store.db.broken-"));
	assert_int_equal(store_workspace_ensure(s, "/w/keep", &ws2), 0);
	assert_true(ws2 == ws);
	assert_int_equal(store_shell_ensure(s, ws, "default", &sh2), 0);
	assert_true(sh2 == sh);
	assert_int_equal(store_workspaces_allowed(s, collect_allowed, &a), 0);
	assert_int_equal(a.n, 1);
	assert_string_equal(a.root[0], "/w/keep");
	assert_string_equal(a.hash[0], "hash-keep");
	allowed_release(&a);
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_true(got.id == put.id);
	assert_string_equal(got.key, "key-5");
	assert_int_equal(got.env.len, put.env.len);
	assert_memory_equal(got.env.data, put.env.data, put.env.len);
	assert_string_equal(got.hook_output.data, "hook 5\n");
	assert_int_equal(store_eval_last(s, sh, &last), 1);
	assert_int_equal(last.duration_ms, 55);
	assert_string_equal(last.log, "done\n");
	store_snapshot_release(&put);
	store_snapshot_release(&got);
	store_eval_release(&last);
	store_close(s);
}

/*
 * Snapshot ids are never reused, even the newest one's after it is gone,
 * and clients get them under the store's epoch.
 */
static void
test_snapshot_ids(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 a, b;
	struct store_eval	 ev;
	char			*cause = NULL, *sql;
	int64_t			 sh;
	long long		 epoch;
	uint64_t		 w;

	assert_non_null(s = store_open(f->path, &cause));
	sh = make_shell(s, "/w/ids", "default");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	ev.reason = ev.log = "";
	make_snapshot(&a, 1);
	assert_int_equal(store_snapshot_put(s, sh, &a, &ev, NULL, NULL), 0);
	assert_true(asprintf(&sql, "DELETE FROM snapshots WHERE id = %lld",
	    (long long)a.id) > 0);
	conn_exec(s, sql);
	free(sql);
	make_snapshot(&b, 2);
	assert_int_equal(store_snapshot_put(s, sh, &b, &ev, NULL, NULL), 0);
	assert_true(b.id > a.id);

	epoch = sql_int(f->path, "SELECT value FROM meta WHERE name = 'epoch'");
	assert_true(epoch > 0 && epoch < (1LL << 20));
	w = store_snapshot_wire_id(s, b.id);
	assert_true((w >> STORE_ID_BITS) == (uint64_t)epoch);
	assert_true((w & ((1ULL << STORE_ID_BITS) - 1)) == (uint64_t)b.id);
	assert_true(store_snapshot_wire_id(s, 0) == 0);
	store_snapshot_release(&a);
	store_snapshot_release(&b);
	store_close(s);
}

/*
 * A store from the first schema (as hearthd wrote it before ids got an
 * epoch) is brought to the current one with its snapshots kept, and its
 * newest snapshot's id is not handed out again.
 */
static void
test_migrate_v1(void **state)
{
	static const char *v1 =
	    "CREATE TABLE workspaces (id INTEGER PRIMARY KEY, root TEXT NOT"
	    " NULL UNIQUE, allowed_hash TEXT, allowed_at INTEGER, shell_names"
	    " BLOB, names_key TEXT, last_used INTEGER, created_at INTEGER NOT"
	    " NULL);"
	    "CREATE TABLE shells (id INTEGER PRIMARY KEY, workspace_id INTEGER"
	    " NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, name TEXT"
	    " NOT NULL, current_snapshot INTEGER, evaluations INTEGER NOT NULL"
	    " DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0, cache_hits"
	    " INTEGER NOT NULL DEFAULT 0, UNIQUE (workspace_id, name));"
	    "CREATE TABLE snapshots (id INTEGER PRIMARY KEY, shell_id INTEGER"
	    " NOT NULL REFERENCES shells(id) ON DELETE CASCADE, key TEXT NOT"
	    " NULL, env BLOB NOT NULL, hook_output BLOB NOT NULL, created_at"
	    " INTEGER NOT NULL, eval_ms INTEGER NOT NULL, notes TEXT NOT NULL,"
	    " inputs BLOB NOT NULL, gcroot TEXT NOT NULL, last_used INTEGER NOT"
	    " NULL);"
	    "CREATE INDEX snapshots_shell ON snapshots(shell_id);"
	    "CREATE TABLE evals (id INTEGER PRIMARY KEY, shell_id INTEGER NOT"
	    " NULL REFERENCES shells(id) ON DELETE CASCADE, started_at INTEGER"
	    " NOT NULL, duration_ms INTEGER NOT NULL, ok INTEGER NOT NULL,"
	    " reason TEXT NOT NULL, log BLOB NOT NULL);"
	    "CREATE INDEX evals_shell ON evals(shell_id);"
	    "INSERT INTO workspaces VALUES (1, '/w/old', 'h', 1, NULL, NULL,"
	    " 1, 1);"
	    "INSERT INTO shells VALUES (1, 1, 'default', 7, 1, 0, 0);"
	    "INSERT INTO snapshots VALUES (7, 1, 'k7', x'00', '', 1, 1, '',"
	    " x'', '', 1);"
	    "PRAGMA user_version = 1;";
	struct fixture		*f = *state;
	struct store		*s;
	struct store_snapshot	 got, put;
	struct store_eval	 ev;
	sqlite3			*db;
	char			*cause = NULL, *check;
	int64_t			 sh;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v1, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_non_null(s = store_open(f->path, &cause));
	assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 3);
	assert_null(find_entry(f->dir, "store.db.broken-"));
	assert_int_equal(store_shell_ensure(s, 1, "default", &sh), 0);
	store_snapshot_init(&got);
	assert_int_equal(store_snapshot_current(s, sh, &got), 1);
	assert_true(got.id == 7);
	assert_string_equal(got.key, "k7");
	/* The newest goes; the next one still gets a new id. */
	conn_exec(s, "DELETE FROM snapshots WHERE id = 7");
	memset(&ev, 0, sizeof ev);
	ev.ok = 1;
	ev.reason = ev.log = "";
	make_snapshot(&put, 8);
	assert_int_equal(store_snapshot_put(s, sh, &put, &ev, NULL, NULL), 0);
	assert_true(put.id > 7);
	check = sql_text(f->path, "PRAGMA integrity_check");
	assert_string_equal(check, "ok");
	free(check);
	store_snapshot_release(&got);
	store_snapshot_release(&put);
	store_close(s);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_open_creates),
	T(test_open_missing_dir),
	T(test_workspace_ensure),
	T(test_workspace_trust),
	T(test_shell_ensure),
	T(test_snapshot_none),
	T(test_snapshot_roundtrip),
	T(test_snapshot_empty_hook),
	T(test_snapshot_prune),
	T(test_eval_failed),
	T(test_snapshot_prune_shared_root),
	T(test_snapshot_put_full),
	T(test_snapshot_put_full_evicts_nothing),
	T(test_eval_failed_full),
	T(test_gc),
	T(test_gc_delete_fails),
	T(test_gc_commit_fails),
	T(test_corrupt_moved_aside),
	T(test_future_schema_moved_aside),
	T(test_migrate_fails_says_why),
	T(test_migrate_v1),
	T(test_snapshot_ids),
	T(test_persists),
};

HARNESS_MAIN(tests)
