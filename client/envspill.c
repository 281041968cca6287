/*
 * Large saved values of HEARTH_STATE, kept out of the environment. One
 * environment string may be at most 128 KiB on Linux (MAX_ARG_STRLEN):
 * a state holding a large variable of the user's inline would make every
 * command of the shell fail with "Argument list too long". So a saved
 * value longer than the state can carry is written to a file named by
 * its BLAKE2b hash, under $XDG_STATE_HOME/hearth/saved/ (not the runtime
 * directory, which cleaners may empty while shells still need it), and
 * the state names the hash. The file is written atomically and checked
 * against its name when read; it is touched whenever a shell reads it,
 * and files nobody read for ENVSPILL_KEEP_DAYS are removed when a new one
 * is written.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/savefile.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

#define ENVSPILL_DIR		"saved"
#define ENVSPILL_KEEP_DAYS	90

/* The directory of saved values, made if missing; NULL if it cannot be. */
static char *
envspill_dir(void)
{
	char	*state, *dir, *cause = NULL;

	if ((state = path_state_dir(&cause)) == NULL) {
		free(cause);
		return (NULL);
	}
	dir = path_join(state, ENVSPILL_DIR);
	free(state);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		free(dir);
		return (NULL);
	}
	return (dir);
}

static void
envspill_hash(const char *value, size_t len, char hex[HASH_HEX_SIZE])
{
	struct hash_state	*h = hash_new();

	hash_update(h, "hearth-saved-1\0", 15);
	hash_update(h, value, len);
	hash_final(h, hex);
}

/* Remove the files no shell has read for ENVSPILL_KEEP_DAYS. */
static void
envspill_prune(const char *dir)
{
	struct dirent	*de;
	struct stat	 st;
	time_t		 old = time(NULL) - ENVSPILL_KEEP_DAYS * 86400;
	char		*p;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != HASH_HEX_SIZE - 1)
			continue;
		p = path_join(dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < old)
			unlink(p);
		free(p);
	}
	closedir(d);
}

int
envspill_put(const char *value, char hex[HASH_HEX_SIZE])
{
	struct stat	 st;
	size_t		 len = strlen(value);
	char		*dir, *p, *cause = NULL;
	int		 rc = 0;

	if ((dir = envspill_dir()) == NULL)
		return (-1);
	envspill_hash(value, len, hex);
	p = path_join(dir, hex);
	/* The same value saved before: only mark it as in use. */
	if (lstat(p, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len)
		utimensat(AT_FDCWD, p, NULL, 0);
	else if (savefile_write(p, value, len, &cause) != 0) {
		free(cause);
		rc = -1;
	} else
		envspill_prune(dir);
	free(p);
	free(dir);
	return (rc);
}

char *
envspill_get(const char *hex)
{
	struct buf	 b = BUF_INIT;
	char		*dir, *p, *why = NULL, check[HASH_HEX_SIZE];
	size_t		 i;

	if (strlen(hex) != HASH_HEX_SIZE - 1)
		return (NULL);
	for (i = 0; hex[i] != '\0'; i++) {
		if (strchr("0123456789abcdef", hex[i]) == NULL)
			return (NULL);
	}
	if ((dir = envspill_dir()) == NULL)
		return (NULL);
	p = path_join(dir, hex);
	free(dir);
	if (safefile_read(p, ENVSPILL_MAX, &b, &why) != 0 ||
	    memchr(b.data, '\0', b.len) != NULL) {
		free(why);
		free(p);
		buf_release(&b);
		return (NULL);
	}
	envspill_hash(b.data, b.len, check);
	if (strcmp(check, hex) != 0) {
		free(p);
		buf_release(&b);
		return (NULL);
	}
	/* In use: keep it from the pruning. */
	utimensat(AT_FDCWD, p, NULL, 0);
	free(p);
	return (buf_detach(&b, NULL));
}
