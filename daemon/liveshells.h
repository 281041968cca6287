/*
 * hearthd: the interface of liveshells.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_LIVESHELLS_H
#define HEARTHD_LIVESHELLS_H

#include <sys/types.h>

/* liveshells.c: which running shells have a workspace's shell applied. */
/*
 * The shell whose `hearth export` is the given process now has the
 * workspace at root applied, or (NULL) none.
 */
void		 liveshells_note(pid_t, const char *);
/* How many shells still running have the workspace at root applied. */
unsigned	 liveshells_in(const char *);
/* Forget every shell (at shutdown). */
void		 liveshells_free(void);

#endif
