/*
 * hearthd: the interface of trust.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_TRUST_H
#define HEARTHD_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/hash.h"

struct trust;

/* trust.c: whether a workspace's flake may be evaluated. */
/* The allowance: the hash of flake.nix and .hearth.ini as they are now. */
int		 trust_hash(const char *, char [HASH_HEX_SIZE]);
/* A workspace's trust, allowed with a hash (NULL: not allowed). */
struct trust	*trust_new(const char *, const char *);
void		 trust_free(struct trust *);
/* Allow with a hash, or (NULL) deny. */
void		 trust_set(struct trust *, const char *);
int		 trust_allowed(const struct trust *);
/*
 * 1 if allowed and flake.nix and .hearth.ini still hash as allowed; they
 * are hashed again only when their stat tuples changed.
 */
int		 trust_check(struct trust *);
/*
 * 0 if the workspace's own files (flake.nix, flake.lock, .hearth.ini) are
 * regular files or missing; -1 with *cause naming the first that is not
 * (a FIFO, a device, too large): nothing may read those.
 */
int		 trust_files_check(const char *, char **);
/*
 * Record in the store that the workspace holding a directory is allowed
 * (hex: filled with its hash) or denied (hex NULL): its root, and its id
 * in *id; NULL with *cause.
 */
char		*trust_record(const char *, char [HASH_HEX_SIZE], int64_t *,
		     char **);

#endif
