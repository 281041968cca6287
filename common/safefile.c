/*
 * Bounded reads of regular files from untrusted places; see safefile.h.
 * The check comes before open() so that a FIFO or a device is never
 * opened at all, and again on the descriptor, since the path may have
 * been replaced in between.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/safefile.h"
#include "hearth/xmalloc.h"

/* What a file that is not regular is, for the message. */
static const char *
safefile_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return ("a directory");
	if (S_ISFIFO(mode))
		return ("a FIFO");
	if (S_ISCHR(mode))
		return ("a character device");
	if (S_ISBLK(mode))
		return ("a block device");
	if (S_ISSOCK(mode))
		return ("a socket");
	return ("not a regular file");
}

/* 0 if st is a regular file within max; -1 with errno and *cause. */
static int
safefile_judge(const struct stat *st, off_t max,
    char **cause)
{
	if (!S_ISREG(st->st_mode)) {
		if (cause != NULL)
			*cause = xasprintf("%s, not a regular file",
			    safefile_kind(st->st_mode));
		errno = EINVAL;
		return (-1);
	}
	if (st->st_size > max) {
		if (cause != NULL)
			*cause = xasprintf("larger than %lld bytes",
			    (long long)max);
		errno = EFBIG;
		return (-1);
	}
	return (0);
}

int
safefile_open(const char *path, off_t max, struct stat *st, char **cause)
{
	int	 fd, saved;

	if (stat(path, st) == -1) {
		saved = errno;
		if (cause != NULL)
			*cause = xstrdup(strerror(saved));
		errno = saved;
		return (-1);
	}
	if (safefile_judge(st, max, cause) != 0)
		return (-1);
	if ((fd = open(path, O_RDONLY|O_NONBLOCK|O_NOCTTY|O_CLOEXEC)) == -1 ||
	    fstat(fd, st) == -1) {
		saved = errno;
		if (fd != -1)
			close(fd);
		if (cause != NULL)
			*cause = xstrdup(strerror(saved));
		errno = saved;
		return (-1);
	}
	if (safefile_judge(st, max, cause) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return (-1);
	}
	/* Only the open had to be non-blocking. */
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return (fd);
}

off_t
safefile_drain(int fd, off_t max, struct buf *out,
    void (*cb)(const void *, size_t, void *), void *arg)
{
	char	 chunk[65536];
	ssize_t	 n;
	off_t	 total = 0;

	for (;;) {
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			return (total);
		/* It grew since the check: still never past the cap. */
		if (n > max - total) {
			errno = EFBIG;
			return (-1);
		}
		total += n;
		if (cb != NULL)
			cb(chunk, n, arg);
		else
			buf_add(out, chunk, n);
	}
}

int
safefile_read(const char *path, off_t max, struct buf *out, char **cause)
{
	struct stat	 st;
	int		 fd, saved;

	if ((fd = safefile_open(path, max, &st, cause)) == -1)
		return (-1);
	if (safefile_drain(fd, max, out, NULL, NULL) == -1) {
		saved = errno;
		*cause = saved == EFBIG ? xasprintf("larger than %lld bytes",
		    (long long)max) : xstrdup(strerror(saved));
		close(fd);
		errno = saved;
		return (-1);
	}
	close(fd);
	return (0);
}

int
safefile_check(const char *path, off_t max, char **cause)
{
	struct stat	 st;
	int		 saved;

	if (stat(path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return (0);
		saved = errno;
		*cause = xstrdup(strerror(saved));
		errno = saved;
		return (-1);
	}
	return (safefile_judge(&st, max, cause));
}
