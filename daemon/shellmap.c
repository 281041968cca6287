/*
 * Where a directory belongs: the flake's source root (the git top
 * directory holding it), and which devShell a directory of a workspace
 * maps to: .hearth.ini's
 * [shells] mapping (a path prefix to a name) first, then the nearest
 * enclosing directory whose name is a devShell name, then `default`
 * (while the names are not known yet, or when the flake has one).
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>

#include "hearth/path.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "shellmap.h"

const char *
shellmap_find(const char *root, const struct wsconfig *config,
    char *const *names, const char *dir)
{
	const char	*rel, *name, *found = NULL;
	char		*copy, *slash;
	size_t		 n = strlen(root), i;
	int		 has_default = 0;

	rel = strncmp(dir, root, n) == 0 && dir[n] == '/' ? dir + n + 1 : "";
	if ((name = wsconfig_mapped(config, rel)) != NULL)
		return (name);
	copy = xstrdup(rel);
	while (found == NULL && *copy != '\0') {
		slash = strrchr(copy, '/');
		name = slash != NULL ? slash + 1 : copy;
		for (i = 0; names != NULL && names[i] != NULL; i++) {
			if (strcmp(names[i], name) == 0)
				found = names[i];
		}
		if (slash == NULL)
			break;
		*slash = '\0';
	}
	free(copy);
	for (i = 0; names != NULL && names[i] != NULL; i++) {
		if (strcmp(names[i], SHELLMAP_DEFAULT) == 0)
			has_default = 1;
	}
	if (found == NULL && (names == NULL || has_default))
		found = SHELLMAP_DEFAULT;
	return (found);
}

/* The git top directory holding root (the flake's source), or root. */
char *
shellmap_top(const char *root)
{
	char		*p, *git, *slash;
	struct stat	 st;

	p = xstrdup(root);
	for (;;) {
		git = path_join(p, ".git");
		if (lstat(git, &st) == 0) {
			free(git);
			return (p);
		}
		free(git);
		if ((slash = strrchr(p, '/')) == NULL || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return (xstrdup(root));
}
