/*
 * The tools each devShell of a workspace provides, and the file that
 * records them for contributors without Nix (.hearth-tools).
 *
 * A devShell's tools are the executables in the PATH entries it adds that
 * are Nix store paths; each gets the package name and version of its store
 * path, split the way Nix's DrvName splits a derivation name. The file is
 * text, one line per tool, tab-separated:
 *
 *   shell	tool	package	version
 *
 * with "-" for no version, and a line with tool "-" for a devShell that
 * provides none, so that the file names every devShell. Lines starting
 * with # are comments. `hearth tools --write` writes it, `hearth fallback`
 * compares it with the user's PATH, `hearth check` with the devShells.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* Caps on what a tools list may hold. */
#define TOOLSLIST_MAX_SIZE	(4U * 1024 * 1024)
#define TOOLSLIST_MAX_TOOLS	100000
/* The length of a store path's hash part. */
#define TOOLSLIST_HASH_LEN	32

struct toolslist {
	struct toolslist_tool	*t;
	size_t			 n;
	char			**shells;	/* NULL-terminated */
	size_t			 nshells;
};

/* Outputs whose name Nix appends to a package's: curl-8.4.0-bin. */
static const char *toolslist_outputs[] = {
	"bin", "out", "dev", "lib", "man", "doc", "info", "devdoc", "debug",
	NULL
};

struct toolslist *
toolslist_new(void)
{
	struct toolslist	*tl;

	tl = xcalloc(1, sizeof *tl);
	tl->shells = xcalloc(1, sizeof *tl->shells);
	return (tl);
}

void
toolslist_free(struct toolslist *tl)
{
	size_t	 i;

	if (tl == NULL)
		return;
	for (i = 0; i < tl->n; i++) {
		free(tl->t[i].shell);
		free(tl->t[i].tool);
		free(tl->t[i].package);
		free(tl->t[i].version);
	}
	for (i = 0; i < tl->nshells; i++)
		free(tl->shells[i]);
	free(tl->shells);
	free(tl->t);
	free(tl);
}

