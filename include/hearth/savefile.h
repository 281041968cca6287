/*
 * Writing a file atomically: a temporary file in the same directory,
 * written, fsync'd and renamed over the target, so that readers see the
 * old file or the new one, never a part.
 */
#ifndef HEARTH_SAVEFILE_H
#define HEARTH_SAVEFILE_H

#include <stddef.h>

/* Write the bytes as the file's new contents; -1 with *cause. */
int	savefile_write(const char *, const void *, size_t, char **);

#endif
