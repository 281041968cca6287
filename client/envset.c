/*
 * A set of pending environment changes over the process environment (or
 * over another set's result): what applying or undoing a dev shell sets
 * and unsets (envstate.c), kept apart from the process's own environment
 * so that hearth export can print them for a shell and hearth exec can
 * run a command in the result.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

struct envchange {
	char	*name;
	char	*value;		/* NULL: unset */
};

struct envset {
	struct envchange	*c;
	size_t			 n;
	struct envset		*base;	/* what it lies over; NULL: environ */
};

extern char	**environ;

struct envset *
envset_new(void)
{
	return (xcalloc(1, sizeof(struct envset)));
}

struct envset *
envset_over(struct envset *base)
{
	struct envset	*set = envset_new();

	set->base = base;
	return (set);
}

void
envset_free(struct envset *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->c[i].name);
		free(set->c[i].value);
	}
	free(set->c);
	free(set);
}

static struct envchange *
envset_find(struct envset *set, const char *name)
{
	size_t	 i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->c[i].name, name) == 0)
			return (&set->c[i]);
	}
	return (NULL);
}

const char *
envset_get(struct envset *set, const char *name)
{
	struct envchange	*c;

	if ((c = envset_find(set, name)) != NULL)
		return (c->value);
	if (set->base != NULL)
		return (envset_get(set->base, name));
	return (getenv(name));
}

void
envset_set(struct envset *set, const char *name, const char *value)
{
	struct envchange	*c;

	if ((c = envset_find(set, name)) == NULL) {
		set->c = xrealloc(set->c, (set->n + 1) * sizeof *set->c);
		c = &set->c[set->n++];
		c->name = xstrdup(name);
	} else
		free(c->value);
	c->value = value != NULL ? xstrdup(value) : NULL;
}

size_t
envset_count(struct envset *set)
{
	return (set->n);
}

void
envset_item(struct envset *set, size_t i, const char **name,
    const char **value)
{
	*name = set->c[i].name;
	*value = set->c[i].value;
}

char **
envset_environ(struct envset *set)
{
	char		**env;
	size_t		  n, i, j, len;
	struct envchange *c;

	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + set->n + 1, sizeof *env);
	for (i = j = 0; i < n; i++) {
		len = strcspn(environ[i], "=");
		c = NULL;
		for (size_t k = 0; k < set->n; k++) {
			if (strlen(set->c[k].name) == len &&
			    strncmp(set->c[k].name, environ[i], len) == 0)
				c = &set->c[k];
		}
		if (c == NULL)
			env[j++] = xstrdup(environ[i]);
	}
	for (i = 0; i < set->n; i++) {
		if (set->c[i].value != NULL)
			env[j++] = xasprintf("%s=%s", set->c[i].name,
			    set->c[i].value);
	}
	return (env);
}
