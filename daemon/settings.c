/*
 * What the whole daemon shares, filled in once at start-up: the loop, the
 * store, the state directories, and which Nix runs on which system (part
 * of every snapshot's key), and the environment evaluations start from.
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
#include "settings.h"

struct settings settings;

/*
 * What identifies the installed Nix, part of every snapshot's key: a new
 * Nix may give a different environment. Running `nix --version` would
 * block start-up on a broken Nix, so the identity is the resolved binary
 * (for Nix from the store, its path carries the version) with its size
 * and modification time.
 */
static char *
nix_identity(const char *nix)
{
	struct stat	 st;
	const char	*path = getenv("PATH");
	char		*dirs, *d, *save = NULL, *cand, *real = NULL, *id;

	if (strchr(nix, '/') != NULL)
		real = realpath(nix, NULL);
	else if (path != NULL) {
		dirs = xstrdup(path);
		for (d = strtok_r(dirs, ":", &save); d != NULL && real == NULL;
		    d = strtok_r(NULL, ":", &save)) {
			cand = path_join(*d != '\0' ? d : ".", nix);
			if (access(cand, X_OK) == 0)
				real = realpath(cand, NULL);
			free(cand);
		}
		free(dirs);
	}
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
	size_t		 n, i, j;

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
	settings.nix_version = nix_identity(settings.nix);
	settings.system = nix_system();
	if ((settings.nixtrace = nixtrace_find()) == NULL)
		log_info("hearth-nixtrace.so not found: the files an "
		    "evaluation reads are over-approximated");
	/*
	 * Evaluations start from the daemon's own environment, less
	 * hearth's variables; a dev shell's diff is taken against it.
	 */
	for (n = 0; environ[n] != NULL; n++)
		;
	settings.base_env = xcalloc(n + 1, sizeof *settings.base_env);
	for (i = j = 0; i < n; i++) {
		if (strncmp(environ[i], "HEARTH_", 7) != 0)
			settings.base_env[j++] = xstrdup(environ[i]);
	}
	log_info("%s, system %s", settings.nix_version, settings.system);
}

void
settings_free(void)
{
	size_t	 i;

	for (i = 0; settings.base_env != NULL && settings.base_env[i]; i++)
		free(settings.base_env[i]);
	free(settings.base_env);
	free(settings.state_dir);
	free(settings.profiles);
	free(settings.attrs);
	free(settings.tmp);
	free(settings.nix_version);
	free(settings.system);
	free(settings.nixtrace);
	memset(&settings, 0, sizeof settings);
}

