/*
 * hearthd's internal interfaces, one section per file. Struct bodies stay
 * in their .c files; other files see only the functions below.
 */
#ifndef HEARTHD_H
#define HEARTHD_H

#include <stdint.h>
#include <time.h>

#include <uv.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/nix.h"
#include "hearth/protocol.h"

struct client;
struct devshell;
struct eval;
struct inputs;
struct job;
struct sqlite3;
struct store;
struct trust;
struct watcher;
struct workspace;
struct wsconfig;


/* nixprobe.c: whether the daemon's Nix can use flakes, for the client. */
/* Probe the nix program (unless a fresh answer is cached) and record it. */
void		 nixprobe_start(uv_loop_t *, const char *, char *const *);
/* Kill a probe still running (at shutdown). */
void		 nixprobe_stop(void);

/* generation.c: the number prompt hooks compare to skip the client. */
/* Write the first generation into the runtime directory. */
void		 generation_init(const char *);
/* Something a shell could see changed: write a new generation. */
void		 generation_bump(const char *);
void		 generation_free(void);

/* changed.c: one announcement for whatever a shell could see change. */
/* Bump the generation and answer the waiting clients whose shell settled. */
void		 changed_announce(const char *);
/* Answer the waiting clients whose shell settled; the generation stays. */
void		 changed_recheck(void);

/* gitindex.c: which files a git repository tracks (its index). */
/* 1 tracked, 0 untracked, -1 unknown (no git, unreadable index). */
int		 gitindex_tracked(const char *, const char *);
/* Call back with every tracked path (absolute); -1 unknown. */
int		 gitindex_each(const char *, void (*)(const char *, void *),
		     void *);
/* A hash over the paths the index lists (not their content); -1 unknown. */
int		 gitindex_paths_hash(const char *, char [HASH_HEX_SIZE]);
void		 gitindex_forget(void);

/* inputs.c: the files a shell depends on, and the key over them. */
struct inputs	*inputs_new(void);
void		 inputs_free(struct inputs *);
/*
 * What about an input counts: its content (a directory: its whole tree),
 * only whether it exists and as what, or (for a git top) the set of paths
 * git tracks, which is what Nix 2.20 and later see of a pathExists.
 */
#define INPUTS_READ	'r'
#define INPUTS_STAT	'='
#define INPUTS_TRACKED	'#'
/* Add an absolute path (kept sorted and unique), INPUTS_READ. */
void		 inputs_add(struct inputs *, const char *);
void		 inputs_add_kind(struct inputs *, const char *, int);
int		 inputs_kind(const struct inputs *, size_t);
/*
 * Drop inputs inside a directory whose whole tree is an input: they add
 * nothing, and the tree is checked without walking while it is watched.
 */
void		 inputs_prune_trees(struct inputs *);
/* Mark the set approximate, with why (the first reason stays). */
void		 inputs_set_approx(struct inputs *, const char *);
/* NULL when the set is exact. */
const char	*inputs_approx(const struct inputs *);
/* Add every path of another set, with its recorded hash. */
void		 inputs_merge(struct inputs *, const struct inputs *);
size_t		 inputs_count(const struct inputs *);
const char	*inputs_path(const struct inputs *, size_t);
/*
 * The flake's source root, when it is a git repository: a file there
 * that git does not track is invisible to Nix, and counts as such.
 */
void		 inputs_set_top(struct inputs *, const char *);
/* The key over the files as they are now, salted (shell, system, Nix). */
void		 inputs_key(const struct inputs *, const char *,
		     char [HASH_HEX_SIZE]);
/* Remember each file's current hash (when an evaluation starts). */
void		 inputs_record(struct inputs *);
/* Append the names (relative to root) of files changed since recorded. */
void		 inputs_changed(const struct inputs *, const char *,
		     struct buf *);
/* "path\0hash\0" pairs, for the store. */
void		 inputs_encode(const struct inputs *, struct buf *);
int		 inputs_decode(struct inputs *, const void *, size_t);
/*
 * A directory input's whole tree is watched (on) or not: while it is, its
 * hash is reused until inputs_trees_changed(), instead of walking it.
 */
void		 inputs_tree_watched(const char *, int);
/* A watched file event: every watched tree is to be walked again. */
void		 inputs_trees_changed(void);
/* Drop the stat cache (at shutdown). */
void		 inputs_forget(void);

