/*
 * A workspace's .hearth.ini, for the daemon and the client alike:
 * [shells] (directory to devShell) and [fallback] (devShell to the
 * instructions for working without Nix), read with inih.
 *
 * A bad [shells] entry makes the file unusable. [fallback] is only documentation: a bad entry there
 * is reported by `hearth fallback` and leaves the rest usable.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/safefile.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"

/* Caps: far above any real workspace, far below trouble. */
#define WSCONFIG_MAX_ENTRIES	1024
/* The largest .hearth.ini read. */
#define WSCONFIG_MAX		(256 * 1024)

struct wsconfig_entry {
	char	*key;
	char	*value;
};

struct wsconfig_section {
	struct wsconfig_entry	*e;
	size_t			 n;
};

struct wsconfig {
	struct wsconfig_section	 shells;	/* path -> shell */
	struct wsconfig_section	 fallback;	/* shell -> file */
	char			*error;
	char			*fallback_error;
	const char		*p;		/* the text left to read */
	int			 line;		/* the line being read */
	int			 error_line;
};

char *
wsconfig_path(const char *p)
{
	char	*s, *e;
	size_t	 n;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	while (*p == '/')
		p++;
	if (strcmp(p, ".") == 0)
		p = "";
	s = xstrdup(p);
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	for (e = s; (e = strstr(e, "..")) != NULL; e += 2) {
		if ((e == s || e[-1] == '/') && (e[2] == '\0' || e[2] == '/')) {
			free(s);
			return (NULL);
		}
	}
	return (s);
}

static void
wsconfig_add(struct wsconfig_section *s, char *key, const char *value)
{
	s->e = xrealloc(s->e, (s->n + 1) * sizeof *s->e);
	s->e[s->n].key = key;
	s->e[s->n].value = xstrdup(value);
	s->n++;
}

static int
wsconfig_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct wsconfig	*c = arg;
	char		*path = NULL;

	if (strcmp(section, "shells") == 0) {
		if (c->shells.n == WSCONFIG_MAX_ENTRIES || *value == '\0' ||
		    (path = wsconfig_path(name)) == NULL) {
			if (c->error == NULL)
				c->error_line = c->line;
			if (c->error == NULL)
				c->error = xasprintf("%s line %d: [shells] %s: "
				    "%s", WSCONFIG_FILE, c->line, name,
				    *value == '\0' ? "no shell name" :
				    "not a path inside the workspace");
			return (0);
		}
		wsconfig_add(&c->shells, path, value);
		return (1);
	}
	if (strcmp(section, "fallback") != 0)
		return (1);
	/* Not a reason to stop reading: the file is still usable. */
	if (c->fallback.n == WSCONFIG_MAX_ENTRIES || *name == '\0' ||
	    *value == '\0' || (path = wsconfig_path(value)) == NULL ||
	    *path == '\0') {
		free(path);
		if (c->fallback_error == NULL)
			c->fallback_error = xasprintf("%s line %d: [fallback] "
			    "%s: %s", WSCONFIG_FILE, c->line, name,
			    *value == '\0' ? "no file named" :
			    "not a file inside the workspace");
		return (1);
	}
	wsconfig_add(&c->fallback, xstrdup(name), path);
	free(path);
	return (1);
}

/*
 * inih's reader, counting lines, so that an error names its own line:
 * inih tells only the first error's, which need not be the one kept.
 */
static char *
wsconfig_reader(char *line, int size, void *arg)
{
	struct wsconfig	*c = arg;
	const char	*nl;
	size_t		 n;

	if (*c->p == '\0' || size < 2)
		return (NULL);
	/* As fgets(3) would: up to a newline, at most size - 1 bytes. */
	nl = strchr(c->p, '\n');
	n = nl != NULL ? (size_t)(nl - c->p) + 1 : strlen(c->p);
	if (n > (size_t)size - 1)
		n = (size_t)size - 1;
	memcpy(line, c->p, n);
	line[n] = '\0';
	c->p += n;
	if (line[n - 1] == '\n' || *c->p == '\0')
		c->line++;
	return (line);
}

