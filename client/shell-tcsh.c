/*
 * tcsh: its table entry (client/shell.c): the hook text, the quoting of
 * exported values, its rc files and the names it reserves.
 *
 * `hearth export tcsh` prints tcsh code, which the hook writes to a file
 * and reads with `source`: code run by eval would have its lines joined,
 * and a value's newline lost. Each value is one word in single quotes,
 * where tcsh takes every byte literally but three: a ' ends the quotes
 * (written '\''), a newline must follow a backslash (written \ and the
 * newline, which tcsh reads back as the newline alone) and a ! starts a
 * history substitution, even in a sourced file and inside quotes. The
 * hook empties histchars while it sources the code, which turns history
 * substitution off, so a ! is written as itself. Tested byte for byte in
 * a real tcsh with every byte but NUL (test_shell_tcsh): tcsh has no
 * length limit of its own, so every value a dev shell can have is held,
 * and only the kernel's limit on one exec argument applies, as in every
 * shell.
 *
 * The names that start with _hearth_ are the hook's own shell variables
 * (set and unset, not setenv). The hook runs the client whenever $cwd or
 * the generation changed, so it needs neither the code to undo a
 * workspace nor a guard for it, which other hooks use to leave with no
 * process: those are not written.
 */
#include <string.h>

#include "hearth.h"

extern const char hook_tcsh[];

static const char *const tcsh_rcfiles[] = {
	"~/.tcshrc", "~/.cshrc", NULL
};

static const char *const tcsh_state_prefixes[] = { NULL };

/*
 * The variables tcsh keeps itself (tcsh(1), "Environment"): it sets PWD
 * on every cd and SHLVL at start.
 */
static const char *const tcsh_reserved[] = {
	"PWD", "SHLVL", NULL
};

/*
 * A value, for code the hook sources with history substitution off; with
 * bang 1, for the hook's own text, which the install line's eval reads
 * with history substitution on (the default histchars): a ! is \! there.
 */
static void
tcsh_quote_bang(struct buf *b, const char *s, int bang)
{
	buf_addc(b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else if (*s == '\n')
			buf_adds(b, "\\\n");
		else if (*s == '!' && bang)
			buf_adds(b, "\\!");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

static void
tcsh_quote(struct buf *b, const char *s)
{
	tcsh_quote_bang(b, s, 1);
}

static void
tcsh_set(struct buf *b, const char *name, const char *value)
{
	int	 own = strncmp(name, "_hearth_", 8) == 0;

	if (value == NULL) {
		buf_addf(b, "%s %s\n", own ? "unset" : "unsetenv", name);
		return;
	}
	buf_addf(b, own ? "set %s = " : "setenv %s ", name);
	tcsh_quote_bang(b, value, 0);
	buf_addc(b, '\n');
}

/* The hook needs no plain variables from the client: see the top. */
static void
tcsh_setvar(struct buf *b, const char *name, const char *value)
{
	(void)b;
	(void)name;
	(void)value;
}

static void
tcsh_guard(struct buf *b, const char *name, const char *value)
{
	(void)b;
	(void)name;
	(void)value;
}

const struct shell shell_tcsh = {
	.name = "tcsh",
	.package = "tcsh",
	.hook = hook_tcsh,
	.install = "eval \"`hearth hook tcsh`\"",
	.hook_oneline = 1,
	.rcfiles = tcsh_rcfiles,
	.reserved = tcsh_reserved,
	.state_prefixes = tcsh_state_prefixes,
	.set = tcsh_set,
	.setvar = tcsh_setvar,
	.guard = tcsh_guard,
	.quote = tcsh_quote,
};
