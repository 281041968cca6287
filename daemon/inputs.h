/*
 * hearthd: the interface of inputs.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_INPUTS_H
#define HEARTHD_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"
#include "hearth/hash.h"

struct inputs;

/* inputs.c: the files a shell depends on, and the key over them. */
struct inputs	*inputs_new(void);
void		 inputs_free(struct inputs *);
/*
 * What about an input counts: its content (a directory: its whole tree),
 * only whether it exists and as what, or (for a git top) the set of paths
 * git tracks, which is what Nix 2.20 and later see of a pathExists.
 */
#define INPUTS_READ	'r'
#define INPUTS_STAT	'='
#define INPUTS_TRACKED	'#'
/*
 * The same as READ and STAT, but of the work tree as a program sees it
 * (what the shellHook read): a file git does not track counts too.
 */
#define INPUTS_WORK	'+'
#define INPUTS_WORK_STAT '?'
/* Add an absolute path (kept sorted and unique), INPUTS_READ. */
void		 inputs_add(struct inputs *, const char *);
void		 inputs_add_kind(struct inputs *, const char *, int);
int		 inputs_kind(const struct inputs *, size_t);
/* Does the set (NULL: none) hold the path, of any kind? */
int		 inputs_has(const struct inputs *, const char *);
/*
 * Drop inputs inside a directory whose whole tree is an input: they add
 * nothing, and the tree is checked without walking while it is watched.
 */
void		 inputs_prune_trees(struct inputs *);
/* Mark the set approximate, with why (the first reason stays). */
void		 inputs_set_approx(struct inputs *, const char *);
/* NULL when the set is exact. */
const char	*inputs_approx(const struct inputs *);
/* Add every path of another set, with its recorded hash. */
void		 inputs_merge(struct inputs *, const struct inputs *);
/* The git top directory the set hashes against (NULL: none). */
const char	*inputs_top(const struct inputs *);
size_t		 inputs_count(const struct inputs *);
const char	*inputs_path(const struct inputs *, size_t);
/*
 * The flake's source root, when it is a git repository: a file there
 * that git does not track is invisible to Nix, and counts as such.
 */
void		 inputs_set_top(struct inputs *, const char *);
/* The key over the files as they are now, salted (shell, system, Nix). */
void		 inputs_key(const struct inputs *, const char *,
		     char [HASH_HEX_SIZE]);
/* An input's hash as it is on disk now, as the key sees it. */
void		 inputs_now(const struct inputs *, size_t,
		     char [HASH_HEX_SIZE]);
/* An input's recorded hash ("" if never recorded). */
const char	*inputs_hash(const struct inputs *, size_t);
/* The index of a path of a kind; -1 if it is not in the set. */
int		 inputs_find(const struct inputs *, const char *, int);
/* Remember each file's current hash (when an evaluation starts). */
void		 inputs_record(struct inputs *);
/*
 * Append the names (relative to root) of files changed since recorded,
 * but for those in the second set (NULL: none).
 */
void		 inputs_changed(const struct inputs *, const char *,
		     const struct inputs *, struct buf *);
/* "path\0hash\0" pairs, for the store. */
void		 inputs_encode(const struct inputs *, struct buf *);
int		 inputs_decode(struct inputs *, const void *, size_t);
/*
 * A directory input's whole tree is watched (on) or not: while it is, its
 * hash is reused until inputs_trees_changed(), instead of walking it.
 */
void		 inputs_tree_watched(const char *, int);
/* A watched file event: every watched tree is to be walked again. */
void		 inputs_trees_changed(void);
/* Drop the stat cache (at shutdown). */
void		 inputs_forget(void);

#endif
