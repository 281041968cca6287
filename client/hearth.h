/*
 * The client's internal interfaces, one section per file. The client runs
 * at prompts, so it links only libhearth, libsodium, inih and libc.
 */
#ifndef HEARTH_CLIENT_H
#define HEARTH_CLIENT_H

#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>

#include "hearth/buf.h"
#include "hearth/envdiff.h"
#include "hearth/hash.h"
#include "hearth/protocol.h"

/* Exit codes every command shares. */
#define EXIT_OK		0
#define EXIT_FAIL	1
#define EXIT_USAGE	2

/*
 * cmd.c: the command table. Each command declares its options and
 * positional arguments in its entry; one parser reads them all, and the
 * usage text and the shell completions are made from the same entries.
 */
#define CMD_MAX_OPTIONS	4
struct cmd_option {
	const char	*name;		/* the long name, without "--" */
	int		 letter;	/* the short letter, or 0 */
	const char	*value;		/* the value's name; NULL: a flag */
	const char	*help;		/* one line */
};
/* What a shell completes for a command's positional arguments. */
enum cmd_complete {
	CMD_COMPLETE_NONE,
	CMD_COMPLETE_DIR,
	CMD_COMPLETE_WORDS,		/* one of the entry's words */
};
/* `-t`/`--timeout SECONDS`, the same wherever a command declares it. */
#define CMD_OPTION_TIMEOUT(help) { "timeout", 't', "SECONDS", help }
struct cmd_parsed;
struct cmd_entry {
	const char	*name;
	const char	*args;		/* the positional arguments' usage */
	int		 min_args;	/* how many before any "--" */
	int		 max_args;
	/* 1: a command and its arguments follow a required "--". */
	int		 dashdash;
	enum cmd_complete complete;
	const char	*words;		/* CMD_COMPLETE_WORDS: the choices */
	const char	*summary;	/* one line for `hearth --help` */
	const char	*help;		/* the rest of `hearth CMD --help` */
	int		 hidden;	/* left out of help and completions */
	struct cmd_option options[CMD_MAX_OPTIONS];
	/* Print what follows help, where it is made from a table; or NULL. */
	void		(*help_table)(FILE *);
	int		(*exec)(const struct cmd_parsed *);
};
/* A command line as the parser read it against the command's entry. */
struct cmd_parsed {
	const struct cmd_entry *entry;
	/* Each option's value by its index; "" for a flag; NULL if absent. */
	const char	*values[CMD_MAX_OPTIONS];
	int		 argc;		/* positional arguments */
	char		**argv;		/* NULL-terminated, owned */
	int		 restc;		/* after "--" (dashdash commands) */
	char		**rest;		/* NULL-terminated, in the caller's argv */
};
/* The number of commands in the table, and one by index. */
size_t		 cmd_count(void);
const struct cmd_entry *cmd_at(size_t);
/* Find a command by exact name or unique prefix; NULL with *cause. */
const struct cmd_entry *cmd_find(const char *, char **);
/* The name closest to s (edit distance at most 2) among names, or NULL. */
const char	*cmd_closest(const char *, const char *const *, size_t);
/* Print the list of commands. */
void		 cmd_usage(FILE *);
/* Append "hearth NAME [OPTIONS] ARGS" for one command. */
void		 cmd_synopsis(const struct cmd_entry *, struct buf *);
/* Print one command's help. */
void		 cmd_help(const struct cmd_entry *, FILE *);
/*
 * Parse argv (argv[0] is the command's name) against the entry. 0 when
 * parsed, 1 when it asks for --help, -1 with *cause on bad usage.
 */
int		 cmd_parse(const struct cmd_entry *, int, char **,
		     struct cmd_parsed *, char **);
void		 cmd_parsed_release(struct cmd_parsed *);
/* Parse, then run the command; usage errors exit 2 with the usage. */
int		 cmd_run(const struct cmd_entry *, int, char **);
/* An option's value ("" for a flag), NULL if not given. */
const char	*cmd_get(const struct cmd_parsed *, const char *);
/* A positional argument, NULL past the end. */
const char	*cmd_arg(const struct cmd_parsed *, int);
/*
 * An option's number within [min, max] into *out (left alone if absent);
 * -1 after printing the usage error.
 */
