/*
 * hearthd: the interface of generation.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_GENERATION_H
#define HEARTHD_GENERATION_H

#include <stddef.h>
#include <stdint.h>

/* generation.c: the number prompt hooks compare to skip the client. */
/* Write the first generation into the runtime directory. */
void		 generation_init(const char *);
/* Something a shell could see changed: write a new generation. */
void		 generation_bump(const char *);
void		 generation_free(void);

#endif
