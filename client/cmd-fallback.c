/*
 * `hearth fallback [DIR]`: how to work on DIR's workspace without Nix.
 *
 * The workspace documents it per devShell in .hearth.ini:
 *
 *   [fallback]
 *   api     = services/api/SETUP.md
 *   default = docs/setup-without-nix.md
 *
 * DIR gets a devShell by the daemon's rules ([shells], then the nearest
 * directory named like a devShell, then default); without Nix the names
 * come from the committed tools list (.hearth-tools) when there is one,
 * else from what .hearth.ini mentions. The command prints that shell's
 * instructions, then, from the tools list, each tool the shell provides
 * with where the user's PATH has it, or that it is missing. It needs no
 * Nix and no daemon, and runs nothing from the workspace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* Instructions are for reading: a larger file is a mistake. */
#define FALLBACK_MAX_SIZE	(1024 * 1024)

static int	cmd_fallback_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_fallback_entry = {
	.name = "fallback",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "show how to set up DIR's dev shell without Nix",
	.help =
	    "Prints the instructions the workspace documents for DIR's\n"
	    "devShell (.hearth.ini, section [fallback]: shell = file, with\n"
	    "`default` for the rest), then each tool of its tools list\n"
	    "(.hearth-tools, from `hearth tools --write`) found in your PATH\n"
	    "or missing. Exit status 1 when the workspace documents no\n"
	    "setup without Nix for that shell.\n",
	.exec = cmd_fallback_exec,
};

/*
 * Print the instructions file (relative to root); -1 with *cause. It
 * must be inside the workspace, symbolic links resolved.
 */
static int
fallback_print_file(const char *root, const char *rel, char **cause)
{
	struct buf	 b = BUF_INIT;
	char		*p, *real, *why = NULL;
	size_t		 len = strlen(root);

	p = path_join(root, rel);
	if ((real = realpath(p, NULL)) == NULL) {
		*cause = xasprintf("%s (named in %s [fallback]): %s", rel,
		    WSCONFIG_FILE, strerror(errno));
		free(p);
		return (-1);
	}
	free(p);
	if (strncmp(real, root, len) != 0 || real[len] != '/') {
		*cause = xasprintf("%s (named in %s [fallback]) leads out of "
		    "the workspace", rel, WSCONFIG_FILE);
		free(real);
		return (-1);
	}
	/* Repository content: a FIFO or a device must not hang us. */
	if (safefile_read(real, FALLBACK_MAX_SIZE, &b, &why) != 0) {
		*cause = xasprintf("%s: %s", rel, why);
		free(why);
		free(real);
		buf_release(&b);
		return (-1);
	}
	free(real);
	fwrite(b.data, 1, b.len, stdout);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		putchar('\n');
	buf_release(&b);
	return (0);
}

/* Each tool of the shell: where PATH has it, or missing. */
static void
fallback_tools(struct toolslist *tl, const char *shell)
{
	const struct toolslist_tool	*t;
	char				*where;
	size_t				 i, n = 0, found = 0, w = 4;

	for (i = 0; (t = toolslist_get(tl, i)) != NULL; i++) {
		if (strcmp(t->shell, shell) == 0 && strlen(t->tool) > w)
			w = strlen(t->tool);
	}
	printf("\nTools of the %s shell (%s), in your PATH:\n", shell,
	    TOOLSLIST_FILE);
	for (i = 0; (t = toolslist_get(tl, i)) != NULL; i++) {
		if (strcmp(t->shell, shell) != 0)
			continue;
		n++;
		/* A tools list names bare commands: nothing else is looked up. */
		where = strchr(t->tool, '/') == NULL ? path_which(t->tool) :
		    NULL;
		printf("  %-7s  %-*s  %s%s(Nix has %s%s%s)\n", where != NULL ?
		    "found" : "missing", (int)w, t->tool, where != NULL ? where :
		    "", where != NULL ? " " : "", t->package,
		    *t->version != '\0' ? " " : "", t->version);
		found += where != NULL;
		free(where);
	}
	if (n == 0)
		printf("  (it provides none)\n");
	else
		printf("%zu of %zu found, %zu missing.\n", found, n, n - found);
}