static int
toolslist_alpha(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

void
toolslist_split(const char *name, char **package, char **version)
{
	const char	*p;
	size_t		 i, n, vlen;

	/*
	 * DrvName: the version starts after the first dash that is not
	 * followed by a letter (ASCII, whatever the locale).
	 */
	for (p = name; *p != '\0'; p++) {
		if (*p == '-' && p[1] != '\0' && !toolslist_alpha(p[1]))
			break;
	}
	if (*p == '\0') {
		*package = xstrdup(name);
		*version = xstrdup("");
		return;
	}
	*package = xstrndup(name, p - name);
	*version = xstrdup(p + 1);
	/* An output's store path: the output is not part of the version. */
	vlen = strlen(*version);
	for (i = 0; toolslist_outputs[i] != NULL; i++) {
		n = strlen(toolslist_outputs[i]);
		if (vlen > n + 1 && (*version)[vlen - n - 1] == '-' &&
		    strcmp(*version + vlen - n, toolslist_outputs[i]) == 0) {
			(*version)[vlen - n - 1] = '\0';
			break;
		}
	}
}

int
toolslist_storepath(const char *path, char **package, char **version)
{
	const char	*store, *p, *end;
	char		*name;
	size_t		 n, i;

	if ((store = getenv("NIX_STORE_DIR")) == NULL || *store != '/')
		store = "/nix/store";
	n = strlen(store);
	while (n > 1 && store[n - 1] == '/')
		n--;
	if (strncmp(path, store, n) != 0 || path[n] != '/')
		return (0);
	p = path + n + 1;
	for (i = 0; i < TOOLSLIST_HASH_LEN; i++) {
		if (!toolslist_alpha(p[i]) && (p[i] < '0' || p[i] > '9'))
			return (0);
	}
	if (p[i] != '-' || p[i + 1] == '\0' || p[i + 1] == '/')
		return (0);
	p += i + 1;
	end = strchr(p, '/');
	name = end != NULL ? xstrndup(p, end - p) : xstrdup(p);
	toolslist_split(name, package, version);
	free(name);
	return (1);
}

/* A field of the file: no tab, newline or other control character. */
static int
toolslist_field_ok(const char *s)
{
	if (*s == '\0')
		return (0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return (0);
	}
	return (1);
}

void
toolslist_add_shell(struct toolslist *tl, const char *shell)
{
	size_t	 i;

	for (i = 0; i < tl->nshells; i++) {
		if (strcmp(tl->shells[i], shell) == 0)
			return;
	}
	tl->shells = xrealloc(tl->shells, (tl->nshells + 2) *
	    sizeof *tl->shells);
	tl->shells[tl->nshells++] = xstrdup(shell);
	tl->shells[tl->nshells] = NULL;
}

int
toolslist_add(struct toolslist *tl, const char *shell, const char *tool,
    const char *package, const char *version)
{
	size_t	 i;

	if (!toolslist_field_ok(shell) || !toolslist_field_ok(tool) ||
	    !toolslist_field_ok(package) || (*version != '\0' &&
	    !toolslist_field_ok(version)) || tl->n == TOOLSLIST_MAX_TOOLS)
		return (-1);
	toolslist_add_shell(tl, shell);
	/* Like PATH: the first entry with a name wins. */
	for (i = 0; i < tl->n; i++) {
		if (strcmp(tl->t[i].shell, shell) == 0 &&
		    strcmp(tl->t[i].tool, tool) == 0)
			return (0);
	}
	tl->t = xrealloc(tl->t, (tl->n + 1) * sizeof *tl->t);
	tl->t[tl->n].shell = xstrdup(shell);
	tl->t[tl->n].tool = xstrdup(tool);
	tl->t[tl->n].package = xstrdup(package);
	tl->t[tl->n].version = xstrdup(version);
	tl->n++;
	return (0);
}

static int
toolslist_cmp_name(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Add the executables of one store directory, in name order. */
static void
toolslist_add_dir(struct toolslist *tl, const char *shell, const char *dir,
    const char *package, const char *version)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		*p, **names = NULL;
	size_t		 n = 0, i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < TOOLSLIST_MAX_TOOLS) {
		if (de->d_name[0] == '.')
			continue;
		p = path_join(dir, de->d_name);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111) != 0) {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(de->d_name);
		}
		free(p);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, toolslist_cmp_name);
	for (i = 0; i < n; i++) {
		toolslist_add(tl, shell, names[i], package, version);
		free(names[i]);
	}
	free(names);
}

void
toolslist_add_path(struct toolslist *tl, const char *shell, const char *path)
{
	char	*copy, *entry, *save = NULL, *package, *version;

	toolslist_add_shell(tl, shell);
	if (path == NULL)
		return;
	copy = xstrdup(path);
	for (entry = strtok_r(copy, ":", &save); entry != NULL;
	    entry = strtok_r(NULL, ":", &save)) {
		if (!toolslist_storepath(entry, &package, &version))
			continue;
		toolslist_add_dir(tl, shell, entry, package, version);
		free(package);
		free(version);
	}
	free(copy);
}

size_t
toolslist_count(const struct toolslist *tl)
{
	return (tl->n);
}

const struct toolslist_tool *
toolslist_get(const struct toolslist *tl, size_t i)
{
	return (i < tl->n ? &tl->t[i] : NULL);
}

char *const *
toolslist_shells(const struct toolslist *tl)
{
	return (tl->shells);
}

static int
toolslist_cmp_tool(const void *a, const void *b)
{
	const struct toolslist_tool	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->shell, y->shell)) != 0)
		return (c);
	return (strcmp(x->tool, y->tool));
}

void
toolslist_sort(struct toolslist *tl)
{
	/* qsort wants a non-NULL array even when it is empty. */
	if (tl->n > 0)
		qsort(tl->t, tl->n, sizeof *tl->t, toolslist_cmp_tool);
	if (tl->nshells > 0)
		qsort(tl->shells, tl->nshells, sizeof *tl->shells,
		    toolslist_cmp_name);
}

