/*
 * Fuzzing the git index reader (daemon/gitindex.c). The input is the
 * index: it is written as .git/index of a directory made once per run,
 * and gitindex_tracked() is asked about it, with the cache forgotten so
 * every input is parsed. Invariants: the answer is -1, 0 or 1 and asking
 * again gives the same; a file without the "DIRC" header of a known
 * version is never trusted; an index that lists nothing is trusted to
 * track nothing; and an index of one entry that is trusted tracks exactly
 * that entry's path.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "fuzz.h"
#include "gitindex.h"

static char	 top[] = "/tmp/hearth-fuzz.XXXXXX";
static char	*dotgit, *file;

static void
cleanup(void)
{
	gitindex_forget();
	unlink(file);
	rmdir(dotgit);
	rmdir(top);
}

static uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Ask about top/rel, twice: the cached answer must be the same. */
static int
ask(const char *rel)
{
	char	*path;
	int	 rc;

	path = xasprintf("%s/%s", top, rel);
	rc = gitindex_tracked(top, path);
	fuzz_check(rc == -1 || rc == 0 || rc == 1);
	fuzz_check(gitindex_tracked(top, path) == rc);
	free(path);
	return (rc);
}

/* The path of the only entry, read the simple way; NULL if none. */
static char *
only_entry(const uint8_t *data, size_t size, uint32_t version)
{
	const uint8_t	*name, *end = data + size, *nul;
	size_t		 fixed = 62;

	if (size < 12 + fixed)
		return (NULL);
	if (version >= 3 && (data[12 + 60] & 0x40))
		fixed += 2;
	name = data + 12 + fixed;
	if (version == 4) {
		/* The first entry strips nothing from no previous path. */
		if (name >= end || *name != 0)
			return (NULL);
		name++;
	}
	if (name >= end || (nul = memchr(name, '\0', end - name)) == NULL)
		return (NULL);
	return (xstrndup((const char *)name, nul - name));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_gitindex", NULL, LOG_STDERR_NONE, 0);
	fuzz_check(mkdtemp(top) != NULL);
	dotgit = xasprintf("%s/.git", top);
	file = xasprintf("%s/index", dotgit);
	fuzz_check(mkdir(dotgit, 0700) == 0);
	atexit(cleanup);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t	 version = 0, count = 0;
	char		*name;
	int		 fd, rc, header;

	fd = open(file, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600);
	fuzz_check(fd != -1);
	fuzz_check(write(fd, data, size) == (ssize_t)size);
	close(fd);
	gitindex_forget();

	if (size >= 12) {
		version = be32(data + 4);
		count = be32(data + 8);
	}
	header = size >= 12 && memcmp(data, "DIRC", 4) == 0 &&
	    version >= 2 && version <= 4;

	rc = ask("flake.nix");
	if (!header)
		fuzz_check(rc == -1);
	if (header && count == 0)
		fuzz_check(rc == 0);
	ask("a/deep/x.nix");
	ask("");
	if (rc != -1 && count == 1 &&
	    (name = only_entry(data, size, version)) != NULL) {
		fuzz_check(ask(name) == 1);
		free(name);
	}
	return (0);
}
