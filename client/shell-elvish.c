/*
 * elvish: its table entry (client/shell.c): the hook text, the exporter,
 * its rc file and the names it reserves.
 *
 * As for nushell, `hearth export elvish` prints data, not code: one JSON
 * array a line (shell_json_line), which the hook reads with the from-json
 * builtin and applies with set-env and unset-env, so no value is run.
 * elvish keeps PATH as the list $paths, tied to it: set-env PATH sets
 * both. An elvish string holds any bytes, but JSON only Unicode: a dev
 * shell's value that is not UTF-8 is left out with a notice
 * (shellname_holds) and listed by `hearth status`.
 */
#include <string.h>

#include "hearth.h"

extern const char hook_elvish[];

static const char *const elvish_rcfiles[] = {
	"${XDG_CONFIG_HOME:-~/.config}/elvish/rc.elv", "~/.elvish/rc.elv", NULL
};

static const char *const elvish_state_prefixes[] = { NULL };

/* The ones elvish keeps itself. */
static const char *const elvish_reserved[] = {
	"PWD", "SHLVL", NULL
};

static void
elvish_set(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 's', name, value);
}

static void
elvish_setvar(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'v', name, value);
}

static void
elvish_guard(struct buf *b, const char *name, const char *value)
{
	shell_json_line(b, 'g', name, value);
}

/* Single quotes, each ' doubled: every other byte is literal there. */
static void
elvish_quote(struct buf *b, const char *s)
{
	const char	*q;

	buf_addc(b, '\'');
	while ((q = strchr(s, '\'')) != NULL) {
		buf_add(b, s, q - s + 1);
		buf_addc(b, '\'');
		s = q + 1;
	}
	buf_adds(b, s);
	buf_addc(b, '\'');
}

const struct shell shell_elvish = {
	.name = "elvish",
	.package = "elvish",
	.hook = hook_elvish,
	.install = "eval (hearth hook elvish | slurp)",
	.rcfiles = elvish_rcfiles,
	.reserved = elvish_reserved,
	.state_prefixes = elvish_state_prefixes,
	.set = elvish_set,
	.setvar = elvish_setvar,
	.guard = elvish_guard,
	.quote = elvish_quote,
	.holds = shell_utf8_valid,
};