void
toolslist_encode(struct toolslist *tl, struct buf *b)
{
	size_t	 i, j;

	toolslist_sort(tl);
	buf_adds(b,
	    "# The tools each devShell of this workspace provides, written by\n"
	    "# `hearth tools --write` on a machine with Nix: commit it.\n"
	    "# Without Nix, `hearth fallback` compares it with your PATH;\n"
	    "# `hearth check` fails when it no longer matches the devShells.\n"
	    "# shell\ttool\tpackage\tversion (\"-\": none)\n");
	for (i = 0, j = 0; i < tl->nshells; i++) {
		if (j == tl->n || strcmp(tl->t[j].shell, tl->shells[i]) != 0) {
			buf_addf(b, "%s\t-\t-\t-\n", tl->shells[i]);
			continue;
		}
		for (; j < tl->n && strcmp(tl->t[j].shell, tl->shells[i]) == 0;
		    j++)
			buf_addf(b, "%s\t%s\t%s\t%s\n", tl->t[j].shell,
			    tl->t[j].tool, tl->t[j].package,
			    *tl->t[j].version != '\0' ? tl->t[j].version : "-");
	}
}

int
toolslist_decode(struct toolslist *tl, const char *text, size_t len,
    char **cause)
{
	const char	*p = text, *end = text + len, *nl;
	char		*line, *f[5];
	size_t		 n, lineno = 0;

	if (len > TOOLSLIST_MAX_SIZE) {
		*cause = xstrdup("too large");
		return (-1);
	}
	if (memchr(text, '\0', len) != NULL) {
		*cause = xstrdup("not a text file");
		return (-1);
	}
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		if (nl > p && line[nl - p - 1] == '\r')
			line[nl - p - 1] = '\0';
		if (*line == '\0' || *line == '#') {
			free(line);
			continue;
		}
		/* strtok_r would merge empty fields: split by hand. */
		f[0] = line;
		for (n = 1; n < 5 && (f[n] = strchr(f[n - 1], '\t')) != NULL;
		    n++)
			*f[n]++ = '\0';
		if (n != 4) {
			*cause = xasprintf("line %zu: expected 4 fields "
			    "separated by tabs", lineno);
			free(line);
			return (-1);
		}
		if (strcmp(f[1], "-") == 0) {
			if (!toolslist_field_ok(f[0]))
				goto bad;
			toolslist_add_shell(tl, f[0]);
		} else if (toolslist_add(tl, f[0], f[1], f[2],
		    strcmp(f[3], "-") == 0 ? "" : f[3]) != 0)
			goto bad;
		free(line);
		continue;
bad:
		*cause = xasprintf("line %zu: an empty field or a control "
		    "character", lineno);
		free(line);
		return (-1);
	}
	return (0);
}

int
toolslist_read(struct toolslist *tl, const char *file, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*why = NULL;
	int		 rc;

	/* A file of the workspace: a FIFO or a device must not hang us. */
	if (safefile_read(file, TOOLSLIST_MAX_SIZE, &b, &why) != 0) {
		*cause = xasprintf("%s: %s", file, why);
		free(why);
		buf_release(&b);
		return (-1);
	}
	if ((rc = toolslist_decode(tl, b.data, b.len, cause)) != 0) {
		char	*e = xasprintf("%s: %s", file, *cause);

		free(*cause);
		*cause = e;
	}
	buf_release(&b);
	return (rc);
}

/* The tool of a shell in a list, or NULL. */
static const struct toolslist_tool *
toolslist_find(const struct toolslist *tl, const char *shell,
    const char *tool)
{
	size_t	 i;

	for (i = 0; i < tl->n; i++) {
		if (strcmp(tl->t[i].shell, shell) == 0 &&
		    strcmp(tl->t[i].tool, tool) == 0)
			return (&tl->t[i]);
	}
	return (NULL);
}

