/*
 * hearthd: the interface of devenv.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_DEVENV_H
#define HEARTHD_DEVENV_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

struct eval;

/* devenv.c: a finished evaluation's dev environment made a snapshot. */
/*
 * Fill in a snapshot's environment, hook output, notes and GC root from
 * an evaluation that made a generation of profile; label names the shell
 * in the log. The number of variables in *nvars; -1 with *cause.
 */
int		 devenv_snapshot(struct eval *, const char *, const char *,
		     struct store_snapshot *, size_t *, char **);
/* A snapshot leaving the cache: drop its GC root and attrs copies. */
void		 devenv_unroot(const char *);
/* 1 if a snapshot's dev environment and attrs copies are still there. */
int		 devenv_alive(const struct store_snapshot *);
/*
 * Find in a shell's cache (but snapshot skip) one made from the inputs on
 * disk now (flake source top, key salt); found->id 0 if none. -1 on error.
 */
int		 devenv_cached(int64_t, int64_t, const char *, const char *,
		     struct store_snapshot *);

#endif
