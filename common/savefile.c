/*
 * Writing a file whole or not at all: a temporary file beside it, written,
 * flushed to disk and renamed over it, so that a reader (git, CI, another
 * hearth) never sees half a file and a crash leaves the old one. Both
 * programs use it: the client for .hearth-tools and JUnit reports, both
 * for the cache of what the installed Nix can do.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/savefile.h"
#include "hearth/xmalloc.h"

int
savefile_write(const char *path, const void *data, size_t len, char **cause)
{
	const char	*p = data, *slash;
	char		*tmp;
	mode_t		 mask;
	ssize_t		 w;
	int		 fd, err;

	if ((slash = strrchr(path, '/')) != NULL)
		tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path,
		    slash + 1);
	else
		tmp = xasprintf(".%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		*cause = xasprintf("cannot create a file beside %s: %s", path,
		    strerror(errno));
		free(tmp);
		return (-1);
	}
	/* mkstemp makes it 0600; give it what a new file would get. */
	mask = umask(022);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1)
		goto fail;
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			goto fail;
		p += w;
		len -= w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	return (0);
fail:
	err = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	*cause = xasprintf("cannot write %s: %s", path, strerror(err));
	return (-1);
}
