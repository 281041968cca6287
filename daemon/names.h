/*
 * hearthd: the interface of names.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_NAMES_H
#define HEARTHD_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"

/* names.c: the devShell names of a workspace's flake, and their cache. */
struct names;
/*
 * What the names ask of their owner: may the flake be evaluated now, and
 * a listing ended (the names may have changed).
 */
typedef int	(*names_trusted_cb)(void *);
typedef void	(*names_listed_cb)(void *);
struct names_ops {
	names_trusted_cb	 trusted;
	names_listed_cb		 listed;
};
/* The names of workspace id at root (flake source at top), as stored. */
struct names	*names_new(int64_t, const char *, const char *,
		     const struct names_ops *, void *);
void		 names_free(struct names *);
/* The names, NULL-terminated; NULL while unknown. */
char *const	*names_list(const struct names *);
int		 names_has(const struct names *, const char *);
/* Why the last listing failed; NULL if it did not. */
const char	*names_error(const struct names *);
/* The key of flake.nix and flake.lock the names are for. */
const char	*names_key(const struct names *);
/* Append the failed listing's record and Nix's output; 0 if none failed. */
int		 names_log(const struct names *, struct buf *);
/*
 * flake.nix or flake.lock changed: take a cached listing (1: the names
 * changed) or ask the scheduler for a new one (0).
 */
int		 names_refresh(struct names *);
/* hearth reload or allow: list again now, if the last listing failed. */
void		 names_reload(struct names *);
/* Add what a failed listing could have read to in, to be watched. */
struct inputs;
void		 names_inputs(const struct names *, struct inputs *);
/* A user waits for the names: list them first. */
void		 names_hurry(struct names *);
/* Kill a listing still running. */
void		 names_cancel(struct names *);

#endif
