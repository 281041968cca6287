/*
 * Which variable names a dev shell may set in each supported shell. A name
 * that is valid in bash can still be special in zsh (`path` is tied to
 * PATH, `status` is read-only) or fish (`status`, `history`, `version`);
 * setting one would break the user's shell, so the client skips it there
 * and `hearth status` says so. The names come from each shell's entry in
 * the client's shell table (client/shell.c), which hearthd links too.
 */
#ifndef HEARTH_SHELLNAME_H
#define HEARTH_SHELLNAME_H

/* The shells hearth supports, in the order `hearth status` lists them. */
extern const char *const shellname_shells[];

/* The output formats of `hearth export` (json, gha), which hold values. */
extern const char *const shellname_formats[];

/* 1 if a dev shell may set name in the given shell ("bash", ...). */
int	shellname_settable(const char *, const char *);
/* 1 if the shell or format can hold the value (json: valid UTF-8). */
int	shellname_holds(const char *, const char *);

#endif
