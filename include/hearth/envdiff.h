/*
 * envdiff: what a dev shell changes in an environment.
 *
 * A snapshot is stored and sent as an envdiff: an ordered list of entries,
 *  SET	NAME VALUE	export NAME=VALUE
 *  UNSET	NAME		unset NAME
 *  PREPEND	NAME PREFIX	NAME=PREFIX:$NAME (PATH-like variables), so the
 *				user's own entries survive
 *  APPEND	NAME SUFFIX	NAME=$NAME:SUFFIX (the same, entries after)
 * The daemon computes it from two environment dumps (the base environment
 * and the one after sourcing `nix print-dev-env` and running shellHook);
 * the client applies it. The encoding is "OP\0NAME\0VALUE\0" repeated, with
 * OP one of 'S', 'U', 'P', 'A' (UNSET has an empty value); environment values
 * never hold NUL, so no escaping is needed.
 */
#ifndef HEARTH_ENVDIFF_H
#define HEARTH_ENVDIFF_H

#include <stddef.h>

#include "hearth/buf.h"

/* Caps on what a diff may hold: far above any real dev shell. */
#define ENVDIFF_MAX_ENTRIES	4096
#define ENVDIFF_MAX_SIZE	(8U * 1024 * 1024)

enum envdiff_op {
	ENVDIFF_SET = 'S',
	ENVDIFF_UNSET = 'U',
	ENVDIFF_PREPEND = 'P',
	ENVDIFF_APPEND = 'A',
};

struct envdiff_entry {
	enum envdiff_op	 op;
	char		*name;
	char		*value;
};

struct envdiff {
	struct envdiff_entry	*entries;
	size_t			 n;
	size_t			 alloc;
	/* Names skipped because they are not valid shell identifiers. */
	struct buf		 skipped;
	/* Reserved names (envdiff_reserved) the dev shell set, left out. */
	struct buf		 reserved;
	/* Exported functions that cannot be kept (not identifiers): names. */
	struct buf		 functions;
};

/* Initialise an empty diff. */
void	 envdiff_init(struct envdiff *);
/* Free every entry. */
void	 envdiff_release(struct envdiff *);
/* Append an entry (name and value are copied). */
void	 envdiff_add(struct envdiff *, enum envdiff_op, const char *,
	     const char *);
/* 1 if name is a portable shell identifier: [A-Za-z_][A-Za-z0-9_]*. */
int	 envdiff_valid_name(const char *);
/*
 * 1 if name is an exported bash function as the environment holds it,
 * BASH_FUNC_NAME%% with NAME an identifier. A diff SETs such a key to the
 * function's definition as the environment holds it ("() { ...}"); only
 * bash takes it (shellname_settable).
 */
int	 envdiff_function_key(const char *);
/* 1 if name may be in a diff: an identifier or a function key. */
int	 envdiff_valid_key(const char *);
/* 1 if a dev shell's value for name must never reach the user's shell. */
int	 envdiff_excluded(const char *);
/*
 * 1 if name is one the user's shell keeps and `hearth status` names when
 * a dev shell sets it: hearth's own variables and the prompt's.
 */
int	 envdiff_reserved(const char *);
/*
 * Compute the diff from base to next, each a dump of "NAME=VALUE\0"
 * records. Returns 0, or -1 with *cause set when a dump is malformed or
 * past the caps.
 */
int	 envdiff_compute(struct envdiff *, const char *, size_t, const char *,
	     size_t, char **);
/* The value of a name in a dump of "NAME=VALUE\0" records, or NULL. */
const char *envdiff_dump_get(const char *, size_t, const char *);
/* The value an encoded diff sets a name to (SET entries), or NULL. */
const char *envdiff_encoded_get(const void *, size_t, const char *);
/*
 * 1 if a value names the directory dir or a path under it: dir followed
 * by the value's end or by a byte that cannot continue a file name ('/',
 * ':', a space...).
 */
int	 envdiff_names_dir(const char *, const char *);
/* Replace the directory from by to in every SET, PREPEND, APPEND value. */
void	 envdiff_move_dir(struct envdiff *, const char *, const char *);
/*
 * Leave out every mention of the directory dir: SET entries whole, the
 * list elements of PREPEND and APPEND entries (the entry when none is left). The
 * names of the entries touched are appended to names, space separated.
 */
void	 envdiff_drop_dir(struct envdiff *, const char *, struct buf *);
/* Append the encoding of d to b. */
void	 envdiff_encode(const struct envdiff *, struct buf *);
/* Decode an encoded diff; -1 with *cause set if it is malformed. */
int	 envdiff_decode(struct envdiff *, const void *, size_t, char **);

#endif
