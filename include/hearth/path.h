/*
 * Where hearth keeps things, and how a directory maps to a workspace.
 * Every location honours the XDG variables, so tests and users can point
 * hearth at a private tree.
 */
#ifndef HEARTH_PATH_H
#define HEARTH_PATH_H

/* The file whose presence makes a directory a workspace root. */
#define PATH_FLAKE	"flake.nix"
#define PATH_LOCK	"flake.lock"

/*
 * The runtime directory ($XDG_RUNTIME_DIR/hearth, or /tmp/hearth-UID),
 * created 0700 if missing and checked to be ours and private. Returns a
 * new string, or NULL with *cause set.
 */
char	*path_runtime_dir(char **);
/* The state directory ($XDG_STATE_HOME/hearth), created if missing. */
char	*path_state_dir(char **);
/* The daemon's socket inside the runtime directory. */
char	*path_socket(const char *);
/*
 * The lock a running daemon holds, hearthd-HOSTNAME.lock inside the state
 * directory: not the runtime one, which a cleaner may remove under a
 * running daemon.
 */
char	*path_lock(const char *);
/* The exit status of a hearthd that found another one holding the lock. */
#define PATH_EXIT_RUNNING	3
/* The generation file the prompt hooks read, inside the runtime directory. */
char	*path_generation(const char *);
/* Create a directory and its parents; the last one with the given mode. */
int	 path_mkdirs(const char *, int);
/*
 * The nearest ancestor of an absolute directory (itself included) that
 * holds flake.nix, as a new string; NULL when there is none.
 */
char	*path_find_workspace(const char *);
/* The absolute, symlink-free form of a path, or NULL with *cause set. */
char	*path_resolve(const char *, char **);
/* Join a directory and a name with one slash. */
char	*path_join(const char *, const char *);
/* The executable a command name runs, through PATH; NULL if none. */
char	*path_which(const char *);

#endif
