/*
 * hearthd: the interface of shellmap.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_SHELLMAP_H
#define HEARTHD_SHELLMAP_H

#include <stddef.h>
#include <stdint.h>

struct wsconfig;

/* shellmap.c: which devShell a directory of a workspace maps to. */
#define SHELLMAP_DEFAULT	"default"
/*
 * The shell for a directory inside the workspace at root: the config's
 * mapping, else the nearest enclosing directory named like one of the
 * names (NULL: unknown yet), else SHELLMAP_DEFAULT; NULL when none applies.
 */
const char	*shellmap_find(const char *, const struct wsconfig *,
		     char *const *, const char *);
/* The git top directory holding a root (the flake's source), or root. */
char		*shellmap_top(const char *);

#endif