int		 cmd_number(const struct cmd_parsed *, const char *, long,
		     long, long *);
/* Print a one-line error and the usage; returns EXIT_USAGE. */
int		 cmd_usage_error(const struct cmd_entry *, const char *, ...)
		     __attribute__((format(printf, 2, 3)));
/* The directory a command acts on: argv's DIR, or the current one. */
char		*cmd_dir(const char *, char **);
/*
 * Send a request carrying the command's DIR (allow, deny, reload, log)
 * and print the text of the answer.
 */
int		 cmd_dir_text(const struct cmd_parsed *, enum msg_type);


/* ipc.c: one request, one reply, over the daemon's socket. */
/*
 * How long a command that expects a prompt answer waits for the daemon
 * before it gives up; only wait, check and tools wait longer (--timeout).
 */
#define IPC_DEADLINE_MS 5000
struct ipc_reply {
	uint16_t	 type;
	/* The header's protocol, 0 if none came; kept on a mismatch. */
	uint16_t	 version;
	struct buf	 payload;
};
/* The longest a command waits for a daemon it started to listen. */
#define IPC_START_MS 5000
/*
 * Start the daemon with the given environment and wait, at most wait_ms,
 * until one listens; -1 with *cause, errno ETIMEDOUT if not in time, and
 * the daemon's own reason if it could not start.
 */
int		 ipc_start_daemon(int, char **, char **);
/*
 * Send one frame and read one reply within timeout_ms (-1: no limit).
 * With autostart, a daemon that is not running is started first. -1 with
 * *cause on failure; errno ETIMEDOUT when the deadline passed, and then
 * *cause names the daemon's pid and says to run hearth daemon status.
 */
int		 ipc_request(struct buf *, struct ipc_reply *, int, int,
		     char **);
/* Release a reply. */
void		 ipc_reply_release(struct ipc_reply *);
/* 1 if a daemon answers on the socket (no autostart). */
int		 ipc_daemon_alive(void);
/*
 * The pid of the hearthd listening on the socket, from the socket itself
 * (SO_PEERCRED), whatever protocol it speaks; -1 with *cause if nothing
 * listens, or what listens is not a hearthd of this user.
 */
pid_t		 ipc_daemon_pid(char **);
/* A request carrying one directory, for the commands that take one. */
int		 ipc_dir_request(enum msg_type, const char *,
		     struct ipc_reply *, int, char **);

/* reply.c: the SHELL reply. */
struct shell_reply {
	enum shell_state state;
	char		*root;
	char		*shell;
	char		*message;
	char		*changed;	/* why the snapshot changed */
	uint64_t	 snapshot_id;
	uint64_t	 snapshot_made;
	uint64_t	 last_eval;
	uint32_t	 last_eval_ms;
	char		*inputs_note;	/* why the inputs are approximate */
	int		 has_env;
	char		*env;		/* an encoded envdiff */
	size_t		 envlen;
	char		*hook_output;
	uint64_t	 eval_started;	/* the running evaluation's, or 0 */
	char		*activity;	/* what Nix does now, or "" */
};
/* Decode a SHELL reply; -1 with *cause if it is malformed. */
int		 shell_reply_decode(struct shell_reply *,
		     const struct ipc_reply *, char **);
void		 shell_reply_release(struct shell_reply *);
/* An ERROR or OK reply's text, as a new string. */
char		*reply_text(const struct ipc_reply *);

/* cmd-status.c: print a SHELL reply the way status shows it. */
void		 status_print(const struct shell_reply *);

/* envspill.c: old values too large for HEARTH_STATE, in files. */
#define ENVSPILL_MAX	(16 * 1024 * 1024)
/* Save a value under its hash (filled in); -1 if it cannot be saved. */
int		 envspill_put(const char *, char [HASH_HEX_SIZE]);
/* The value saved under a hash, to free; NULL if missing or damaged. */
char		*envspill_get(const char *);

