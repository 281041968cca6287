/*
 * A workspace's own configuration, .hearth.ini at its root, read with
 * inih. Section [shells] maps directories to devShells:
 *
 *   [shells]
 *   services/api = api
 *   tools        = default
 *
 * A directory gets the shell of the longest mapped path that contains it.
 * Other sections belong to other features and are skipped here. The file
 * is part of the workspace's allowance, like flake.nix.
 */
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

#define CONFIG_MAX_SHELLS	1024

struct config_map {
	char	*path;		/* relative, no trailing slash; "" = root */
	char	*shell;
};

struct config {
	struct config_map	*map;
	size_t			 n;
	char			*error;
};

/* Normalise a relative path: no leading "./" or slashes, no "..". */
static char *
config_path(const char *p)
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

static int
config_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct config	*c = arg;
	char		*path;

	if (strcmp(section, "shells") != 0)
		return (1);
	if (c->n == CONFIG_MAX_SHELLS || *value == '\0' ||
	    (path = config_path(name)) == NULL) {
		if (c->error == NULL)
			c->error = xasprintf("[shells] %s: %s", name,
			    *value == '\0' ? "no shell name" :
			    "not a path inside the workspace");
		return (0);
	}
	c->map = xrealloc(c->map, (c->n + 1) * sizeof *c->map);
	c->map[c->n].path = path;
	c->map[c->n].shell = xstrdup(value);
	c->n++;
	return (1);
}

struct config *
config_load(const char *file)
{
	struct config	*c;
	int		 rc;

	c = xcalloc(1, sizeof *c);
	rc = ini_parse(file, config_handler, c);
	if (rc > 0 && c->error == NULL)
		c->error = xasprintf(".hearth.ini line %d: syntax error", rc);
	else if (rc > 0) {
		char	*e = xasprintf(".hearth.ini line %d: %s", rc, c->error);

		free(c->error);
		c->error = e;
	}
	/* rc -1: no file, which is fine; -2: out of memory. */
	if (rc == -2)
		fatalx("%s: out of memory", __func__);
	return (c);
}

void
config_free(struct config *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->map[i].path);
		free(c->map[i].shell);
	}
	free(c->map);
	free(c->error);
	free(c);
}

const char *
config_error(const struct config *c)
{
	return (c->error);
}

const char *
config_shell_for(const struct config *c, const char *rel)
{
	const struct config_map	*best = NULL;
	size_t			 i, n;

	for (i = 0; i < c->n; i++) {
		n = strlen(c->map[i].path);
		if (n != 0 && (strncmp(rel, c->map[i].path, n) != 0 ||
		    (rel[n] != '\0' && rel[n] != '/')))
			continue;
		if (best == NULL || n > strlen(best->path))
			best = &c->map[i];
	}
	return (best != NULL ? best->shell : NULL);
}
