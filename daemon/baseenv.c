/*
 * The environments evaluations start from, defined by hearth rather than
 * by whoever started the daemon. A daemon started inside another
 * project's `nix develop`, or from a shell holding secrets or GIT_DIR,
 * must give the same snapshots as one started from a login shell: a
 * snapshot is a diff against the base, so a variable the base holds is
 * one the dev shell can no longer be seen to set, and one that reaches
 * the shellHook can end up in the snapshot.
 *
 * Two bases, each built from an allowlist:
 *  - Nix's: what Nix needs to find its configuration, store, caches,
 *    certificates, proxies and the user's SSH agent (private inputs).
 *    It never reaches a snapshot: `nix print-dev-env` writes an rc that
 *    does not depend on the caller's environment.
 *  - the hook's (the bash that sources the rc and runs shellHook, whose
 *    environment is diffed): HOME, USER, LOGNAME and PATH only. Each is
 *    a value the user's own shell has too (PATH is a list, and only its
 *    added entries are kept), so a dev shell that sets one to the same
 *    value loses nothing, and every other variable the dev shell sets is
 *    seen as set.
 * Both get the same defined PATH: the directory of the nix program, the
 * usual Nix profiles, then the system's directories.
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/xmalloc.h"
#include "baseenv.h"

/* What Nix reads of its environment, besides HOME and PATH. */
static const char *const nix_names[] = {
	"USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "LANGUAGE",
	"XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "XDG_CACHE_HOME",
	"XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR",
	"NIX_CONFIG", "NIX_PATH", "NIX_REMOTE", "NIX_USER_CONF_FILES",
	"NIX_CONF_DIR", "NIX_STORE_DIR", "NIX_STATE_DIR", "NIX_LOG_DIR",
	"NIX_DATA_DIR", "NIX_DAEMON_SOCKET_PATH", "NIX_SSL_CERT_FILE",
	"NIX_SSHOPTS", "NIX_CACHE_HOME", "NIX_CONFIG_HOME", "NIX_DATA_HOME",
	"NIX_STATE_HOME", "SSL_CERT_FILE", "CURL_CA_BUNDLE", "SSH_AUTH_SOCK",
	"http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "no_proxy",
	"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY", "NO_PROXY",
	NULL
};
static const char *const nix_prefixes[] = { "LC_", NULL };

/* The value of name in env, or NULL. */
static const char *
env_get(char *const *env, const char *name)
{
	size_t	 n = strlen(name);

	for (; *env != NULL; env++) {
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return (*env + n + 1);
	}
	return (NULL);
}

static int
listed(const char *const *list, const char *name, size_t n, int prefix)
{
	for (; *list != NULL; list++) {
		if (prefix ? strncmp(name, *list, strlen(*list)) == 0 :
		    strlen(*list) == n && strncmp(name, *list, n) == 0)
			return (1);
	}
	return (0);
}

/* The user's home and name: the environment's, else the password file's. */
static void
user_of(char *const *env, char **home, char **user)
{
	struct passwd	*pw = NULL;
	const char	*h = env_get(env, "HOME"), *u = env_get(env, "USER");

	if (h == NULL || *h != '/' || u == NULL || *u == '\0')
		pw = getpwuid(getuid());
	if (h == NULL || *h != '/')
		h = pw != NULL ? pw->pw_dir : "/";
	if (u == NULL || *u == '\0')
		u = pw != NULL ? pw->pw_name : "";
	*home = xstrdup(h);
	*user = xstrdup(u);
}

char *
baseenv_path(const char *nixdir, const char *home, const char *user)
{
	struct buf	 b = BUF_INIT;

	if (nixdir != NULL && *nixdir == '/')
		buf_addf(&b, "%s:", nixdir);
	buf_addf(&b, "%s/.nix-profile/bin:", home);
	if (*user != '\0')
		buf_addf(&b, "/etc/profiles/per-user/%s/bin:", user);
	buf_adds(&b, "/nix/var/nix/profiles/default/bin:"
	    "/run/current-system/sw/bin:/usr/local/bin:/usr/bin:/bin");
	return (buf_detach(&b, NULL));
}

/* Append NAME=VALUE to a vector of n entries; n grows. */
static char **
push(char **v, size_t *n, const char *name, const char *value)
{
	v = xrealloc(v, (*n + 2) * sizeof *v);
	v[(*n)++] = xasprintf("%s=%s", name, value);
	v[*n] = NULL;
	return (v);
}

char **
baseenv_nix(char *const *env, const char *nixdir)
{
	char	**v = NULL, *home, *user, *path, *name;
	size_t	  n = 0, len;

	user_of(env, &home, &user);
	path = baseenv_path(nixdir, home, user);
	v = push(v, &n, "HOME", home);
	v = push(v, &n, "PATH", path);
	for (; *env != NULL; env++) {
		len = strcspn(*env, "=");
		if ((*env)[len] != '=' || (!listed(nix_names, *env, len, 0) &&
		    !listed(nix_prefixes, *env, len, 1)))
			continue;
		name = xstrndup(*env, len);
		v = push(v, &n, name, *env + len + 1);
		free(name);
	}
	free(path);
	free(home);
	free(user);
	return (v);
}

char **
baseenv_hook(char *const *env, const char *nixdir)
{
	char	**v = NULL, *home, *user, *path;
	size_t	  n = 0;

	user_of(env, &home, &user);
	path = baseenv_path(nixdir, home, user);
	v = push(v, &n, "HOME", home);
	v = push(v, &n, "PATH", path);
	if (*user != '\0') {
		v = push(v, &n, "USER", user);
		v = push(v, &n, "LOGNAME", user);
	}
	free(path);
	free(home);
	free(user);
	return (v);
}

char **
baseenv_copy(char *const *env)
{
	char	**copy;
	size_t	  n;

	for (n = 0; env[n] != NULL; n++)
		;
	copy = xcalloc(n + 1, sizeof *copy);
	for (n = 0; env[n] != NULL; n++)
		copy[n] = xstrdup(env[n]);
	return (copy);
}

void
baseenv_free(char **v)
{
	size_t	 i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}
