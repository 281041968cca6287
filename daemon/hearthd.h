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
#include "hearth/protocol.h"

struct client;
struct eval;
struct shell;
struct store;
struct watcher;
struct workspace;

/* hearthd.c */
/* Begin an orderly shutdown: stop listening, cancel evaluations, exit. */
void		 hearthd_shutdown(void);

/* generation.c: the number prompt hooks compare to skip the client. */
/* Write the first generation into the runtime directory. */
void		 generation_init(const char *);
/* Something a shell could see changed: write a new generation. */
void		 generation_bump(const char *);
void		 generation_free(void);

/* store.c: the SQLite store; never sees libuv. */
struct store_snapshot {
	int64_t		 id;
	char		 key[HASH_HEX_SIZE];
	struct buf	 env;		/* encoded envdiff */
	struct buf	 hook_output;
	struct buf	 notes;		/* variables some shell cannot get */
	int64_t		 created_at;
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

/* Open (creating or migrating) the store; NULL with *cause on failure. */
struct store	*store_open(const char *, char **);
/* Close the store. */
void		 store_close(struct store *);
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
 * Store a new snapshot, make it the shell's current one and log the
 * evaluation, all in one transaction; the new id in snap->id.
 */
int		 store_snapshot_put(struct store *, int64_t,
		     struct store_snapshot *, const struct store_eval *);
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
/* Stop a watch. */
void		 watcher_remove(struct watcher *, int);
/* Stop everything; the watcher is freed once its handle has closed. */
void		 watcher_free(struct watcher *);

/* eval.c: runs one evaluation (nix print-dev-env, then bash). */
struct eval_spec {
	const char	*root;		/* workspace root, the cwd */
	const char	*shell;		/* devShell name */
	const char	*profile;	/* GC root for the dev environment */
	const char	*tmpdir;	/* where the rc file is written */
	const char	*nix;		/* the nix program */
	char *const	*env;		/* the base environment */
	unsigned	 timeout_sec;
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
/* One line saying why it failed. */
const char	*eval_reason(struct eval *);
/* Nix's full output (stderr), for `hearth log`. */
const char	*eval_log(struct eval *);
/* The environment before and after, as "NAME=VALUE\0" dumps. */
const struct buf *eval_base_env(struct eval *);
const struct buf *eval_dev_env(struct eval *);
const struct buf *eval_hook_output(struct eval *);
uint32_t	 eval_ms(struct eval *);

/* scheduler.c: when evaluations run; owns all timing. */
/* Start the scheduler with a cap on concurrent evaluations. */
void		 scheduler_init(uv_loop_t *, unsigned);
/* Ask for an evaluation of a shell: one runs, at most one waits. */
void		 scheduler_want(struct shell *);
/* Note that a workspace's files changed; refreshed after a short delay. */
void		 scheduler_dirty(struct workspace *);
/* 1 while the shell has an evaluation running or waiting. */
int		 scheduler_busy(struct shell *);
/* Cancel everything and release the timers. */
void		 scheduler_shutdown(void);
/* Free the job list once every evaluation has ended. */
void		 scheduler_free(void);

/* workspace.c: workspaces, their trust and their shells. */
struct shell_info {
	enum shell_state state;
	char		*root;
	const char	*shell;
	char		*message;
	uint64_t	 snapshot_id;
	uint64_t	 snapshot_made;
	uint64_t	 last_eval;
	uint32_t	 last_eval_ms;
	const struct buf *env;		/* NULL when there is no snapshot */
	const struct buf *hook_output;
};
/* Load the allowed workspaces and start watching them. */
int		 workspace_start(uv_loop_t *, struct store *, const char *,
		     char **);
/* Stop watching files (at shutdown, while evaluations wind down). */
void		 workspace_unwatch(void);
/* Free every workspace, once the loop has ended. */
void		 workspace_stop(void);
/* Describe the shell for a directory, refreshing its inputs first. */
void		 workspace_describe(const char *, struct shell_info *);
void		 shell_info_release(struct shell_info *);
/* Allow or deny the workspace holding a directory. */
int		 workspace_allow(const char *, char **, char **);
int		 workspace_deny(const char *, char **, char **);
/* Re-read a workspace's files after they changed (from the scheduler). */
void		 workspace_refresh(struct workspace *);
/* Start the evaluation of a shell (from the scheduler); -1 if it failed. */
int		 shell_eval_start(struct shell *, void (*)(struct shell *));
/* Cancel a shell's running evaluation. */
void		 shell_eval_cancel(struct shell *);
/* A name for logs. */
const char	*shell_name(struct shell *);

/* server.c: the control socket and its clients. */
/* Listen on the socket path; -1 with *cause. */
int		 server_start(uv_loop_t *, const char *, char **);
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
/* Encode a SHELL reply for a directory; 1 if it may still change. */
int		 request_shell_reply(struct buf *, const char *, uint64_t,
		     int);

#endif
