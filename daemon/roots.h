/*
 * hearthd: the interface of roots.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_ROOTS_H
#define HEARTHD_ROOTS_H

#include <stddef.h>
#include <stdint.h>

/* roots.c: GC roots for a workspace's flake inputs, once per lock. */
struct roots;
/* May the flake be evaluated now? (its owner's trust) */
typedef int	(*roots_trusted_cb)(void *);
/* The roots of workspace id at root, with the flake's source at top. */
struct roots	*roots_new(int64_t, const char *, const char *,
		     roots_trusted_cb, void *);
void		 roots_free(struct roots *);
/* After a good evaluation: root the inputs of this lock (its key). */
void		 roots_want(struct roots *, const char *);
/* Kill a rooting still running (at shutdown). */
void		 roots_cancel(struct roots *);
/* Remove every root (a workspace gc forgot). */
void		 roots_drop(struct roots *);

#endif
