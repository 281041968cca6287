/*
 * hearthd: the interface of changed.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_CHANGED_H
#define HEARTHD_CHANGED_H

#include <stddef.h>
#include <stdint.h>

/* changed.c: one announcement for whatever a shell could see change. */
/* Bump the generation and answer the waiting clients whose shell settled. */
void		 changed_announce(const char *);
/* Answer the waiting clients whose shell settled; the generation stays. */
void		 changed_recheck(void);

#endif