/* One line on whether the dev shell itself would work here. */
static void
fallback_nix_line(void)
{
	char	*why = NULL, *prog = NULL;

	switch (nixcheck_state(0, &prog, &why)) {
	case NIXCHECK_OK:
		printf("\nNix: %s can use flakes here, so `hearth allow` gives "
		    "you the dev shell itself.\n", prog);
		break;
	case NIXCHECK_UNKNOWN:
		break;
	default:
		printf("\nNix: %s.\n", why);
		break;
	}
	free(prog);
	free(why);
}

static int
cmd_fallback_exec(const struct cmd_parsed *p)
{
	struct wsconfig	*c = NULL;
	struct toolslist *tl = NULL;
	const char	*rel, *shell, *file, **names = NULL;
	char		*dir, *root = NULL, *cause = NULL, *ini, **all = NULL;
	size_t		 i, n;
	int		 rc = EXIT_FAIL, have_tools;

	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL)
		goto fail;
	if ((root = path_find_workspace(dir)) == NULL) {
		cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		goto fail;
	}
	ini = path_join(root, WSCONFIG_FILE);
	c = wsconfig_load(ini);
	free(ini);
	if (wsconfig_error(c) != NULL) {
		cause = xasprintf("%s: %s", root, wsconfig_error(c));
		goto fail;
	}

	/* The devShell names: the tools list's, else the config's. */
	tl = toolslist_new();
	ini = path_join(root, TOOLSLIST_FILE);
	have_tools = 0;
	if (access(ini, F_OK) == 0) {
		if (toolslist_read(tl, ini, &cause) == 0)
			have_tools = 1;
		else {
			fprintf(stderr, "hearth fallback: %s\n", cause);
			free(cause);
			cause = NULL;
		}
	}
	free(ini);
	if (!have_tools) {
		names = wsconfig_names(c);
		for (n = 0; names[n] != NULL; n++)
			;
		all = xcalloc(n + 2, sizeof *all);
		for (i = 0; i < n; i++)
			all[i] = (char *)names[i];
		all[n] = (char *)WSCONFIG_DEFAULT;
	}
	rel = strcmp(dir, root) == 0 ? "" : dir + strlen(root) + 1;
	shell = wsconfig_shell_for(c, rel, have_tools ? toolslist_shells(tl) :
	    all);
	if (shell == NULL)
		shell = WSCONFIG_DEFAULT;

	if ((file = wsconfig_fallback(c, shell)) == NULL) {
		fprintf(stderr, "hearth fallback: %s documents no setup without "
		    "Nix for its %s shell%s%s (add a [fallback] section to %s; "
		    "see contrib/fallback/)\n", root, shell,
		    wsconfig_fallback_error(c) != NULL ? ": " : "",
		    wsconfig_fallback_error(c) != NULL ?
		    wsconfig_fallback_error(c) : "", WSCONFIG_FILE);
	} else {
		printf("hearth: the %s shell of %s without Nix (%s):\n\n",
		    shell, root, file);
		fflush(stdout);
		if (fallback_print_file(root, file, &cause) != 0)
			goto fail;
		rc = EXIT_OK;
	}
	if (have_tools)
		fallback_tools(tl, shell);
	else
		printf("\n(No %s in the workspace: run `hearth tools --write` "
		    "where Nix works to list the tools each shell provides.)\n",
		    TOOLSLIST_FILE);
	fallback_nix_line();
	goto out;
fail:
	fprintf(stderr, "hearth fallback: %s\n", cause);
	free(cause);
out:
	free(all);
	free(names);
	toolslist_free(tl);
	wsconfig_free(c);
	free(root);
	free(dir);
	return (rc);
}