/* envstate.c: what hearth applied to a shell, kept in HEARTH_STATE. */
#define ENVSTATE_VAR	"HEARTH_STATE"
struct envstate;
struct envset;
/* Read the state from its variable (a missing or bad one is empty). */
struct envstate	*envstate_from_env(void);
/* The same from a value of that variable (NULL: unset). */
struct envstate	*envstate_decode(const char *);
void		 envstate_free(struct envstate *);
const char	*envstate_root(struct envstate *);
const char	*envstate_shell(struct envstate *);
uint64_t	 envstate_snapshot(struct envstate *);
const char	*envstate_notice(struct envstate *);
void		 envstate_set_notice(struct envstate *, const char *);
uint64_t	 envstate_hook_shown(struct envstate *);
void		 envstate_set_hook_shown(struct envstate *, uint64_t);
/* 1 if the state says something is applied. */
int		 envstate_applied(struct envstate *);
/* Undo what is applied, recording the changes in the set. */
void		 envstate_revert(struct envstate *, struct envset *);
/* Apply a diff on top of the set, recording how to undo it. */
void		 envstate_apply(struct envstate *, struct envset *,
		     const struct envdiff *, const char *, const char *,
		     uint64_t);
/*
 * The names whose undo depends on their value at the time (the PATH-like
 * ones hearth prepended or appended to), each once: a NULL-terminated array to free,
 * of strings the state owns.
 */
const char	**envstate_prepended(struct envstate *);
/* The state's encoding, for the HEARTH_STATE variable. */
char		*envstate_encode(struct envstate *);
/* 1 if encoding the state would give something other than what was read. */
int		 envstate_changed(struct envstate *);
/*
 * The process environment without what hearth applied: what a daemon
 * started from inside a dev shell must see as its base.
 */
char		**envstate_base_environ(void);
void		 envstate_free_environ(char **);

/* envset.c: a set of pending environment changes over the process one. */
struct envset	*envset_new(void);
/*
 * The same over another set's result (which must outlive it): what would
 * change after that set's changes were made. Not for envset_environ.
 */
struct envset	*envset_over(struct envset *);
void		 envset_free(struct envset *);
/* The value through the pending changes; NULL if unset. */
const char	*envset_get(struct envset *, const char *);
/* Record a change; a NULL value unsets. */
void		 envset_set(struct envset *, const char *, const char *);
/* Walk the changes in order: name and value (NULL for unset). */
size_t		 envset_count(struct envset *);
void		 envset_item(struct envset *, size_t, const char **,
		     const char **);
/* The process environment with the changes applied, NULL-terminated. */
char		**envset_environ(struct envset *);

/*
 * shell.c and shell-*.c: the shells. Everything hearth knows about a shell
 * is its entry in its own shell-<name>.c; shell.c's table lists them, and
 * every list of shells hearth prints is made from that table.
 */
struct shell {
	const char	*name;
	const char	*package;	/* the Debian package that has it */
	const char	*hook;		/* the hook text, with @HEARTH@ */
	/* The line for the rc file that loads the hook. */
	const char	*install;
	/*
	 * 1 if the install line runs the hook with its lines joined into
	 * one (tcsh's eval): `hearth hook` leaves out its comment lines.
	 */
	int		 hook_oneline;
	/*
	 * The rc files doctor reads, NULL-terminated, the first the one to
	 * add the hook to. A leading "~" is $HOME; a leading "${VAR:-DEFAULT}"
	 * is $VAR when it is absolute, else DEFAULT; a last part "*.ext" is
	 * every such file of the directory.
	 */
	const char *const *rcfiles;
	/* Names special in this shell: a dev shell never sets them here. */
	const char *const *reserved;
	/*
	 * Prefixes of the names the shell keeps its own state in, which
	 * envdiff keeps out of every dev shell (the unit tests check it).
	 */
	const char *const *state_prefixes;
	/*
	 * 1 if the shell takes exported bash functions: set gets their
	 * keys (envdiff_function_key) as well as variables.
	 */
	int		 functions;
	/* Append code that exports name=value (or unsets, value NULL). */
	void		(*set)(struct buf *, const char *, const char *);
	/*
	 * Append code that sets a plain, unexported global variable of the
	 * shell: the hook's own (_hearth_root, _hearth_undo, _hearth_guard).
	 */
	void		(*setvar)(struct buf *, const char *, const char *);
	/*
	 * Append a test, with builtins only, that the variable has the value
	 * (value NULL: is unset), joined by "and" to the tests b holds.
	 */
	void		(*guard)(struct buf *, const char *, const char *);
	/* Append a string quoted for this shell (hook placeholders). */
	void		(*quote)(struct buf *, const char *);
	/*
	 * Output formats (json, gha) have no hook, rc file or plain
	 * variables (those fields NULL); finish, if set, turns what set
	 * appended into the whole output.
	 */
	void		(*finish)(struct buf *);
	/* 0 if a value cannot be held (NULL: any value can). */
	int		(*holds)(const char *);
	/* Names that differ only in case are one variable here (nushell). */
	int		 names_nocase;
};
/*
 * Append s as a JSON string (shell-json.c): a byte that is not UTF-8
 * becomes U+FFFD. The data format of json, nu and elvish.
 */
