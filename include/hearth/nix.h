/*
 * What hearth knows about Nix itself, in one place for the daemon and the
 * client: the argv of every Nix run, the devShell listing's output, the
 * error message in Nix's output (one line, whatever the version's
 * layout), and which Nix it is, with the log dialect hearth knows for it.
 * It runs nothing itself and needs nothing but libc. common/nix.c holds
 * the argv, the listing and the version; common/nixerror.c reads errors.
 */
#ifndef HEARTH_NIX_H
#define HEARTH_NIX_H

#include <stddef.h>

struct buf;

/*
 * The argv of one Nix run: an array for exec, never a shell line. Every
 * run but the version probe enables flakes on the command line, so a
 * nix.conf without them does not matter.
 */
struct nix_argv;

/* print-dev-env flag: log the files evaluation reads (hearthd's runs). */
#define NIX_TRACE	0x1

/*
 * `print-dev-env ROOT#SHELL` (nix, root, shell, profile or NULL, flags),
 * never writing flake.lock; with --profile, the result is a GC root.
 * SHELL is quoted as Nix's attribute paths want ("web.app"); NULL with
 * *cause for a name no quoting can give Nix (one holding '"').
 */
struct nix_argv	*nix_argv_print_dev_env(const char *, const char *,
		     const char *, const char *, int, char **);
/* The names of ROOT's devShells for SYSTEM, as JSON (nix, root, system). */
struct nix_argv	*nix_argv_list(const char *, const char *, const char *);
/* `flake archive --json ROOT`: the store paths of ROOT and its inputs. */
struct nix_argv	*nix_argv_archive(const char *, const char *);
/*
 * `build --out-link PROFILE` of every store path the archive's JSON names
 * (nix, profile, json, length): GC roots for the inputs. NULL if it names
 * none.
 */
struct nix_argv	*nix_argv_gcroots(const char *, const char *, const char *,
		     size_t);
/* `flake lock --no-update-lock-file ROOT`: fails if flake.lock is stale. */
struct nix_argv	*nix_argv_lock_check(const char *, const char *);
/* Prints this machine's system (builtins.currentSystem). */
struct nix_argv	*nix_argv_system(const char *);
/* Prints `true` only where flakes work (judged by nix_flakes_judge). */
struct nix_argv	*nix_argv_flakes_probe(const char *);
/* `--version`, without the flakes flag: any Nix must say which it is. */
struct nix_argv	*nix_argv_version(const char *);
/* The NULL-terminated argv; it lives as long as the nix_argv. */
char		**nix_argv_vector(const struct nix_argv *);
/* The argv as one line, for logs and messages (never for a shell). */
char		*nix_argv_text(const struct nix_argv *);
void		 nix_argv_free(struct nix_argv *);

/* The most devShell names a listing may give. */
#define NIX_NAMES_MAX	1024
/*
 * Parse the listing's output, a JSON list of strings: a NULL-terminated
 * array (free with nix_names_free), or NULL with *cause. Names that
 * cannot name a directory (empty, too long, control bytes, escapes of
 * other than printable ASCII) refuse the whole list.
 */
char		**nix_names_parse(const char *, size_t, char **);
void		 nix_names_free(char **);
/*
 * 1 if a failed listing's output says the flake has no devShells for the
 * system (output, length, system): then the flake's default is its shell.
 */
int		 nix_names_absent(const char *, size_t, const char *);

/* nix_error_message: no error message, then the last line printed. */
#define NIX_ERROR_ELSE_LAST	0x1
/* The longest message nix_error_message returns, in bytes. */
#define NIX_ERROR_MAX		1024
/*
 * Nix's first error message in its output (stderr), as one line to free,
 * starting "error: ": the cause and where, without -vvv chatter, the
 * "… while" trace, code frames and build log excerpts. NULL if there is
 * none (and no line, with NIX_ERROR_ELSE_LAST).
 */
char		*nix_error_message(const char *, size_t, int);
/*
 * Append Nix's output as `hearth log` shows it: its errors, warnings and
 * traces whole, as Nix printed them, without the -vvv chatter.
 */