/* attrs.c: a structured-attrs shell's files, kept with its snapshot. */
/*
 * Read the structuredAttrs of a dev environment's JSON: 1 with the
 * contents of .attrs.sh and .attrs.json, 0 when it has none, -1 with
 * *cause when it is malformed.
 */
int		 attrs_parse(const char *, size_t, struct buf *, struct buf *,
		     char **);
/* The directory, under root, of the copies a GC root keeps; NULL if none. */
char		*attrs_dir(const char *, const char *);
/*
 * Write .attrs.json and .attrs.sh into the directory from the dev
 * environment file: 1, 0 when it has no structured attributes, -1 with
 * *cause.
 */
int		 attrs_save(const char *, const char *, char **);
/* Remove a directory of copies. */
void		 attrs_remove(const char *);
/* 0 if an encoded snapshot names a copy under root that is gone, else 1. */
int		 attrs_alive(const char *, const void *, size_t);

/* readset.c: the files one evaluation read, its snapshot's inputs. */
struct nixinfo;
struct readset;
/*
 * For a print-dev-env of root#shell in the flake at top: base env, the
 * tracer to preload (or NULL), and which Nix runs (NULL: unknown).
 */
struct readset	*readset_new(const char *, const char *, const char *,
		     char *const *, const char *, const struct nixinfo *);
void		 readset_free(struct readset *);
/* The traced run's environment; NULL when there is no tracer. */
char *const	*readset_env(const struct readset *);
/* One line of the run's log (a job's line callback; arg: the readset). */
void		 readset_line(const char *, void *);
/* The run is over: complete the set (see readset.c). */
void		 readset_settle(struct readset *);
struct inputs	*readset_inputs(const struct readset *);

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

/* watcher.c: inotify on directories; never sees SQLite. */
typedef void	(*watcher_cb)(void *, const char *);
/* Start watching; events call cb(owner, file name). */
struct watcher	*watcher_new(uv_loop_t *, watcher_cb, char **);
/* Watch a directory for changes to the files in it; a watch id or -1. */
int		 watcher_add(struct watcher *, const char *, void *);
/* Stop one owner's watch (the directory stays watched for others). */
void		 watcher_remove(struct watcher *, int, void *);
/* 1 if events wait in the kernel, not read yet. */
int		 watcher_pending(struct watcher *);
/* Stop everything; the watcher is freed once its handle has closed. */
void		 watcher_free(struct watcher *);

/* job.c: runs one child process and collects what it writes. */
#define JOB_MAX_OUTS	3		/* output pipes of a job */
#define JOB_MAX_FD	9		/* the highest fd one may be */
#define JOB_MAX_LINE	(64U * 1024)	/* longer lines are not handed over */
struct job_out {
	int		 fd;		/* the child's: 1, 2, 3... */
	struct buf	*to;		/* the owner's, appended to */
	size_t		 cap;
	int		 keep_tail;	/* past cap: keep the end, else fail */
	/* Called with each whole line (no newline) as it comes, or NULL. */
	void		(*line)(const char *, void *);
};
struct job_result {
	int64_t		 status;	/* exit status, if it exited */
	int		 signal;	/* the signal that killed it, or 0 */
	int		 timed_out;
	int		 cancelled;
	int		 overflow;	/* a capped output without keep_tail */
	int		 error;		/* uv_spawn's error; 0 if it ran */
	const char	*cause;		/* why it did not run, or NULL */
};
typedef void	(*job_cb)(const struct job_result *, void *);
struct job_spec {
	char *const	*argv;		/* argv[0] is looked up in PATH */
	char *const	*env;
	const char	*cwd;
	uint64_t	 timeout_ms;	/* 0: no deadline */
	struct job_out	 out[JOB_MAX_OUTS];
	int		 nout;
	job_cb		 cb;		/* once, after exit and every close */
	void		*arg;		/* for cb and the line callbacks */
};
/* Start a job; it is freed when its callback returns. Never NULL. */
struct job	*job_start(uv_loop_t *, const struct job_spec *);
/* Kill a job's process group; its callback still runs. NULL is a no-op. */
void		 job_cancel(struct job *);

