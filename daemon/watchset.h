/*
 * hearthd: the interface of watchset.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_WATCHSET_H
#define HEARTHD_WATCHSET_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct inputs;

/* watchset.c: the directories watched for a workspace; inotify's limits. */
struct watchset;
/* Start the one watcher of the daemon; -1 with *cause. */
int		 watchset_start(uv_loop_t *, char **);
/* Stop watching anything (at shutdown). */
void		 watchset_stop(void);
/* 1 if file events wait to be read. */
int		 watchset_pending(void);
/* The watches of an owner (told to scheduler_dirty() on events). */
struct watchset	*watchset_new(void *, const char *, const char *);
void		 watchset_free(struct watchset *);
/* Watch the directories of a set of inputs, and no others. */
void		 watchset_set(struct watchset *, const struct inputs *);
/* Drop every watch of the owner. */
void		 watchset_clear(struct watchset *);
/* 1 (once) if the set must be watched again: a directory went or came. */
int		 watchset_stale(struct watchset *);

#endif
