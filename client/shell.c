/*
 * The table of supported shells. Each shell is one `struct shell` in its
 * own shell-<name>.c, holding all hearth knows about it: its hook text,
 * how it sets and unsets a variable, its rc files and install line, the
 * names it reserves and its package. Every list of shells hearth prints
 * is made here from the table, and so is include/hearth/shellname.h,
 * which hearthd links too. POSIX single quoting, which bash and the hooks
 * share, lives here as well.
 *
 * A new shell is its hook (shell-hooks/hearth.NAME), its entry
 * (client/shell-NAME.c), its row below and its tests (test_shell_NAME.c,
 * and a case in the integration tests and bench/shells.sh that start a
 * shell). tests/unit/test_shell.c fails until the entry is complete and
 * the lists outside C (deps.sh, bench, completions, man page, README,
 * t-conformance.sh) name it.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/shellname.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/*
 * The table, one row a shell in the order hearth lists them: row(NAME)
 * stands for shell_NAME, the entry in shell-NAME.c. A macro, because
 * shellname_shells must be a constant array of names, which C cannot
 * fill from the entries' fields, and the rows must be written once.
 */
#define SHELL_TABLE(row)	row(bash) row(zsh) row(fish) row(nu) row(elvish) \
				row(xonsh) row(tcsh)

/*
 * Output formats for other programs, as direnv has them: `hearth export
 * json` for editors, `hearth export gha` for $GITHUB_ENV. Entries like
 * a shell's, with no hook, rc file or prompt; only export takes them.
 */
#define FORMAT_TABLE(row)	row(json) row(gha)

#define SHELL_EXTERN(n)	extern const struct shell shell_##n;
#define SHELL_ENTRY(n)	&shell_##n,
#define SHELL_NAME(n)	#n,

SHELL_TABLE(SHELL_EXTERN)
FORMAT_TABLE(SHELL_EXTERN)

static const struct shell *const shells[] = { SHELL_TABLE(SHELL_ENTRY) };
#define SHELL_COUNT	(sizeof shells / sizeof *shells)

static const struct shell *const formats[] = { FORMAT_TABLE(SHELL_ENTRY) };
#define FORMAT_COUNT	(sizeof formats / sizeof *formats)

/* The daemon sees the names only (shellname.h). */
const char *const shellname_shells[] = { SHELL_TABLE(SHELL_NAME) NULL };
const char *const shellname_formats[] = { FORMAT_TABLE(SHELL_NAME) NULL };

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

const struct shell *
shell_get(size_t i)
{
	return (i < SHELL_COUNT ? shells[i] : NULL);
}

void
shell_list(struct buf *b, const char *sep, const char *last)
{
	size_t	 i;

	for (i = 0; i < SHELL_COUNT; i++) {
		if (i > 0)
			buf_adds(b, i == SHELL_COUNT - 1 ? last : sep);
		buf_adds(b, shells[i]->name);
	}
}

const struct shell *
shell_find(const char *name, char **cause)
{
	struct buf	 list = BUF_INIT;
	size_t		 i;

	for (i = 0; i < SHELL_COUNT; i++) {
		if (strcmp(shells[i]->name, name) == 0)
			return (shells[i]);
	}
	shell_list(&list, ", ", ", ");
	*cause = xasprintf("unsupported shell: %s (supported: %s)", name,
	    list.data);
	buf_release(&list);
	return (NULL);
}

const struct shell *
shell_format_get(size_t i)
{
	return (i < FORMAT_COUNT ? formats[i] : NULL);
}