/* eval.c: runs one evaluation (nix print-dev-env, then bash). */
enum eval_mode {
	EVAL_DEVENV,	/* a shell's environment: print-dev-env, then bash */
	EVAL_LIST,	/* the names of a flake's devShells for a system */
	EVAL_ROOTS,	/* GC roots for the flake's inputs, at profile */
};
struct eval_spec {
	enum eval_mode	 mode;
	const char	*root;		/* workspace root, the cwd */
	const char	*top;		/* the flake's source root (git top) */
	const char	*shell;		/* devShell name */
	const char	*system;	/* e.g. x86_64-linux */
	const char	*profile;	/* GC root for the dev environment */
	const char	*tmpdir;	/* where the rc file is written */
	const char	*nix;		/* the nix program */
	char *const	*env;		/* the base environment */
	unsigned	 timeout_sec;
	const char	*nixtrace;	/* the tracer to preload, or NULL */
	struct nixinfo	*nixinfo;	/* filled by the first that runs */
};
typedef void	(*eval_cb)(struct eval *, void *);
/* Start an evaluation; cb runs once when it ends. NULL with *cause. */
struct eval	*eval_start(uv_loop_t *, const struct eval_spec *, eval_cb,
		     void *, char **);
/* Kill a running evaluation; its callback still runs, as a failure. */
void		 eval_cancel(struct eval *);
/* Free an evaluation from (or after) its callback. */
void		 eval_free(struct eval *);
int		 eval_ok(struct eval *);
/* 1 if eval_cancel() ended it (not a failure of the flake). */
int		 eval_cancelled(struct eval *);
/* One line saying why it failed. */
const char	*eval_reason(struct eval *);
/* Nix's full output (stderr), for `hearth log`. */
const char	*eval_log(struct eval *);
/* The environment before and after, as "NAME=VALUE\0" dumps. */
const struct buf *eval_base_env(struct eval *);
const struct buf *eval_dev_env(struct eval *);
const struct buf *eval_hook_output(struct eval *);
/* The files the evaluation read or looked for, in the workspace. */
struct inputs	*eval_inputs(struct eval *);
/* EVAL_LIST: the devShell names, NULL-terminated. */
char *const	*eval_names(struct eval *);
uint32_t	 eval_ms(struct eval *);

/* scheduler.c: when Nix runs; owns all timing. */
/*
 * A kind of job, as its owner describes it: start a run (0, or -1 when
 * there was nothing to do or it could not start; a run that started ends
 * with scheduler_done()), cancel a running one at shutdown (NULL: it ends
 * with its owner), and rank a waiting one (lower goes first, 1 and up;
 * NULL: 1).
 */
typedef int	(*scheduler_start_cb)(void *);
typedef void	(*scheduler_cancel_cb)(void *);
typedef int	(*scheduler_rank_cb)(void *);
struct scheduler_ops {
	scheduler_start_cb	 start;
	scheduler_cancel_cb	 cancel;
	scheduler_rank_cb	 rank;
};
/* What the scheduler calls on its users' behalf, given at start. */
/* The owners marked dirty, once their files were quiet. */
typedef void	(*scheduler_refresh_cb)(void *const *, size_t);
/* 1 while file events wait to be read (jobs hold off for them). */
typedef int	(*scheduler_waiting_cb)(void);
struct scheduler_hooks {
	scheduler_refresh_cb	 refresh;
	scheduler_waiting_cb	 events_waiting;
};
/* Start the scheduler with a cap on concurrent Nix runs. */
void		 scheduler_init(uv_loop_t *, unsigned,
		     const struct scheduler_hooks *);
/*
 * Ask for a job (the kind's operations and its owner): one runs, at most
 * one waits. Urgent requests (what a user waits for) go first.
 */
void		 scheduler_want(const struct scheduler_ops *, void *, int);
/* Make a waiting job urgent; nothing if none waits. */
void		 scheduler_hurry(const struct scheduler_ops *, void *);
/* A job's run ended (its owner says so, from its completion). */
void		 scheduler_done(const struct scheduler_ops *, void *);
/* Note that an owner's files changed; refreshed after a short delay. */
void		 scheduler_dirty(void *);
/* The same, refreshed no sooner than ms from now. */
void		 scheduler_dirty_after(void *, uint64_t);
/* Check an owner every SCHEDULER_POLL_MS (it could not be watched). */
#define SCHEDULER_POLL_MS	2000
void		 scheduler_poll(void *, int);
/* 1 while the job is running or waiting. */
int		 scheduler_busy(const struct scheduler_ops *, void *);
/* Cancel everything and release the timers. */
void		 scheduler_shutdown(void);
/* Free the job list once every evaluation has ended. */
void		 scheduler_free(void);