void		 nix_error_report(const char *, size_t, struct buf *);
/* 1 if Nix refused because flake.lock needs changes it may not write. */
int		 nix_error_lock_outdated(const char *, size_t);
/*
 * 1 if Nix's error message tells of a fault outside the flake that a
 * later run may not meet (a builder killed by a signal, the store busy
 * or failing, the daemon or network away): worth trying again.
 */
int		 nix_error_passing(const char *);
/* 1 if Nix's output says it waited on a lock another process held. */
int		 nix_log_lock_wait(const char *, size_t);
/*
 * The store path of the tree Nix fetched for the flake source at the
 * given directory (its git top, or the flake's own directory), as its
 * -vvv log says ("got tree 'S' from 'git+file://DIR?...'"), appended to
 * b: 0 if found, -1 if the log does not say (Nix 2.3x and later no longer
 * copy a local flake, and print none).
 */
int		 nix_error_source(const char *, size_t, const char *,
		     struct buf *);
/*
 * The text with every path into the flake's source store path (the
 * second argument) made a path into the workspace (the third): what Nix
 * up to 2.2x shows as /nix/store/HASH-source/lib/x.nix:3:5 is the
 * user's DIR/lib/x.nix:3:5. Appended to b.
 */
void		 nix_error_unstore(const char *, const char *, const char *,
		     struct buf *);
#define NIX_STORE_DIR	"/nix/store/"
#define NIX_STORE_HASH	32
/* The first store path in a text named NAME ("source"), into b: 0 found. */
int		 nix_error_store_path(const char *, const char *, struct buf *);
/*
 * The store path of the source of the flake at root (in the git top
 * directory top) in Nix's output, into b: the tree its -vvv log says it
 * fetched from top, else the first HASH-source path holding, at root's
 * place, the same flake.nix as root (a listing runs without -vvv). 0 if
 * found.
 */
int		 nix_error_workspace_source(const char *, size_t, const char *,
		     const char *, struct buf *);
/*
 * Rewrite a text taken from Nix's output (the log that follows) so that
 * it names the workspace's files (root, in top) where Nix named their
 * copy in the store: an error's position is then one the user can open.
 */
void		 nix_error_in_workspace(struct buf *, const char *, size_t,
		     const char *, const char *);

/*
 * Judge the flakes probe, which exited (exit_ok: with status 0) and
 * printed out and err: 1 if the Nix can use flakes, else 0 with *why.
 */
int		 nix_flakes_judge(int, const char *, size_t, const char *,
		     size_t, char **);

/* Which Nix, as `nix --version` says. */
enum nix_impl {
	NIX_IMPL_NIX,		/* nix (Nix) 2.26.3 */
	NIX_IMPL_LIX,		/* nix (Lix, like Nix) 2.91.1 */
	NIX_IMPL_DETERMINATE,	/* nix (Determinate Nix 3.6.2) 2.29.0 */
	NIX_IMPL_OTHER,		/* nix (Something) 2.x */
};
struct nix_version {
	enum nix_impl	 impl;
	unsigned	 major;		/* of Nix, or of Lix for Lix */
	unsigned	 minor;
	unsigned	 patch;
};
/* Parse `nix --version`'s first line; -1 if it is not one. */
int		 nix_version_parse(struct nix_version *, const char *, size_t);

/* How a Nix logs what an evaluation read, at -vvv. */
enum nix_dialect {
	NIX_DIALECT_ACCESS,	/* before 2.20: "checking access to" */
	NIX_DIALECT_EAGER,	/* 2.20 to 2.31: "evaluating file", eager */
	NIX_DIALECT_LAZY,	/* 2.32 to 2.34: "evaluating file", lazy */
	NIX_DIALECT_LIX,	/* Lix: its own log levels */
	NIX_DIALECT_UNTESTED,	/* 2.35 and later, Determinate, unknown */
};
/* The dialect of a version; NULL (not known) is UNTESTED. */
enum nix_dialect nix_dialect(const struct nix_version *);
/* A few words naming the dialect. */
const char	*nix_dialect_name(enum nix_dialect);
/* 1 if hearth was tested against this dialect's logs. */
int		 nix_dialect_known(enum nix_dialect);
/* What following an evaluation's inputs means with it, in one line. */
const char	*nix_dialect_tracking(enum nix_dialect);

#endif
