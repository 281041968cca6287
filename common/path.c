/*
 * Paths: the runtime and state directories, and the walk up from a
 * directory to its workspace root. The workspace walk runs at prompts, so
 * it only stats (no realpath, no reads).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth/xmalloc.h"

char *
path_join(const char *dir, const char *name)
{
	size_t	 n = strlen(dir);

	if (n > 0 && dir[n - 1] == '/')
		return (xasprintf("%s%s", dir, name));
	return (xasprintf("%s/%s", dir, name));
}

/*
 * The executable a command name runs: a name holding '/' as it is, else
 * the first regular, executable file of that name in a PATH entry (empty
 * entries skipped: hearth never runs what the current directory holds).
 * access(2) and stat(2) only, no process; NULL if none.
 */
char *
path_which(const char *name)
{
	const char	*path;
	char		*dirs, *d, *save = NULL, *cand, *found = NULL;
	struct stat	 st;

	if (strchr(name, '/') != NULL) {
		if (stat(name, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(name, X_OK) == 0)
			return (xstrdup(name));
		return (NULL);
	}
	if ((path = getenv("PATH")) == NULL)
		return (NULL);
	dirs = xstrdup(path);
	for (d = strtok_r(dirs, ":", &save); d != NULL && found == NULL;
	    d = strtok_r(NULL, ":", &save)) {
		cand = path_join(d, name);
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(dirs);
	return (found);
}

int
path_mkdirs(const char *path, int mode)
{
	char	*copy, *p;
	int	 rc = 0;

	copy = xstrdup(path);
	/* "a/b/" is "a/b": the last directory must get the mode. */
	for (p = copy + strlen(copy); p > copy + 1 && p[-1] == '/'; p--)
		p[-1] = '\0';
	for (p = copy + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) == -1 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = '/';
	}
	if (rc == 0 && mkdir(copy, mode) == -1 && errno != EEXIST)
		rc = -1;
	free(copy);
	return (rc);
}

static const char *
env_abs(const char *name)
{
	const char	*v = getenv(name);

	/* The XDG spec says relative values are invalid and to be ignored. */
	if (v == NULL || v[0] != '/')
		return (NULL);
	return (v);
}

char *
path_runtime_dir(char **cause)
{
	const char	*base = env_abs("XDG_RUNTIME_DIR");
	char		*dir;
	struct stat	 st;

	if (base != NULL)
		dir = path_join(base, "hearth");
	else
		dir = xasprintf("/tmp/hearth-%u", (unsigned)getuid());
	if (path_mkdirs(dir, 0700) == -1) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		free(dir);
		return (NULL);
	}
	/*
	 * The socket lives here, so the directory must be ours and private:
	 * under /tmp another user could have made it first.
	 */
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    st.st_uid != getuid() || (st.st_mode & 077) != 0) {
		*cause = xasprintf("%s is not a private directory owned by "
		    "you (remove it or fix its mode to 0700)", dir);
		free(dir);
		return (NULL);
	}
	return (dir);
}

char *
path_state_dir(char **cause)
{
	const char	*base = env_abs("XDG_STATE_HOME"), *home;
	char		*dir;

	if (base != NULL)
		dir = path_join(base, "hearth");
	else {
		if ((home = env_abs("HOME")) == NULL) {
			*cause = xstrdup("neither XDG_STATE_HOME nor HOME is "
			    "set to an absolute path");
			return (NULL);
		}
		dir = xasprintf("%s/.local/state/hearth", home);
	}
	if (path_mkdirs(dir, 0700) == -1) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		free(dir);
		return (NULL);
	}
	return (dir);
}

char *
path_socket(const char *rundir)
{
	return (path_join(rundir, "hearthd.sock"));
}

char *
path_lock(const char *statedir)
{
	char	 host[256], *name, *p;

	/*
	 * One daemon per machine: a home directory shared over NFS must not
	 * keep a second machine's daemon from starting.
	 */
	if (gethostname(host, sizeof host) != 0 || host[0] == '\0')
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	for (p = host; *p != '\0'; p++) {
		if (*p == '/')
			*p = '_';
	}
	name = xasprintf("hearthd-%s.lock", host);
	p = path_join(statedir, name);
	free(name);
	return (p);
}

char *
path_generation(const char *rundir)
{
	return (path_join(rundir, "generation"));
}

char *
path_find_workspace(const char *dir)
{
	char		*p, *slash, *flake;
	struct stat	 st;

	if (dir[0] != '/')
		return (NULL);
	p = xstrdup(dir);
	for (;;) {
		flake = path_join(p, PATH_FLAKE);
		if (stat(flake, &st) == 0 && S_ISREG(st.st_mode)) {
			free(flake);
			return (p);
		}
		free(flake);
		if ((slash = strrchr(p, '/')) == NULL || p[1] == '\0')
			break;
		if (slash == p)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	free(p);
	return (NULL);
}

char *
path_resolve(const char *path, char **cause)
{
	char	*p;

	if ((p = realpath(path, NULL)) == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return (NULL);
	}
	return (p);
}
