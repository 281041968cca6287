/*
 * safefile: reading a file of an untrusted tree (a workspace, whatever
 * one `git pull` brought). Only a regular file is read: a FIFO, a device
 * (/dev/zero, /dev/urandom) or a socket, directly or through a symlink, is
 * refused before it is opened and again after (O_NONBLOCK, so that a file
 * swapped for a FIFO in between cannot block the open), and no read goes
 * past a cap, so that a file growing while it is read cannot keep the
 * reader going. Every failure sets errno: EINVAL for a file that is not
 * regular, EFBIG for one over the cap. A *cause says what is wrong without
 * naming the file ("a FIFO, not a regular file"): the caller names it.
 */
#ifndef HEARTH_SAFEFILE_H
#define HEARTH_SAFEFILE_H

#include <sys/types.h>

#include <stddef.h>

struct buf;
struct stat;

/*
 * Open a regular file of at most max bytes for reading, its stat in *st;
 * the descriptor, or -1 with errno and, when cause is not NULL, *cause.
 */
int	 safefile_open(const char *, off_t, struct stat *, char **);
/*
 * Read from fd until end of file, at most max bytes in all, into out, or
 * to cb (with arg) chunk by chunk when cb is not NULL; the bytes read, or
 * -1 with errno.
 */
off_t	 safefile_drain(int, off_t, struct buf *,
	     void (*)(const void *, size_t, void *), void *);
/* Read a whole regular file of at most max bytes; -1 with errno, *cause. */
int	 safefile_read(const char *, off_t, struct buf *, char **);
/*
 * 0 if path is missing or a regular file of at most max bytes; -1 with
 * errno and *cause if it is anything else, or cannot be looked at.
 */
int	 safefile_check(const char *, off_t, char **);

#endif
