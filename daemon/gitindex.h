/*
 * hearthd: the interface of gitindex.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_GITINDEX_H
#define HEARTHD_GITINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/hash.h"

/* gitindex.c: which files a git repository tracks (its index). */
/* 1 tracked, 0 untracked, -1 unknown (no git, unreadable index). */
int		 gitindex_tracked(const char *, const char *);
/* Does git track a file below a directory? 1, 0, or -1 unknown. */
int		 gitindex_tracked_under(const char *, const char *);
/* Call back with every tracked path (absolute); -1 unknown. */
int		 gitindex_each(const char *, void (*)(const char *, void *),
		     void *);
/* A hash over the paths the index lists (not their content); -1 unknown. */
int		 gitindex_paths_hash(const char *, char [HASH_HEX_SIZE]);
void		 gitindex_forget(void);

#endif
