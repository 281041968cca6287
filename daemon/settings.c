/*
 * What the whole daemon shares, filled in once at start-up: the loop, the
 * store, the state directories, and which Nix runs on which system (part
 * of every snapshot's key), and the environments evaluations start from.
 */
#include <sys/stat.h>
#include <sys/utsname.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "baseenv.h"
#include "settings.h"

struct settings settings;

/*
 * Where the nix program is: itself if it names a path, else the first
 * match in the daemon's PATH; NULL if none.
 */
static char *
nix_find(const char *nix)
{
	const char	*path = getenv("PATH");
	char		*dirs, *d, *save = NULL, *cand, *found = NULL;

	if (strchr(nix, '/') != NULL)
		return (xstrdup(nix));
	if (path == NULL)
		return (NULL);
	dirs = xstrdup(path);
	for (d = strtok_r(dirs, ":", &save); d != NULL && found == NULL;
	    d = strtok_r(NULL, ":", &save)) {
		cand = path_join(*d != '\0' ? d : ".", nix);
		if (access(cand, X_OK) == 0)
			found = cand;
		else
			free(cand);
	}
	free(dirs);
	return (found);
}

/*
 * What identifies the installed Nix, part of every snapshot's key: a new
 * Nix may give a different environment. Running `nix --version` would
 * block start-up on a broken Nix, so the identity is the resolved binary
 * (for Nix from the store, its path carries the version) with its size
 * and modification time.
 */
static char *
nix_identity(const char *found)
{
	struct stat	 st;
	char		*real = NULL, *id;

	if (found != NULL)
		real = realpath(found, NULL);
	if (real == NULL || stat(real, &st) != 0) {
		free(real);
		return (xstrdup("nix (not found)"));
	}
	id = xasprintf("%s (%lld bytes, mtime %lld)", real,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec);
	free(real);
	return (id);
}

/* The Nix system of this machine, as builtins.currentSystem says it. */
static char *
nix_system(void)
{
	struct utsname	 u;
	const char	*v, *os;

	if ((v = getenv("HEARTH_SYSTEM")) != NULL && *v != '\0')
		return (xstrdup(v));
	if (uname(&u) != 0)
		return (xstrdup("x86_64-linux"));
	os = strcmp(u.sysname, "Darwin") == 0 ? "darwin" : "linux";
	if (strcmp(u.machine, "arm64") == 0)
		return (xasprintf("aarch64-%s", os));
	if (strcmp(u.machine, "i686") == 0 || strcmp(u.machine, "i586") == 0)
		return (xasprintf("i686-%s", os));
	return (xasprintf("%s-%s", u.machine, os));
}

extern char	**environ;

/*
 * hearth-nixtrace.so, which tells exactly what an evaluation read: beside
 * hearthd (the build directory), or in ../lib/hearth (installed), or where
 * HEARTH_NIXTRACE says. NULL if none: inputs are then over-approximated.
 */
static char *
nixtrace_find(void)
{
	const char	*v = getenv("HEARTH_NIXTRACE");
	char		 exe[4096], *dir, *p;
	ssize_t		 n;

	if (v != NULL)
		return (*v == '/' && access(v, R_OK) == 0 ? xstrdup(v) : NULL);
	if ((n = readlink("/proc/self/exe", exe, sizeof exe - 1)) <= 0)
		return (NULL);
	exe[n] = '\0';
	if ((dir = strrchr(exe, '/')) == NULL)
		return (NULL);
	*dir = '\0';
	p = xasprintf("%s/hearth-nixtrace.so", exe);
	if (access(p, R_OK) == 0)
		return (p);
	free(p);
	p = xasprintf("%s/../lib/hearth/hearth-nixtrace.so", exe);
	if (access(p, R_OK) == 0)
		return (p);
	free(p);
	return (NULL);
}

/* Fill in what the whole daemon shares. */
void
settings_init(uv_loop_t *l, struct store *store, const char *statedir)
{
	const char	*v;
	char		*found, *slash;

	settings.loop = l;
	settings.store = store;
	settings.state_dir = xstrdup(statedir);
	settings.profiles = path_join(statedir, "profiles");
	settings.tmp = path_join(statedir, "tmp");
	settings.attrs = path_join(statedir, "attrs");
	if (path_mkdirs(settings.profiles, 0700) != 0 ||
	    path_mkdirs(settings.tmp, 0700) != 0 ||
	    path_mkdirs(settings.attrs, 0700) != 0)
		fatal("cannot create %s", settings.profiles);
	settings.nix = "nix";
	if ((v = getenv("HEARTH_NIX")) != NULL && *v != '\0')
		settings.nix = v;
	settings.timeout_sec = 600;
	if ((v = getenv("HEARTH_EVAL_TIMEOUT")) != NULL && atoi(v) > 0)
		settings.timeout_sec = (unsigned)atoi(v);
	settings.system = nix_system();
	if ((settings.nixtrace = nixtrace_find()) == NULL)
		log_info("hearth-nixtrace.so not found: the files an "
		    "evaluation reads are over-approximated");
	/*
	 * Evaluations start from defined environments (baseenv.c), not
	 * from whatever the daemon was started with.
	 */
	found = nix_find(settings.nix);
	settings.nix_version = nix_identity(found);
	if (found != NULL && (slash = strrchr(found, '/')) != NULL)
		*slash = '\0';
	settings.nix_env = baseenv_nix(environ, found);
	settings.base_env = baseenv_hook(environ, found);
	free(found);
	log_info("%s, system %s", settings.nix_version, settings.system);
}

void
settings_free(void)
{
	baseenv_free(settings.base_env);
	baseenv_free(settings.nix_env);
	free(settings.state_dir);
	free(settings.profiles);
	free(settings.attrs);
	free(settings.tmp);
	free(settings.nix_version);
	free(settings.system);
	free(settings.nixtrace);
	memset(&settings, 0, sizeof settings);
}