struct wsconfig *
wsconfig_load(const char *file)
{
	struct wsconfig	*c;
	struct buf	 text = BUF_INIT;
	char		*why = NULL;
	int		 rc;

	c = xcalloc(1, sizeof *c);
	/* Repository content: a FIFO or /dev/zero must not hang the reader. */
	if (safefile_read(file, WSCONFIG_MAX, &text, &why) != 0) {
		/* No file is fine: an empty config. */
		if (errno != ENOENT && errno != ENOTDIR)
			c->error = xasprintf("%s: %s (hearth reads only a "
			    "regular file of at most %d KiB)", WSCONFIG_FILE,
			    why, WSCONFIG_MAX / 1024);
		free(why);
		buf_release(&text);
		return (c);
	}
	buf_addc(&text, '\0');
	c->p = text.data;
	rc = ini_parse_stream(wsconfig_reader, c, wsconfig_handler, c);
	c->p = NULL;
	buf_release(&text);
	/* A syntax error before the first bad entry is the first error. */
	if (rc > 0 && (c->error == NULL || rc < c->error_line)) {
		free(c->error);
		c->error = xasprintf("%s line %d: syntax error", WSCONFIG_FILE,
		    rc);
	}
	/* rc -2: out of memory. */
	if (rc == -2)
		fatalx("%s: out of memory", __func__);
	return (c);
}

static void
wsconfig_section_free(struct wsconfig_section *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++) {
		free(s->e[i].key);
		free(s->e[i].value);
	}
	free(s->e);
}

void
wsconfig_free(struct wsconfig *c)
{
	if (c == NULL)
		return;
	wsconfig_section_free(&c->shells);
	wsconfig_section_free(&c->fallback);
	free(c->error);
	free(c->fallback_error);
	free(c);
}

const char *
wsconfig_error(const struct wsconfig *c)
{
	return (c->error);
}

const char *
wsconfig_fallback_error(const struct wsconfig *c)
{
	return (c->fallback_error);
}

const char *
wsconfig_mapped(const struct wsconfig *c, const char *rel)
{
	const struct wsconfig_entry	*best = NULL;
	size_t				 i, n;

	for (i = 0; i < c->shells.n; i++) {
		n = strlen(c->shells.e[i].key);
		if (n != 0 && (strncmp(rel, c->shells.e[i].key, n) != 0 ||
		    (rel[n] != '\0' && rel[n] != '/')))
			continue;
		if (best == NULL || n > strlen(best->key))
			best = &c->shells.e[i];
	}
	return (best != NULL ? best->value : NULL);
}

static int
wsconfig_has(char *const *names, const char *name)
{
	size_t	 i;

	for (i = 0; names != NULL && names[i] != NULL; i++) {
		if (strcmp(names[i], name) == 0)
			return (1);
	}
	return (0);
}

const char *
wsconfig_shell_for(const struct wsconfig *c, const char *rel,
    char *const *names)
{
	const char	*name;
	char		*copy, *slash;
	size_t		 i;

	if ((name = wsconfig_mapped(c, rel)) != NULL)
		return (name);
	copy = xstrdup(rel);
	while (*copy != '\0') {
		slash = strrchr(copy, '/');
		name = slash != NULL ? slash + 1 : copy;
		for (i = 0; names != NULL && names[i] != NULL; i++) {
			if (strcmp(names[i], name) == 0) {
				free(copy);
				return (names[i]);
			}
		}
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	free(copy);
	if (names == NULL || wsconfig_has(names, WSCONFIG_DEFAULT))
		return (WSCONFIG_DEFAULT);
	return (NULL);
}

const char *
wsconfig_fallback(const struct wsconfig *c, const char *shell)
{
	const char	*dflt = NULL;
	size_t		 i;

	for (i = 0; i < c->fallback.n; i++) {
		if (shell != NULL && strcmp(c->fallback.e[i].key, shell) == 0)
			return (c->fallback.e[i].value);
		if (strcmp(c->fallback.e[i].key, WSCONFIG_DEFAULT) == 0 &&
		    dflt == NULL)
			dflt = c->fallback.e[i].value;
	}
	return (dflt);
}

static void
wsconfig_name_add(const char **names, size_t *n, const char *name)
{
	size_t	 i;

	for (i = 0; i < *n; i++) {
		if (strcmp(names[i], name) == 0)
			return;
	}
	names[(*n)++] = name;
}

const char **
wsconfig_names(const struct wsconfig *c)
{
	const char	**names;
	size_t		  i, n = 0;

	names = xcalloc(c->shells.n + c->fallback.n + 1, sizeof *names);
	for (i = 0; i < c->shells.n; i++)
		wsconfig_name_add(names, &n, c->shells.e[i].value);
	for (i = 0; i < c->fallback.n; i++)
		wsconfig_name_add(names, &n, c->fallback.e[i].key);
	return (names);
}
