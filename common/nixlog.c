/*
 * The files an evaluation read, from the log of `nix print-dev-env -vvv`.
 *
 * Two sources, read in one stream so their order is kept:
 *  - Nix's own lines, which differ by version. 2.8 names every access as
 *    "checking access to 'SRC/rel'"; 2.20 removed that; every version
 *    prints "evaluating file 'P'" (2.32 only when an import is forced) and
 *    "copied source 'P' -> '...'" for paths copied to the store (2.34
 *    also for a copy its cache answered); 2.26 and 2.34 frame each copy
 *    with "copying 'P' to the store..." and "copied 'P' to '...'". None
 *    names readFile, readDir or pathExists.
 *  - The tracer's lines ("\036hearth-nixtrace TOKEN OP PATH"): every file
 *    the nix process opened, listed or looked for, which is exact.
 *
 * "got tree 'T' from 'URL'", for the URL of this flake, names the tree the
 * evaluation reads: a store copy of the flake (2.8, 2.26), whose paths map
 * back to the work tree, or the work tree itself (2.34). Accesses before
 * that line, and during the copy of that whole tree to the store, are
 * Nix fetching the flake (it reads and stats every tracked file), not the
 * evaluation: counting them would make every edit an input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/nixlog.h"
#include "hearth/xmalloc.h"

#define NIXLOG_TRACE_TAG	"\036hearth-nixtrace "

struct nixlog {
	char		*top;
	char		*root;
	char		*token;
	char		*tree;		/* "got tree": what the eval reads */
	int		 in_copy;	/* copying the whole tree: fetching */
	int		 traced;
	int		 overflow;
	nixlog_input_cb	 cb;
	void		*arg;
};

/* A copy of s without trailing slashes (but "/" stays). */
static char *
nixlog_strip(const char *s, size_t n)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	return (xstrndup(s, n));
}

struct nixlog *
nixlog_new(const char *top, const char *root, const char *token,
    nixlog_input_cb cb, void *arg)
{
	struct nixlog	*nl = xcalloc(1, sizeof *nl);

	nl->top = nixlog_strip(top, strlen(top));
	nl->root = nixlog_strip(root, strlen(root));
	nl->token = token != NULL ? xstrdup(token) : NULL;
	nl->cb = cb;
	nl->arg = arg;
	return (nl);
}

void
nixlog_free(struct nixlog *nl)
{
	if (nl == NULL)
		return;
	free(nl->top);
	free(nl->root);
	free(nl->token);
	free(nl->tree);
	free(nl);
}

/* The quoted text after prefix at the start of line, up to end. */
static char *
nixlog_quoted(const char *line, const char *prefix, const char *end)
{
	size_t	 n = strlen(prefix);
	const char *p, *q;

	if (strncmp(line, prefix, n) != 0)
		return (NULL);
	p = line + n;
	if ((q = strstr(p, end)) == NULL)
		return (NULL);
	return (nixlog_strip(p, q - p));
}

/* Is path at or under dir? Returns the rest ("" or "/..."), or NULL. */
static const char *
nixlog_under(const char *path, const char *dir)
{
	size_t	 n = strlen(dir);

	if (strncmp(path, dir, n) != 0 || (path[n] != '\0' && path[n] != '/'))
		return (NULL);
	return (path + n);
}

/* The path of a flake URL: after the scheme, before '?', %XX decoded. */
static char *
nixlog_url_path(const char *url)
{
	const char	*p;
	struct buf	 b = BUF_INIT;
	unsigned	 c;
	int		 k;

	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else if ((p = strchr(url, ':')) != NULL)
		p++;
	else
		p = url;
	for (; *p != '\0' && *p != '?'; p++) {
		if (*p == '%' && sscanf(p + 1, "%2x%n", &c, &k) == 1 &&
		    k == 2) {
			buf_addc(&b, (char)c);
			p += 2;
		} else
			buf_addc(&b, *p);
	}
	return (buf_detach(&b, NULL));
}

/* Collapse repeated slashes and drop a trailing one, in place. */
static void
nixlog_clean(char *p)
{
	char	*r, *w;

	for (r = w = p; *r != '\0'; r++) {
		if (*r == '/' && w > p && w[-1] == '/')
			continue;
		*w++ = *r;
	}
	if (w > p + 1 && w[-1] == '/')
		w--;
	*w = '\0';
}

/*
 * Report a path the evaluation read, as a work-tree path. Paths in the
 * store copy map back to the work tree; the repository's .git is git's
 * business (the index is followed separately), never the evaluation's.
 */
