/*
 * wsconfig: a workspace's .hearth.ini, read with inih, by the daemon and
 * the client alike:
 *
 *   [shells]                     which devShell a directory gets
 *   services/api = api
 *
 *   [fallback]                   the setup without Nix, per devShell
 *   api     = services/api/SETUP.md
 *   default = docs/setup-without-nix.md
 *
 * Paths are relative to the workspace root and may not leave it. An
 * error in [shells] (or the file's syntax) makes the whole file unusable,
 * as it does for the daemon; an error in [fallback] only affects
 * `hearth fallback`.
 */
#ifndef HEARTH_WSCONFIG_H
#define HEARTH_WSCONFIG_H

#define WSCONFIG_FILE		".hearth.ini"
#define WSCONFIG_DEFAULT	"default"

struct wsconfig;

/* Read a config file; a missing one is empty. Never NULL. */
struct wsconfig	*wsconfig_load(const char *);
void		 wsconfig_free(struct wsconfig *);
/* Why the file cannot be used at all (syntax, [shells]), or NULL. */
const char	*wsconfig_error(const struct wsconfig *);
/* Why [fallback] cannot be used, or NULL. */
const char	*wsconfig_fallback_error(const struct wsconfig *);
/* The [shells] mapping of a path relative to the root, or NULL. */
const char	*wsconfig_mapped(const struct wsconfig *, const char *);
/*
 * The devShell a directory (relative to the root) gets, given the
 * workspace's devShell names (NULL-terminated): the [shells] mapping,
 * else the nearest enclosing directory named like a devShell, else
 * `default`. The daemon's rule (workspace_shell_for), for the client.
 */
const char	*wsconfig_shell_for(const struct wsconfig *, const char *,
		     char *const *);
/* The [fallback] file for a shell (or for default), or NULL. */
const char	*wsconfig_fallback(const struct wsconfig *, const char *);
/*
 * Every shell name the file mentions ([shells] values, [fallback] keys),
 * each once: a NULL-terminated array to free, of strings it owns.
 */
const char	**wsconfig_names(const struct wsconfig *);
/*
 * A path relative to the root, normalised (no "./", no trailing or
 * leading slash, "" for the root), or NULL if it could leave the root.
 */
char		*wsconfig_path(const char *);

#endif
