/*
 * hearthd: the interface of gc.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_GC_H
#define HEARTHD_GC_H

#include <stddef.h>
#include <stdint.h>

/* gc.c: forget vanished workspaces and those unused for days. */
/* Stop tending a workspace the store has forgotten. */
typedef void	(*gc_forget_cb)(const char *);
/* How many running shells have a workspace's shell applied. */
typedef unsigned (*gc_in_use_cb)(const char *);
/*
 * Forget those unused for days, unless a shell is in them; with dry_run
 * only say which would go. A summary in *msg, or -1 with *cause.
 */
int		 gc_run(unsigned, int, gc_in_use_cb, gc_forget_cb, char **,
		     char **);

#endif