/* What the whole daemon shares, filled in once at start-up. */
/* Which Nix the daemon runs, learnt by its first evaluation. */
struct nixinfo {
	int			 probed;
	int			 parsed;
	struct nix_version	 version;
};

struct settings {
	uv_loop_t	*loop;
	struct store	*store;
	char		*state_dir;
	char		*profiles;	/* GC roots of the dev environments */
	char		*attrs;		/* their structured attrs (attrs.c) */
	char		*tmp;		/* rc files of running evaluations */
	const char	*nix;		/* the nix program */
	char		*nix_version;	/* part of every snapshot's key */
	char		*system;	/* e.g. x86_64-linux */
	char		**base_env;	/* what evaluations start from */
	unsigned	 timeout_sec;
	char		*nixtrace;	/* hearth-nixtrace.so, or NULL */
	struct nixinfo	 nixinfo;
};
extern struct settings settings;
/* settings.c: fill in (from the environment) and free the settings. */
void		 settings_init(uv_loop_t *, struct store *, const char *);
void		 settings_free(void);

/* The state of a shell as a reply describes it. */
struct shell_info {
	enum shell_state state;
	char		*root;
	const char	*shell;
	char		*message;
	const char	*changed;	/* what changed for the last switch */
	uint64_t	 snapshot_id;	/* store_snapshot_wire_id's */
	uint64_t	 snapshot_made;
	uint64_t	 last_eval;
	uint32_t	 last_eval_ms;
	const char	*inputs_note;	/* why the inputs are approximate */
	const struct buf *env;		/* NULL when there is no snapshot */
	const struct buf *hook_output;
};

/* trust.c: whether a workspace's flake may be evaluated. */
/* The allowance: the hash of flake.nix and .hearth.ini as they are now. */
int		 trust_hash(const char *, char [HASH_HEX_SIZE]);
/* A workspace's trust, allowed with a hash (NULL: not allowed). */
struct trust	*trust_new(const char *, const char *);
void		 trust_free(struct trust *);
/* Allow with a hash, or (NULL) deny. */
void		 trust_set(struct trust *, const char *);
int		 trust_allowed(const struct trust *);
/*
 * 1 if allowed and flake.nix and .hearth.ini still hash as allowed; they
 * are hashed again only when their stat tuples changed.
 */
int		 trust_check(struct trust *);
/*
 * Record in the store that the workspace holding a directory is allowed
 * (hex: filled with its hash) or denied (hex NULL): its root, and its id
 * in *id; NULL with *cause.
 */
char		*trust_record(const char *, char [HASH_HEX_SIZE], int64_t *,
		     char **);

/* shellmap.c: which devShell a directory of a workspace maps to. */
#define SHELLMAP_DEFAULT	"default"
/*
 * The shell for a directory inside the workspace at root: the config's
 * mapping, else the nearest enclosing directory named like one of the
 * names (NULL: unknown yet), else SHELLMAP_DEFAULT; NULL when none applies.
 */
const char	*shellmap_find(const char *, const struct wsconfig *,
		     char *const *, const char *);
/* The git top directory holding a root (the flake's source), or root. */
char		*shellmap_top(const char *);

/* watchset.c: the directories watched for a workspace; inotify's limits. */
struct watchset;
/* Start the one watcher of the daemon; -1 with *cause. */
int		 watchset_start(uv_loop_t *, char **);
/* Stop watching anything (at shutdown). */
void		 watchset_stop(void);
/* 1 if file events wait to be read. */
int		 watchset_pending(void);
/* The watches of an owner (told to scheduler_dirty() on events). */
struct watchset	*watchset_new(void *, const char *, const char *);
void		 watchset_free(struct watchset *);
/* Watch the directories of a set of inputs, and no others. */
void		 watchset_set(struct watchset *, const struct inputs *);
/* Drop every watch of the owner. */
void		 watchset_clear(struct watchset *);
/* 1 (once) if the set must be watched again: a directory went or came. */
int		 watchset_stale(struct watchset *);

