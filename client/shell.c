/*
 * The table of supported shells. Each shell is one `struct shell` in its
 * own shell-<name>.c: its hook text and how it sets and unsets a variable.
 * POSIX single quoting, which bash and the hooks share, lives here too.
 */
#include <string.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

void
shell_quote_sh(struct buf *b, const char *s)
{
	const char	*q;

	buf_addc(b, '\'');
	while ((q = strchr(s, '\'')) != NULL) {
		buf_add(b, s, q - s);
		buf_adds(b, "'\\''");
		s = q + 1;
	}
	buf_adds(b, s);
	buf_addc(b, '\'');
}

static const struct shell *shells[] = {
	&shell_bash,
	&shell_zsh,
	&shell_fish,
};

const struct shell *
shell_find(const char *name, char **cause)
{
	size_t	 i;

	for (i = 0; i < sizeof shells / sizeof *shells; i++) {
		if (strcmp(shells[i]->name, name) == 0)
			return (shells[i]);
	}
	*cause = xasprintf("unsupported shell: %s (supported: bash, zsh, "
	    "fish)", name);
	return (NULL);
}