void		 shell_quote_json(struct buf *, const char *);
/*
 * Append one line of the data the nu and elvish hooks apply: a JSON array
 * [OP, NAME, VALUE], VALUE null for unset (shell-json.c).
 */
void		 shell_json_line(struct buf *, char, const char *, const char *);
/* Append s in single quotes, as bash, zsh and sh read it: byte-exact. */
void		 shell_quote_sh(struct buf *, const char *);
/* Find a shell by name; NULL with *cause listing the supported ones. */
const struct shell *shell_find(const char *, char **);
/* The i-th shell of the table, or NULL past its end. */
const struct shell *shell_get(size_t);
/* Find a shell or an output format (json, gha) for `hearth export`. */
const struct shell *shell_find_export(const char *, char **);
/* The i-th output format, or NULL past the end. */
const struct shell *shell_format_get(size_t);
/* The length of the valid UTF-8 character s starts with; 0 if none. */
size_t		 shell_utf8_char(const char *);
/* 1 if s is valid UTF-8 (no overlong forms or surrogates). */
int		 shell_utf8_valid(const char *);
/* Append the shells' names, joined by sep, the last two by last. */
void		 shell_list(struct buf *, const char *, const char *);
/* An rc file as the help shows it: a leading ${VAR:-DEFAULT} is DEFAULT. */
char		*shell_rcfile_shown(const char *);
/* An rc file's path here, its entry's pattern expanded (see rcfiles). */
char		*shell_rcfile_path(const char *);

/* progress.c: one line on a terminal while long work runs. */
/* Called before each redraw, to say what is going on (or NULL). */
typedef void	(*progress_refresh_cb)(void);
/* Start showing progress, if stderr is a terminal. */
void		 progress_start(progress_refresh_cb);
/* Start it for a wait on the shell of a directory: the daemon says what. */
void		 progress_start_shell(const char *);
/* What is going on now, in a few words. */
void		 progress_set(const char *, ...)
		     __attribute__((format(printf, 1, 2)));
/* How long a wait of left ms (-1: forever) may poll before a tick. */
int		 progress_poll_ms(int);
/* Redraw the line, if a second has passed. */
void		 progress_tick(void);
/* Clear the line, before something else is printed; it comes back. */
void		 progress_clear(void);
/* Clear the line and stop. */
void		 progress_end(void);
/* review.c: a workspace's trust reviewed (status --trust, allow --diff). */
/* The daemon's review of the workspace holding dir; -1 with *cause. */
int		 review_fetch(const char *, char **, char **);
/* Print what is allowed and what is pending. */
void		 review_print(const char *);
/* Show how each pending file changed; how many did. */
int		 review_diff(const char *);

/* runner.c: run a program, collecting its output, with a deadline. */
struct runner_result {
	int		 status;	/* as waitpid gives it */
	int		 timed_out;	/* killed at the deadline */
	int		 truncated;	/* stdout went past its cap */
	uint32_t	 ms;
	struct buf	 out;		/* stdout, up to the cap */
	struct buf	 err;		/* the end of stderr */
};
void		 runner_result_init(struct runner_result *);
void		 runner_result_release(struct runner_result *);
/*
 * Run argv (PATH lookup) in cwd (NULL: here) for at most timeout seconds,
 * keeping up to out_cap bytes of stdout. -1 with *cause only when it
 * could not be started; how it ended is in the result.
 */