/* roots.c: GC roots for a workspace's flake inputs, once per lock. */
struct roots;
/* May the flake be evaluated now? (its owner's trust) */
typedef int	(*roots_trusted_cb)(void *);
/* The roots of workspace id at root, with the flake's source at top. */
struct roots	*roots_new(int64_t, const char *, const char *,
		     roots_trusted_cb, void *);
void		 roots_free(struct roots *);
/* After a good evaluation: root the inputs of this lock (its key). */
void		 roots_want(struct roots *, const char *);
/* Kill a rooting still running (at shutdown). */
void		 roots_cancel(struct roots *);
/* Remove every root (a workspace gc forgot). */
void		 roots_drop(struct roots *);

/* names.c: the devShell names of a workspace's flake, and their cache. */
struct names;
/*
 * What the names ask of their owner: may the flake be evaluated now, and
 * a listing ended (the names may have changed).
 */
typedef int	(*names_trusted_cb)(void *);
typedef void	(*names_listed_cb)(void *);
struct names_ops {
	names_trusted_cb	 trusted;
	names_listed_cb		 listed;
};
/* The names of workspace id at root (flake source at top), as stored. */
struct names	*names_new(int64_t, const char *, const char *,
		     const struct names_ops *, void *);
void		 names_free(struct names *);
/* The names, NULL-terminated; NULL while unknown. */
char *const	*names_list(const struct names *);
int		 names_has(const struct names *, const char *);
/* Why the last listing failed; NULL if it did not. */
const char	*names_error(const struct names *);
/* The key of flake.nix and flake.lock the names are for. */
const char	*names_key(const struct names *);
/*
 * flake.nix or flake.lock changed: take a cached listing (1: the names
 * changed) or ask the scheduler for a new one (0).
 */
int		 names_refresh(struct names *);
/* A user waits for the names: list them first. */
void		 names_hurry(struct names *);
/* Kill a listing still running. */
void		 names_cancel(struct names *);

/* gc.c: forget vanished workspaces and those unused for days. */
/* Stop tending a workspace the store has forgotten. */
typedef void	(*gc_forget_cb)(const char *);
/* Forget those unused for days; a summary in *msg, or -1 with *cause. */
int		 gc_run(unsigned, gc_forget_cb, char **, char **);

/* workspace.c: workspaces, their trust, config and devShell names. */
/* Load the allowed workspaces and start watching them. */
int		 workspace_start(char **);
/* Stop watching files (at shutdown, while evaluations wind down). */
void		 workspace_unwatch(void);
/* Free every workspace, once the loop has ended. */
void		 workspace_stop(void);
/* Describe the shell for a directory, refreshing its inputs first. */
void		 workspace_describe(const char *, struct shell_info *);
/*
 * The same for a devShell named by the caller (its string must outlive
 * the description) rather than the one the directory maps to.
 */
void		 workspace_describe_named(const char *, const char *,
		     struct shell_info *);
/* Allow or deny the workspace holding a directory. */
int		 workspace_allow(const char *, char **, char **);
int		 workspace_deny(const char *, char **, char **);
/* The shell of a directory, for reload/log/used; NULL with *cause. */
struct devshell	*workspace_devshell(const char *, char **);
/* Call cb with the description of every shell of every workspace. */
void		 workspace_each(void (*)(const struct shell_info *, void *),
		     void *);
/* Drop vanished workspaces and those unused for days; a summary. */
int		 workspace_gc(unsigned, char **, char **);
/* What the scheduler is started with: refresh the dirty workspaces. */
extern const struct scheduler_hooks workspace_scheduler_hooks;

/* devenv.c: a finished evaluation's dev environment made a snapshot. */
/*
 * Fill in a snapshot's environment, hook output, notes and GC root from
 * an evaluation that made a generation of profile; label names the shell
 * in the log. The number of variables in *nvars; -1 with *cause.
 */
int		 devenv_snapshot(struct eval *, const char *, const char *,
		     struct store_snapshot *, size_t *, char **);
