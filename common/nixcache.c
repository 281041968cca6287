/*
 * The cache of what the installed Nix can do. One line per program:
 *
 *   v1 TAB ok TAB when TAB dev TAB ino TAB size TAB mtime TAB ctime TAB
 *   path TAB reason
 *
 * newest first, at most NIXCACHE_KEEP lines, the file written whole
 * (savefile). A program replaced or upgraded has a new stat, hence a new
 * key, and is probed again.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/nixcache.h"
#include "hearth/path.h"
#include "hearth/savefile.h"
#include "hearth/xmalloc.h"

#define NIXCACHE_FILE		"nix-probe"
#define NIXCACHE_VERSION	"v1"
#define NIXCACHE_KEEP		8
#define NIXCACHE_MAX_LINE	8192
#define NIXCACHE_MAX_REASON	200

char *
nixcache_key(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1 || strchr(path, '\t') != NULL ||
	    strchr(path, '\n') != NULL)
		return (NULL);
	return (xasprintf("%llu\t%llu\t%lld\t%lld.%09ld\t%lld.%09ld\t%s",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
	    st.st_mtim.tv_nsec, (long long)st.st_ctim.tv_sec,
	    st.st_ctim.tv_nsec, path));
}

static char *
nixcache_file(void)
{
	const char	*v;

	if ((v = getenv("XDG_CACHE_HOME")) != NULL && *v == '/')
		return (xasprintf("%s/hearth/%s", v, NIXCACHE_FILE));
	if ((v = getenv("HOME")) != NULL && *v == '/')
		return (xasprintf("%s/.cache/hearth/%s", v, NIXCACHE_FILE));
	return (NULL);
}

/*
 * Walk the file: the line for key (1 if found, its fields filled in),
 * and in others, when not NULL, up to NIXCACHE_KEEP - 1 other lines.
 */
static int
nixcache_read(const char *key, struct buf *others, int *ok, long long *when,
    char **why)
{
	FILE	*f;
	char	*file, *line = NULL, *p, *q;
	size_t	 cap = 0, klen = strlen(key);
	ssize_t	 n;
	int	 found = 0, kept = 0;

	if ((file = nixcache_file()) == NULL)
		return (0);
	f = fopen(file, "r");
	free(file);
	if (f == NULL)
		return (0);
	while ((n = getline(&line, &cap, f)) > 0 && n < NIXCACHE_MAX_LINE) {
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (strncmp(line, NIXCACHE_VERSION "\t", 3) != 0 ||
		    (line[3] != '0' && line[3] != '1') || line[4] != '\t')
			continue;
		p = line + 5;
		if ((q = strchr(p, '\t')) == NULL)
			continue;
		if (!found && strncmp(q + 1, key, klen) == 0 &&
		    q[1 + klen] == '\t') {
			found = 1;
			if (ok != NULL) {
				*ok = line[3] == '1';
				*when = strtoll(p, NULL, 10);
				*why = xstrdup(q + 2 + klen);
			}
			continue;
		}
		if (others != NULL && kept++ < NIXCACHE_KEEP - 1)
			buf_addf(others, "%s\n", line);
	}
	free(line);
	fclose(f);
	return (found);
}

int
nixcache_lookup(const char *key, int *ok, long long *when, char **why)
{
	return (nixcache_read(key, NULL, ok, when, why));
}

int
nixcache_record(const char *key, int ok, const char *why, char **cause)
{
	struct buf	 text = BUF_INIT;
	char		*file, *dir, *reason, *p;
	int		 rc = -1;

	if ((file = nixcache_file()) == NULL) {
		*cause = xstrdup("no cache directory (neither XDG_CACHE_HOME "
		    "nor HOME is set)");
		return (-1);
	}
	reason = xstrdup(ok ? "" : why);
	for (p = reason; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	}
	if (strlen(reason) > NIXCACHE_MAX_REASON)
		reason[NIXCACHE_MAX_REASON] = '\0';
	buf_addf(&text, "%s\t%d\t%lld\t%s\t%s\n", NIXCACHE_VERSION, ok,
	    (long long)time(NULL), key, reason);
	nixcache_read(key, &text, NULL, NULL, NULL);
	dir = xstrdup(file);
	*strrchr(dir, '/') = '\0';
	if (path_mkdirs(dir, 0700) != 0)
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
	else
		rc = savefile_write(file, text.data, text.len, cause);
	free(dir);
	free(reason);
	free(file);
	buf_release(&text);
	return (rc);
}