static void
nixlog_found(struct nixlog *nl, const char *path, enum nixlog_kind kind)
{
	const char	*rest;
	char		*p;

	if (nl->tree == NULL)
		return;
	if ((rest = nixlog_under(path, nl->tree)) != NULL)
		p = xasprintf("%s%s", nl->top, rest);
	else if (nixlog_under(path, nl->top) != NULL)
		p = xstrdup(path);
	else
		return;
	nixlog_clean(p);
	rest = p + strlen(nl->top);
	if (strncmp(rest, "/.git", 5) != 0 ||
	    (rest[5] != '\0' && rest[5] != '/'))
		nl->cb(p, kind, nl->arg);
	free(p);
}

static void
nixlog_trace(struct nixlog *nl, const char *line)
{
	const char	*p = line + strlen(NIXLOG_TRACE_TAG);
	size_t		 n;

	if (nl->token == NULL)
		return;
	n = strlen(nl->token);
	if (strncmp(p, nl->token, n) != 0 || p[n] != ' ' || p[n + 1] == '\0' ||
	    p[n + 2] != ' ')
		return;
	p += n + 1;
	switch (*p) {
	case 'h':
		nl->traced = 1;
		return;
	case 'o':
		nl->overflow = 1;
		return;
	}
	if (!nl->traced || nl->in_copy || p[2] != '/')
		return;
	nixlog_found(nl, p + 2, *p == 's' ? NIXLOG_STAT : NIXLOG_READ);
}

void
nixlog_line(struct nixlog *nl, const char *line)
{
	char		*a, *url, *path;
	const char	*q;

	if (strncmp(line, NIXLOG_TRACE_TAG, strlen(NIXLOG_TRACE_TAG)) == 0) {
		nixlog_trace(nl, line);
		return;
	}
	if (nl->tree == NULL) {
		if ((a = nixlog_quoted(line, "got tree '", "' from '")) == NULL)
			return;
		q = strstr(line, "' from '") + 8;
		url = xstrndup(q, strcspn(q, "'"));
		path = nixlog_url_path(url);
		if (strcmp(path, nl->top) == 0 || strcmp(path, nl->root) == 0)
			nl->tree = a;
		else
			free(a);
		free(url);
		free(path);
		return;
	}
	if ((a = nixlog_quoted(line, "copying '", "' to the store")) != NULL) {
		if (strcmp(a, nl->tree) == 0)
			nl->in_copy = 1;	/* fetching, not evaluating */
		else
			nixlog_found(nl, a, NIXLOG_READ);
	} else if ((a = nixlog_quoted(line, "copied '", "' to '")) != NULL) {
		if (strcmp(a, nl->tree) == 0)
			nl->in_copy = 0;
	} else if ((a = nixlog_quoted(line, "copied source '", "' -> '")) !=
	    NULL)
		/* 2.34 prints it for a copy its cache answered, unread. */
		nixlog_found(nl, a, NIXLOG_READ);
	else if (!nl->traced &&
	    ((a = nixlog_quoted(line, "checking access to '", "'")) != NULL ||
	    (a = nixlog_quoted(line, "evaluating file '", "'")) != NULL))
		/* The tracer says the same, and what was only looked for. */
		nixlog_found(nl, a, NIXLOG_READ);
	free(a);
}

int
nixlog_traced(const struct nixlog *nl)
{
	return (nl->traced);
}

int
nixlog_from_work_tree(const struct nixlog *nl)
{
	return (nl->tree != NULL && nixlog_under(nl->tree, nl->top) != NULL);
}

const char *
nixlog_approximate(const struct nixlog *nl)
{
	if (nl->tree == NULL)
		return ("Nix did not say which tree it evaluated");
	if (nl->token == NULL)
		return ("hearth-nixtrace.so was not found beside hearthd");
	if (!nl->traced)
		return ("Nix did not load hearth-nixtrace.so (a statically "
		    "linked or setuid nix?)");
	if (nl->overflow)
		return ("a path Nix read was too long to trace");
	return (NULL);
}

char *
nixlog_activity(const char *line)
{
	static const char	 head[] = "building '/nix/store/";
	const char		*name, *end;
	size_t			 n = strlen(line);

	if (strncmp(line, head, sizeof head - 1) != 0 || n < sizeof head + 40 ||
	    strcmp(line + n - 8, ".drv'...") != 0)
		return (NULL);
	name = line + sizeof head - 1;
	if ((name = strchr(name, '-')) == NULL)
		return (NULL);
	name++;
	end = line + n - 8;
	if (end <= name || memchr(name, '/', end - name) != NULL)
		return (NULL);
	return (xasprintf("building %.*s", (int)(end - name), name));
}
