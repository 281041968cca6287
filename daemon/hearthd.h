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
struct watcher;
struct workspace;

/* hearthd.c */
/* Begin an orderly shutdown: stop listening, cancel evaluations, exit. */
void		 hearthd_shutdown(void);

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

/* store.c: the SQLite store; never sees libuv. */
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
/*
 * A snapshot's id as clients hold it: the store file's random epoch above
 * STORE_ID_BITS bits of id, so that ids from a store since rebuilt never
 * match; 0 for none.
 */
#define STORE_ID_BITS	40
uint64_t	 store_snapshot_wire_id(struct store *, int64_t);
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
/* A workspace's devShell names (NUL-separated) and the key they were
 * listed for; 1 if known, 0 if not, -1 on error. */
int		 store_workspace_names(struct store *, int64_t, struct buf *,
		     char [HASH_HEX_SIZE]);
int		 store_workspace_set_names(struct store *, int64_t,
		     const struct buf *, const char *);
/* Mark a snapshot (and its workspace) used now: LRU and gc keep it. */
int		 store_snapshot_touch(struct store *, int64_t);
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
/* Log a failed evaluation. */
int		 store_eval_failed(struct store *, int64_t,
		     const struct store_eval *);
/* The shell's most recent evaluation; 1 if found, 0 if none, -1 on error. */
int		 store_eval_last(struct store *, int64_t, struct store_eval *);
/* Initialise and release the snapshot and eval records. */
void		 store_snapshot_init(struct store_snapshot *);
void		 store_snapshot_release(struct store_snapshot *);
void		 store_eval_release(struct store_eval *);

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
enum job_kind {
	JOB_SHELL,	/* evaluate a devshell */
	JOB_LIST,	/* list a workspace's devShells */
	JOB_ROOTS,	/* root a workspace's flake inputs */
};
/* Start the scheduler with a cap on concurrent Nix runs. */
void		 scheduler_init(uv_loop_t *, unsigned);
/*
 * Ask for a job (owner: the devshell or the workspace): one runs, at most
 * one waits. Urgent requests (what a user waits for) go first.
 */
void		 scheduler_want(enum job_kind, void *, int);
/* Make a waiting job urgent; nothing if none waits. */
void		 scheduler_hurry(enum job_kind, void *);
/* Note that a workspace's files changed; refreshed after a short delay. */
void		 scheduler_dirty(struct workspace *);
/* The same, refreshed no sooner than ms from now. */
void		 scheduler_dirty_after(struct workspace *, uint64_t);
/* Check a workspace every SCHEDULER_POLL_MS (it could not be watched). */
#define SCHEDULER_POLL_MS	2000
void		 scheduler_poll(struct workspace *, int);
/* 1 while the job is running or waiting. */
int		 scheduler_busy(enum job_kind, void *);
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
void		 shell_info_release(struct shell_info *);
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
/* Re-read a workspace's files after they changed (from the scheduler). */
void		 workspace_refresh(struct workspace *);
/* 1 if the workspace is allowed and its flake.nix still matches. */
int		 workspace_trusted(struct workspace *);
const char	*workspace_root(struct workspace *);
/* The flake's source root: the git top directory, or the root. */
const char	*workspace_top(struct workspace *);
int64_t		 workspace_id(struct workspace *);
/* The files every shell of the workspace depends on. */
const struct inputs *workspace_base_inputs(struct workspace *);
/* A shell's inputs changed: watch the directories holding them. */
void		 workspace_rewatch(struct workspace *);
/* After a good evaluation: make GC roots for the flake's inputs. */
void		 workspace_root_inputs(struct workspace *);
/* 1 if file events wait to be read (the scheduler holds off for them). */
int		 workspace_events_waiting(void);
/* 1 once the devShell names are known. */
int		 workspace_names_known(struct workspace *);
/* Start listing the devShells / rooting the inputs (from the scheduler). */
int		 workspace_list_start(struct workspace *, void (*)(void *));
int		 workspace_roots_start(struct workspace *, void (*)(void *));

/* devshell.c: one devShell of a workspace, its snapshots and evaluation. */
struct devshell	*devshell_new(struct workspace *, const char *);
void		 devshell_free(struct devshell *);
const char	*devshell_name(struct devshell *);
/*
 * Bring a shell in line with its inputs on disk: its snapshot is current,
 * or a cached one matches (switched to with no Nix call), or an
 * evaluation is asked for (urgently for the shell a user is in).
 */
void		 devshell_refresh(struct devshell *, int);
/* Start the evaluation of a shell (from the scheduler); -1 if it failed. */
int		 devshell_eval_start(struct devshell *, void (*)(void *));
/* Cancel a shell's running evaluation. */
void		 devshell_eval_cancel(struct devshell *);
/* Fill in a reply's view of the shell. */
void		 devshell_describe(struct devshell *, struct shell_info *);
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
int		 server_start(uv_loop_t *, const char *, int, char **);
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
/* Handle one frame; -1 means the client sent something malformed. */
int		 request_dispatch(struct client *, uint16_t, const void *,
		     size_t);
/*
 * Encode a SHELL reply for a directory, with the snapshot when asked and
 * the shell has one other than applied. Returns REQUEST_* flags.
 */
#define REQUEST_UNSETTLED	0x1	/* the shell may still change */
#define REQUEST_SENT_ENV	0x2	/* the reply carries the snapshot */
int		 request_shell_reply(struct buf *, const char *, uint64_t,
		     int);

#endif
