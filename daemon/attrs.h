/*
 * hearthd: the interface of attrs.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_ATTRS_H
#define HEARTHD_ATTRS_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"

/* attrs.c: a structured-attrs shell's files, kept with its snapshot. */
/*
 * Read the structuredAttrs of a dev environment's JSON: 1 with the
 * contents of .attrs.sh and .attrs.json, 0 when it has none, -1 with
 * *cause when it is malformed.
 */
int		 attrs_parse(const char *, size_t, struct buf *, struct buf *,
		     char **);
/* The directory, under root, of the copies a GC root keeps; NULL if none. */
char		*attrs_dir(const char *, const char *);
/*
 * Write .attrs.json and .attrs.sh into the directory from the dev
 * environment file: 1, 0 when it has no structured attributes, -1 with
 * *cause.
 */
int		 attrs_save(const char *, const char *, char **);
/* Remove a directory of copies. */
void		 attrs_remove(const char *);
/* 0 if an encoded snapshot names a copy under root that is gone, else 1. */
int		 attrs_alive(const char *, const void *, size_t);

#endif
