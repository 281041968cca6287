/*
 * fish: its table entry (client/shell.c): the hook text, the quoting of
 * exported values, its rc files and the names it reserves.
 *
 * Inside fish's single quotes every byte is literal except \\ and \',
 * which are escaped there. Control bytes and bytes >= 0x80 are written
 * outside the quotes as \xHH and \XHH: fish decodes those itself, in any
 * locale, so invalid UTF-8 comes back as the same bytes and no raw
 * newline reaches the code. Any value without NUL reaches a child byte
 * for byte.
 *
 * PATH is set as one word, like every other value. direnv splits PATH on
 * ':' into a fish list, which fish 2 needed; fish 3 splits every path
 * variable itself (PATH, CDPATH, MANPATH, any name ending in PATH, and
 * the user's own `set --path` ones), by the same rule it applies to the
 * environment it starts with, and joins the entries with ':' again for
 * children. So fish's own command lookup sees the dev shell's entries and
 * a child gets the bytes bash would give it. The one exception is fish's:
 * an empty entry in PATH or CDPATH becomes ".", which means the same.
 *
 * Variables are set and erased in the global scope. A universal variable
 * of the same name is shadowed while the dev shell is on, and is never
 * erased on the way out: a plain `set -e` would take the first scope it
 * finds and could delete the user's universal for every fish session.
 *
 * A guard test compares "$NAME", which is what a child gets: fish joins
 * a path variable's list with ':' there, any other with ' ', as it does
 * when it exports them. Where fish rewrote a value (an empty PATH entry
 * became "."), the test fails, and the hook runs the client instead.
 */
#include <string.h>

#include "hearth.h"

extern const char hook_fish[];

static const char *const fish_rcfiles[] = {
	"${XDG_CONFIG_HOME:-~/.config}/fish/config.fish",
	"${XDG_CONFIG_HOME:-~/.config}/fish/conf.d/*.fish", NULL
};

static const char *const fish_state_prefixes[] = { "__fish", NULL };

/* fish's read-only and electric variables (fish-doc "Special variables"). */
static const char *const fish_reserved[] = {
	"CMD_DURATION", "COLUMNS", "FISH_VERSION", "LINES", "PWD", "SHLVL",
	"_", "argv", "fish_kill_signal", "fish_killring", "fish_pid",
	"history", "hostname", "last_pid", "pipestatus", "status",
	"status_generation", "umask", "version", NULL
};

static void
fish_quote(struct buf *b, const char *s)
{
	const unsigned char	*p;
	int			 open = 0;

	if (*s == '\0') {
		buf_adds(b, "''");
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f) {
			if (!open)
				buf_addc(b, '\'');
			open = 1;
			if (*p == '\'' || *p == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *p);
			continue;
		}
		if (open)
			buf_addc(b, '\'');
		open = 0;
		/* fish documents \x for ASCII only, \X for any byte. */
		buf_addf(b, "\\%c%02x", *p < 0x80 ? 'x' : 'X', *p);
	}
	if (open)
		buf_addc(b, '\'');
}

static void
fish_set(struct buf *b, const char *name, const char *value)
{
	size_t	 line;

	if (value == NULL) {
		/*
		 * Erases in a row become one `set -e -g A B ...`: fish runs
		 * one command, not one for each (the hook's undo is mostly
		 * erases). A value never holds a raw newline, so the last
		 * line is the last command.
		 */
		if (b->len > 0 && b->data[b->len - 1] == '\n') {
			line = b->len - 1;
			while (line > 0 && b->data[line - 1] != '\n')
				line--;
			if (strncmp(b->data + line, "set -e -g ", 10) == 0) {
				buf_truncate(b, b->len - 1);
				buf_addf(b, " %s\n", name);
				return;
			}
		}
		buf_addf(b, "set -e -g %s\n", name);
		return;
	}
	buf_addf(b, "set -gx %s ", name);
	fish_quote(b, value);
	buf_addc(b, '\n');
}

static void
fish_setvar(struct buf *b, const char *name, const char *value)
{
	buf_addf(b, "set -g %s ", name);
	fish_quote(b, value);
	buf_addc(b, '\n');
}

static void
fish_guard(struct buf *b, const char *name, const char *value)
{
	if (b->len > 0)
		buf_adds(b, "; and ");
	if (value == NULL) {
		buf_addf(b, "not set -q %s", name);
		return;
	}
	buf_addf(b, "set -q %s; and test \"$%s\" = ", name, name);
	fish_quote(b, value);
}

const struct shell shell_fish = {
	.name = "fish",
	.package = "fish",
	.hook = hook_fish,
	.install = "hearth hook fish | source",
	.rcfiles = fish_rcfiles,
	.reserved = fish_reserved,
	.state_prefixes = fish_state_prefixes,
	.set = fish_set,
	.setvar = fish_setvar,
	.guard = fish_guard,
	.quote = fish_quote,
};
