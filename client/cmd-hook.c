/*
 * `hearth hook SHELL`: print the prompt hook for a shell's rc file, with
 * the absolute path of this hearth and of the daemon's generation file in
 * it, so the hook works whatever PATH the shell has and reads the
 * generation without running anything.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth.h"

static int	cmd_hook_exec(const struct cmd_parsed *);
static void	cmd_hook_help(FILE *);

const struct cmd_entry cmd_hook_entry = {
	.name = "hook",
	.args = "SHELL",
	.min_args = 1,
	.max_args = 1,
	.complete = CMD_COMPLETE_WORDS,
	.words = "bash zsh fish nu elvish xonsh tcsh",
	.summary = "print the prompt hook for SHELL's rc file",
	.help_table = cmd_hook_help,
	.exec = cmd_hook_exec,
};

/* Each shell's install line and the rc file it goes in. */
static void
cmd_hook_help(FILE *f)
{
	const struct shell	*sh;
	size_t			 i;
	char			*rc;

	fprintf(f, "\n");
	for (i = 0; (sh = shell_get(i)) != NULL; i++) {
		rc = shell_rcfile_shown(sh->rcfiles[0]);
		fprintf(f, "%s: add this line to %s:\n  %s\n", sh->name, rc,
		    sh->install);
		free(rc);
	}
}

/*
 * Leave out the comment lines of a hook whose lines are joined into one
 * (tcsh's eval), where a comment would hide all that follows it.
 */
static void
hook_drop_comments(struct buf *b)
{
	size_t	 i = 0, o = 0, n;
	char	*nl;

	while (i < b->len) {
		nl = memchr(b->data + i, '\n', b->len - i);
		n = nl != NULL ? (size_t)(nl - (b->data + i)) + 1 : b->len - i;
		if (b->data[i] != '#') {
			memmove(b->data + o, b->data + i, n);
			o += n;
		}
		i += n;
	}
	buf_truncate(b, o);
}

static int
cmd_hook_exec(const struct cmd_parsed *args)
{
	const struct shell	*sh;
	struct buf		 out = BUF_INIT, text = BUF_INIT;
	const char		*p, *at;
	char			 self[PATH_MAX], *cause = NULL;
	char			*rundir, *genfile;
	ssize_t			 n;

	if ((sh = shell_find(cmd_arg(args, 0), &cause)) == NULL) {
		fprintf(stderr, "hearth hook: %s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) <= 0) {
		fprintf(stderr, "hearth hook: cannot find my own path\n");
		return (EXIT_FAIL);
	}
	self[n] = '\0';
	if ((rundir = path_runtime_dir(&cause)) == NULL) {
		fprintf(stderr, "hearth hook: %s\n", cause);
		free(cause);
		return (EXIT_FAIL);
	}
	genfile = path_generation(rundir);
	/* The template's own comments, before any path is in it. */
	buf_adds(&text, sh->hook);
	if (sh->hook_oneline)
		hook_drop_comments(&text);
	/* Fill in the placeholders, each quoted for the shell. */
	for (p = text.data; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&out, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0) {
			sh->quote(&out, self);
			at += 8;
		} else if (strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(&out, genfile);
			at += 9;
		} else
			buf_addc(&out, *at++);
	}
	buf_adds(&out, p);
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	buf_release(&text);
	free(genfile);
	free(rundir);
	return (EXIT_OK);
}
