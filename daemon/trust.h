/*
 * hearthd: the interface of trust.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_TRUST_H
#define HEARTHD_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/hash.h"

struct inputs;
struct trust;

/* trust.c: whether a workspace's code may be evaluated. */
/* The hash of flake.nix and .hearth.ini, the store's allowed marker. */
int		 trust_hash(const char *, char [HASH_HEX_SIZE]);
/*
 * A workspace's trust (store id, root), allowed with the store's marker
 * (NULL: not allowed); its allowed input sets come from the store.
 */
struct trust	*trust_new(int64_t, const char *, const char *);
void		 trust_free(struct trust *);
int		 trust_allowed(const struct trust *);
/*
 * 1 if the covered files of an input set (every file the workspace's
 * evaluations read) all hold content an allowance has, or config.ini
 * trusts the place; 0 with what differs in trust_changed().
 */
int		 trust_check(struct trust *, const struct inputs *);
/* The files the last refused check found changed; NULL if none. */
const char	*trust_changed(const struct trust *);
/*
 * Allow the covered files of an input set as they are now, naming the
 * files that changed since the last allowance in b.
 */
int		 trust_allow(struct trust *, const struct inputs *,
		     struct buf *);
/* Withdraw every allowance. */
void		 trust_deny(struct trust *);
/*
 * An evaluation that started on allowed content read these files: the
 * allowance that matched covers them as they are now.
 */
void		 trust_read(struct trust *, const struct inputs *);
/*
 * The review of a workspace's trust, as MSG_TRUST sends it: lines of
 * tab-separated fields, "state STATE", then "changed PATH KIND NOW WAS"
 * per covered file the closest allowance does not have (WAS "-" when it
 * never saw the file), then "set CREATED USED FILES MATCHES" per allowed
 * set, last matched first.
 */
void		 trust_review(struct trust *, const struct inputs *,
		     struct buf *);
/*
 * 0 if the workspace's own files (flake.nix, flake.lock, .hearth.ini) are
 * regular files or missing; -1 with *cause naming the first that is not
 * (a FIFO, a device, too large): nothing may read those.
 */
int		 trust_files_check(const char *, char **);
/*
 * Record in the store that the workspace holding a directory is allowed
 * (hex: filled with its marker hash) or denied (hex NULL): its root, and
 * its id in *id; NULL with *cause.
 */
char		*trust_record(const char *, char [HASH_HEX_SIZE], int64_t *,
		     char **);

#endif