static int
toolslist_has_shell(const struct toolslist *tl, const char *shell)
{
	size_t	 i;

	for (i = 0; i < tl->nshells; i++) {
		if (strcmp(tl->shells[i], shell) == 0)
			return (1);
	}
	return (0);
}

static const char *
toolslist_version(const struct toolslist_tool *t)
{
	return (*t->version != '\0' ? t->version : "(no version)");
}

size_t
toolslist_diff(struct toolslist *want, struct toolslist *got,
    struct buf *out)
{
	const struct toolslist_tool	*w, *g;
	size_t				 i, n = 0;

	toolslist_sort(want);
	toolslist_sort(got);
	for (i = 0; i < want->nshells; i++) {
		if (toolslist_has_shell(got, want->shells[i]))
			continue;
		buf_addf(out, "%s: no such devShell any more\n",
		    want->shells[i]);
		n++;
	}
	for (i = 0; i < got->nshells; i++) {
		if (toolslist_has_shell(want, got->shells[i]))
			continue;
		buf_addf(out, "%s: a devShell the list does not have\n",
		    got->shells[i]);
		n++;
	}
	for (i = 0; i < want->n; i++) {
		w = &want->t[i];
		if (!toolslist_has_shell(got, w->shell))
			continue;
		if ((g = toolslist_find(got, w->shell, w->tool)) == NULL) {
			buf_addf(out, "%s: %s is gone (was %s %s)\n", w->shell,
			    w->tool, w->package, toolslist_version(w));
			n++;
		} else if (strcmp(w->package, g->package) != 0 ||
		    strcmp(w->version, g->version) != 0) {
			buf_addf(out, "%s: %s is %s %s, the list says %s %s\n",
			    w->shell, w->tool, g->package, toolslist_version(g),
			    w->package, toolslist_version(w));
			n++;
		}
	}
	for (i = 0; i < got->n; i++) {
		g = &got->t[i];
		if (!toolslist_has_shell(want, g->shell) ||
		    toolslist_find(want, g->shell, g->tool) != NULL)
			continue;
		buf_addf(out, "%s: %s (%s %s) is new\n", g->shell, g->tool,
		    g->package, toolslist_version(g));
		n++;
	}
	return (n);
}

/* Read one single-quoted bash word at *pp into b; -1 if unterminated. */
static int
toolslist_bash_word(const char **pp, const char *end, struct buf *b)
{
	const char	*p = *pp, *q;

	/* 'abc'\''def': quoted runs joined by escaped quotes. */
	for (;;) {
		if (p >= end || *p != '\'')
			return (-1);
		p++;
		if ((q = memchr(p, '\'', end - p)) == NULL)
			return (-1);
		buf_add(b, p, q - p);
		p = q + 1;
		if (end - p >= 3 && p[0] == '\\' && p[1] == '\'' &&
		    p[2] == '\'') {
			buf_addc(b, '\'');
			p += 2;
			continue;
		}
		break;
	}
	*pp = p;
	return (0);
}

char *
toolslist_devenv_path(const char *script, size_t len)
{
	const char	*p = script, *end = script + len, *nl;
	struct buf	 b = BUF_INIT;

	/*
	 * `nix print-dev-env` prints NAME='value' lines, values quoted
	 * the way bash quotes them (a value may span lines), before its
	 * functions: walk the assignments, skipping other lines whole.
	 */
	while (p < end) {
		if (end - p >= 6 && strncmp(p, "PATH='", 6) == 0) {
			p += 5;
			buf_reset(&b);
			if (toolslist_bash_word(&p, end, &b) != 0)
				break;
			return (buf_detach(&b, NULL));
		}
		while (p < end && (*p == '_' || toolslist_alpha(*p) ||
		    (*p >= '0' && *p <= '9')))
			p++;
		if (p < end && *p == '=' && p + 1 < end && p[1] == '\'') {
			p++;
			buf_reset(&b);
			if (toolslist_bash_word(&p, end, &b) != 0)
				break;
		}
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			break;
		p = nl + 1;
	}
	buf_release(&b);
	return (NULL);
}
