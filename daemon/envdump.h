/*
 * hearthd: the interface of envdump.c.
 */
#ifndef HEARTHD_ENVDUMP_H
#define HEARTHD_ENVDUMP_H

#include "hearth/buf.h"

/*
 * envdump.c: stage 2 of an evaluation, the bash program that dumps the
 * environment before and after a dev shell's rc runs, and its reading.
 */
/* Run as bash -c with $1 the rc file; dumps "NAME=VALUE\0"s on fd 3. */
extern const char envdump_script[];
/* End an rc with the line that tells the script it ran through. */
void		 envdump_end_rc(struct buf *);
/* Split the script's fd 3 into before and after; -1 if a mark is missing. */
int		 envdump_split(const struct buf *, struct buf *, struct buf *);

#endif