const struct shell *
shell_find_export(const char *name, char **cause)
{
	struct buf	 list = BUF_INIT;
	size_t		 i;

	for (i = 0; i < FORMAT_COUNT; i++) {
		if (strcmp(formats[i]->name, name) == 0)
			return (formats[i]);
	}
	for (i = 0; i < SHELL_COUNT; i++) {
		if (strcmp(shells[i]->name, name) == 0)
			return (shells[i]);
	}
	shell_list(&list, ", ", ", ");
	for (i = 0; i < FORMAT_COUNT; i++)
		buf_addf(&list, ", %s", formats[i]->name);
	*cause = xasprintf("unsupported shell: %s (supported: %s)", name,
	    list.data);
	buf_release(&list);
	return (NULL);
}

size_t
shell_utf8_char(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned int		 c, min;
	size_t			 n, i;

	if (*p < 0x80)
		return (*p != '\0');
	if ((*p & 0xe0) == 0xc0) {
		c = *p & 0x1f;
		n = 2;
		min = 0x80;
	} else if ((*p & 0xf0) == 0xe0) {
		c = *p & 0x0f;
		n = 3;
		min = 0x800;
	} else if ((*p & 0xf8) == 0xf0) {
		c = *p & 0x07;
		n = 4;
		min = 0x10000;
	} else
		return (0);
	/* A NUL is no continuation byte: the loop stops at the end. */
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	return (n);
}

int
shell_utf8_valid(const char *s)
{
	size_t	 n;

	for (; *s != '\0'; s += n) {
		if ((n = shell_utf8_char(s)) == 0)
			return (0);
	}
	return (1);
}

char *
shell_rcfile_shown(const char *rc)
{
	const char	*dflt, *end;

	if (strncmp(rc, "${", 2) != 0 || (dflt = strstr(rc, ":-")) == NULL ||
	    (end = strchr(dflt, '}')) == NULL)
		return (xstrdup(rc));
	return (xasprintf("%.*s%s", (int)(end - dflt - 2), dflt + 2,
	    end + 1));
}

char *
shell_rcfile_path(const char *rc)
{
	const char	*home = getenv("HOME"), *dflt, *end, *val;
	char		*var, *head, *s;

	if (rc[0] == '~')
		return (xasprintf("%s%s", home != NULL ? home : "", rc + 1));
	if (strncmp(rc, "${", 2) != 0 || (dflt = strstr(rc, ":-")) == NULL ||
	    (end = strchr(dflt, '}')) == NULL)
		return (xstrdup(rc));
	var = xstrndup(rc + 2, dflt - rc - 2);
	if ((val = getenv(var)) != NULL && val[0] == '/')
		head = xstrdup(val);
	else {
		s = xstrndup(dflt + 2, end - dflt - 2);
		head = shell_rcfile_path(s);
		free(s);
	}
	s = xasprintf("%s%s", head, end + 1);
	free(head);
	free(var);
	return (s);
}

int
shellname_holds(const char *shell, const char *value)
{
	size_t	 i;

	for (i = 0; i < SHELL_COUNT; i++) {
		if (strcmp(shells[i]->name, shell) == 0)
			return (shells[i]->holds == NULL ||
			    shells[i]->holds(value));
	}
	for (i = 0; i < FORMAT_COUNT; i++) {
		if (strcmp(formats[i]->name, shell) == 0)
			return (formats[i]->holds == NULL ||
			    formats[i]->holds(value));
	}
	return (1);
}

int
shellname_settable(const char *shell, const char *name)
{
	const char *const	*r;
	size_t			 i;

	if (!envdiff_valid_key(name))
		return (0);
	for (i = 0; i < SHELL_COUNT; i++) {
		if (strcmp(shells[i]->name, shell) != 0)
			continue;
		if (envdiff_function_key(name))
			return (shells[i]->functions);
		for (r = shells[i]->reserved; *r != NULL; r++) {
			if (strcmp(*r, name) == 0)
				return (0);
		}
	}
	/* json carries exported functions, as direnv's does; gha cannot. */
	for (i = 0; i < FORMAT_COUNT; i++) {
		if (strcmp(formats[i]->name, shell) == 0 &&
		    envdiff_function_key(name))
			return (formats[i]->functions);
	}
	return (1);
}