int		 runner_run(char *const [], const char *, unsigned, size_t,
		     struct runner_result *, char **);
/* 1 if it ran in time and exited 0. */
int		 runner_ok(const struct runner_result *);
/* One line on why it failed: Nix's error message, or how it ended. */
char		*runner_why(const struct runner_result *, unsigned);

/* nixcheck.c: is there a Nix hearth can use, without waiting for Nix. */
enum nixcheck_state {
	NIXCHECK_OK,		/* it can use flakes */
	NIXCHECK_MISSING,	/* not installed */
	NIXCHECK_NOFLAKES,	/* too old for flakes, or cannot run */
	NIXCHECK_UNKNOWN,	/* not probed yet: assume it works */
};
/* The nix program hearth runs: HEARTH_NIX, else "nix". */
const char	*nixcheck_program(void);
/* That program's path through PATH (access(2) only), or NULL. */
char		*nixcheck_find(void);
/*
 * The state, with *why for MISSING and NOFLAKES (to free) and the
 * program's path in *prog (may be NULL). At a prompt (at_prompt 1) it
 * runs nothing: what is not cached yet (the daemon probes its Nix) is
 * UNKNOWN. Otherwise it probes what is not cached, and records it.
 */
enum nixcheck_state nixcheck_state(int, char **, char **);

/* toolslist.c: the tools each devShell provides; .hearth-tools. */
#define TOOLSLIST_FILE	".hearth-tools"
struct toolslist_tool {
	char		*shell;
	char		*tool;
	char		*package;
	char		*version;	/* "" if none */
};
struct toolslist;
struct toolslist *toolslist_new(void);
void		 toolslist_free(struct toolslist *);
/* Split a derivation name into package and version, as Nix's DrvName. */
void		 toolslist_split(const char *, char **, char **);
/* 1 with package and version if the path is in the Nix store. */
int		 toolslist_storepath(const char *, char **, char **);
/* Record a devShell (which may provide no tools). */
void		 toolslist_add_shell(struct toolslist *, const char *);
/* Add a tool (shell, tool, package, version); -1 if a field is bad. */
int		 toolslist_add(struct toolslist *, const char *, const char *,
		     const char *, const char *);
/* Add the executables of a PATH value's store entries to a shell. */
void		 toolslist_add_path(struct toolslist *, const char *,
		     const char *);
size_t		 toolslist_count(const struct toolslist *);
const struct toolslist_tool *toolslist_get(const struct toolslist *, size_t);
/* The devShells, NULL-terminated. */
char *const	*toolslist_shells(const struct toolslist *);
/* Sort by shell, then tool. */
void		 toolslist_sort(struct toolslist *);
/* The file's text (sorts the list first). */
void		 toolslist_encode(struct toolslist *, struct buf *);
/* Parse the file's text into the list; -1 with *cause. */
int		 toolslist_decode(struct toolslist *, const char *, size_t,
		     char **);
/* Read the file; -1 with *cause (errno ENOENT if it is missing). */
int		 toolslist_read(struct toolslist *, const char *, char **);
/* Append one line per difference (want: the file, got: now); count. */
size_t		 toolslist_diff(struct toolslist *, struct toolslist *,
		     struct buf *);
/* The PATH a `nix print-dev-env` script sets, or NULL. */
char		*toolslist_devenv_path(const char *, size_t);

/* junit.c: a JUnit XML report. */
struct junit;
struct junit	*junit_new(const char *);
void		 junit_free(struct junit *);
/* Add a test case: name, ms, and a failure (or skip) message or NULL. */
void		 junit_pass(struct junit *, const char *, uint32_t);
void		 junit_fail(struct junit *, const char *, uint32_t,
		     const char *, const char *);
void		 junit_skip(struct junit *, const char *, const char *);
/* The XML document. */
void		 junit_encode(const struct junit *, struct buf *);
/* Append text escaped for XML (and made valid XML 1.0 UTF-8). */
void		 junit_escape(struct buf *, const char *, size_t);

#endif
