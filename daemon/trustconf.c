/*
 * Trust by location: the [trust] section of the user's own
 * $XDG_CONFIG_HOME/hearth/config.ini (default ~/.config/hearth/config.ini)
 * names directories where any content is trusted, as direnv's whitelist
 * does: "prefix = DIR" trusts every workspace at or under DIR, "path =
 * DIR" exactly the workspace at DIR. The file is read again at each
 * question, which is asked only when a workspace would otherwise be
 * refused, so an edit counts at once. It counts only while it is the
 * user's own and no one else can write it: nothing in a repository, and
 * no other user, can grant trust.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "trustconf.h"

struct trustconf_match {
	const char	*root;
	int		 found;
};

/* DIR as a canonical path, or NULL (a prefix that does not exist yet). */
static char *
trustconf_canon(const char *value)
{
	const char	*home;
	char		*p, *r;

	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0') &&
	    (home = getenv("HOME")) != NULL)
		p = xasprintf("%s%s", home, value + 1);
	else if (value[0] == '/')
		p = xstrdup(value);
	else
		return (NULL);
	r = realpath(p, NULL);
	free(p);
	return (r);
}

static int
trustconf_handler(void *arg, const char *section, const char *name,
    const char *value)
{
	struct trustconf_match	*m = arg;
	char			*dir;
	size_t			 len;

	if (strcmp(section, "trust") != 0 || m->found)
		return (1);
	if (strcmp(name, "prefix") != 0 && strcmp(name, "path") != 0)
		return (1);
	if ((dir = trustconf_canon(value)) == NULL)
		return (1);
	len = strlen(dir);
	if (strcmp(m->root, dir) == 0)
		m->found = 1;
	else if (strcmp(name, "prefix") == 0 && strncmp(m->root, dir,
	    len) == 0 && (m->root[len] == '/' || strcmp(dir, "/") == 0))
		m->found = 1;
	free(dir);
	return (1);
}

char *
trustconf_path(void)
{
	const char	*base = getenv("XDG_CONFIG_HOME"), *home;

	if (base != NULL && base[0] == '/')
		return (xasprintf("%s/hearth/config.ini", base));
	if ((home = getenv("HOME")) == NULL || home[0] != '/')
		return (NULL);
	return (xasprintf("%s/.config/hearth/config.ini", home));
}

int
trustconf_trusted(const char *root)
{
	struct trustconf_match	 m;
	struct stat		 st;
	FILE			*f;
	char			*path;

	if ((path = trustconf_path()) == NULL)
		return (0);
	memset(&m, 0, sizeof m);
	m.root = root;
	if ((f = fopen(path, "r")) == NULL) {
		free(path);
		return (0);
	}
	/* Judge the file opened, not a name that could be swapped. */
	if (fstat(fileno(f), &st) != 0 || st.st_uid != getuid() ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		log_warnx("%s: ignored: its [trust] counts only when you own "
		    "it and no one else can write it", path);
		goto out;
	}
	if (ini_parse_file(f, trustconf_handler, &m) < 0)
		m.found = 0;
out:
	fclose(f);
	free(path);
	return (m.found);
}
