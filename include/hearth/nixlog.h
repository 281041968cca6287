/*
 * nixlog: what a `nix print-dev-env -vvv` run read, from its log, in every
 * dialect of Nix 2.8 to 2.34, and from the lines hearth-nixtrace.so (see
 * nixtrace/nixtrace.c) writes into that log. See common/nixlog.c.
 */
#ifndef HEARTH_NIXLOG_H
#define HEARTH_NIXLOG_H

enum nixlog_kind {
	NIXLOG_READ,		/* its content (a directory: its whole tree) */
	NIXLOG_STAT,		/* only whether it exists, and its type */
};

/* An input found: an absolute path under the flake's top directory. */
typedef void	(*nixlog_input_cb)(const char *, enum nixlog_kind, void *);

struct nixlog;

/*
 * A parser for one run: top is the flake's git top (or the flake root),
 * root the flake itself, token the one given to the tracer (NULL: none).
 */
struct nixlog	*nixlog_new(const char *top, const char *root,
		     const char *token, nixlog_input_cb, void *);
void		 nixlog_free(struct nixlog *);
/* One line of the log, without its newline. */
void		 nixlog_line(struct nixlog *, const char *);
/* Did the tracer report from inside Nix? */
int		 nixlog_traced(const struct nixlog *);
/* Did Nix evaluate the flake from its work tree (Nix 2.20's later)? */
int		 nixlog_from_work_tree(const struct nixlog *);
/*
 * NULL when every file the evaluation read is known; otherwise why not,
 * in words for `hearth status` (the caller then over-approximates).
 */
const char	*nixlog_approximate(const struct nixlog *);

/*
 * What a line of the log says Nix is doing now, for progress: "building
 * NAME" for "building '/nix/store/HASH-NAME.drv'..." (every version from
 * 2.8 to 2.34 says it so), as a new string; NULL for any other line.
 */
char		*nixlog_activity(const char *);

#endif