/* A snapshot leaving the cache: drop its GC root and attrs copies. */
void		 devenv_unroot(const char *);
/* 1 if a snapshot's dev environment and attrs copies are still there. */
int		 devenv_alive(const struct store_snapshot *);
/*
 * Find in a shell's cache (but snapshot skip) one made from the inputs on
 * disk now (flake source top, key salt); found->id 0 if none. -1 on error.
 */
int		 devenv_cached(int64_t, int64_t, const char *, const char *,
		     struct store_snapshot *);

/* devshell.c: one devShell of a workspace, its snapshots and evaluation. */
/*
 * What a shell asks of its owner (the workspace), given when it is made:
 * whether its flake may be evaluated now, the files every shell of the
 * owner depends on, that its inputs moved (watch them), and that a good
 * evaluation landed (the flake's inputs can be rooted).
 */
typedef int	(*devshell_trusted_cb)(void *);
typedef const struct inputs *(*devshell_inputs_cb)(void *);
typedef void	(*devshell_event_cb)(void *);
struct devshell_ops {
	devshell_trusted_cb	 trusted;
	devshell_inputs_cb	 base_inputs;
	devshell_event_cb	 inputs_moved;
	devshell_event_cb	 evaluated;
};
/* A shell of the owner (ops' argument) at root, top and store id. */
struct devshell	*devshell_new(const struct devshell_ops *, void *,
		     const char *, const char *, int64_t, const char *);
void		 devshell_free(struct devshell *);
const char	*devshell_name(struct devshell *);
/*
 * Bring a shell in line with its inputs on disk: its snapshot is current,
 * or a cached one matches (switched to with no Nix call), or an
 * evaluation is asked for (urgently for the shell a user is in).
 */
void		 devshell_refresh(struct devshell *, int);
/* Cancel a shell's running evaluation. */
void		 devshell_eval_cancel(struct devshell *);
/* Fill in a reply's view of the shell. */
void		 devshell_describe(struct devshell *, struct shell_info *);
/* Free what a description holds. */
void		 shell_info_release(struct shell_info *);
/* Add the files the shell depends on (current and failed run) to a set. */
void		 devshell_inputs(struct devshell *, struct inputs *);
/* Evaluate again now, whatever the inputs say (`hearth reload`). */
void		 devshell_reload(struct devshell *);
/* Append the last evaluation's record and Nix's output; 0 if none. */
int		 devshell_log(struct devshell *, struct buf *);
/* The shell's snapshot was applied by a client: keep it warm and rooted. */
void		 devshell_used(struct devshell *);

/* server.c: the control socket and its clients. */
/*
 * The listening socket a service manager passed (sd_listen_fds(3)) in *fd,
 * or -1 when there is none; -1 with *cause when it is not a usable one.
 * Unsets LISTEN_PID and LISTEN_FDS.
 */
int		 server_inherited(int *, char **);
/*
 * Listen on the inherited socket fd, or (fd -1) bind the socket path;
 * -1 with *cause.
 */
/* Handle one frame; -1 when the client sent something malformed. */
typedef int	(*server_dispatch_cb)(struct client *, uint16_t, const void *,
		    size_t);
/*
 * Encode the reply to a client waiting on a directory: 1 when its shell
 * settled (the frame is sent), 0 to keep waiting.
 */
typedef int	(*server_settled_cb)(struct buf *, const char *);
struct server_ops {
	server_dispatch_cb	 dispatch;
	server_settled_cb	 settled;
};
int		 server_start(uv_loop_t *, const char *, int,
		     const struct server_ops *, char **);
/* Stop listening and drop every client. */
void		 server_stop(void);
/* Queue a frame to a client. */
void		 server_send(struct client *, struct buf *);
/* Disconnect a client (a malformed request, or after STOP). */
void		 server_drop(struct client *, const char *);
/* Mark a client as waiting for its directory's shell to settle. */
void		 server_wait(struct client *, const char *);
/* Something changed: answer the waiting clients whose shell settled. */
void		 server_notify(void);

/* request.c: one handler per message type. */
/* What STOP calls: an orderly shutdown of the daemon. */
typedef void	(*request_stop_cb)(void);
/* Set up the handlers with what STOP calls. */
void		 request_init(request_stop_cb);
/* What the transport is started with: the handler table and WAIT's reply. */
extern const struct server_ops request_server_ops;

#endif
