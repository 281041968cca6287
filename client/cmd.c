/*
 * The command table: every `hearth` command is one cmd_entry in its own
 * cmd-<name>.c. This file owns the table, the lookup (an exact name, then
 * a unique prefix) and the usage text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

static const struct cmd_entry *cmd_table[] = {
	&cmd_allow_entry,
	&cmd_check_entry,
	&cmd_daemon_entry,
	&cmd_deny_entry,
	&cmd_doctor_entry,
	&cmd_exec_entry,
	&cmd_export_entry,
	&cmd_fallback_entry,
	&cmd_gc_entry,
	&cmd_hook_entry,
	&cmd_list_entry,
	&cmd_log_entry,
	&cmd_reload_entry,
	&cmd_stats_entry,
	&cmd_status_entry,
	&cmd_tools_entry,
	&cmd_wait_entry,
};
#define CMD_COUNT	(sizeof cmd_table / sizeof *cmd_table)

const struct cmd_entry *
cmd_find(const char *name, char **cause)
{
	const struct cmd_entry	*found = NULL;
	struct buf		 list = BUF_INIT;
	size_t			 i, n = 0, len = strlen(name);

	for (i = 0; i < CMD_COUNT; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	for (i = 0; i < CMD_COUNT && len > 0; i++) {
		if (strncmp(cmd_table[i]->name, name, len) != 0)
			continue;
		found = cmd_table[i];
		buf_addf(&list, "%s%s", n++ ? ", " : "", found->name);
	}
	if (n == 1) {
		buf_release(&list);
		return (found);
	}
	if (n > 1)
		*cause = xasprintf("ambiguous command: %s (could be: %s)",
		    name, list.data);
	else
		*cause = xasprintf("unknown command: %s (see hearth --help)",
		    name);
	buf_release(&list);
	return (NULL);
}

void
cmd_usage(FILE *f)
{
	size_t	 i;

	fprintf(f,
	    "usage: hearth [--help] [--version] COMMAND [ARGS]\n"
	    "\n"
	    "hearth keeps Nix flake dev shells warm: a daemon evaluates the\n"
	    "dev shells of allowed workspaces in the background, and the\n"
	    "shell hook applies them on cd without waiting for Nix.\n"
	    "\n"
	    "Set-up: add `eval \"$(hearth hook bash)\"` to ~/.bashrc, then run\n"
	    "`hearth allow` in a workspace (a directory with flake.nix).\n"
	    "\n"
	    "Commands:\n");
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(f, "  %-8s %-26s %s\n", cmd_table[i]->name,
		    cmd_table[i]->args, cmd_table[i]->summary);
	fprintf(f, "\nRun `hearth COMMAND --help` for more on one command.\n");
}

void
cmd_help(const struct cmd_entry *e, FILE *f)
{
	fprintf(f, "usage: hearth %s %s\n\n%s\n", e->name, e->args,
	    e->summary);
	if (e->help != NULL && *e->help != '\0')
		fprintf(f, "\n%s", e->help);
	if (e->help_table != NULL)
		e->help_table(f);
}

int
cmd_wants_help(const struct cmd_entry *e, int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			cmd_help(e, stdout);
			return (1);
		}
	}
	return (0);
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "hearth %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (usage: hearth %s %s)\n", e->name, e->args);
	return (EXIT_USAGE);
}

char *
cmd_dir(const char *arg, char **cause)
{
	char	*cwd, *dir;

	if (arg != NULL)
		return (path_resolve(arg, cause));
	if ((cwd = getcwd(NULL, 0)) == NULL) {
		*cause = xstrdup("cannot read the current directory");
		return (NULL);
	}
	dir = path_resolve(cwd, cause);
	free(cwd);
	return (dir);
}


int
cmd_dir_text(const struct cmd_entry *e, enum msg_type type, int argc,
    char **argv)
{
	struct ipc_reply	 reply;
	char			*dir, *cause = NULL, *text;

	if (argc > 2)
		return (cmd_usage_error(e, "too many arguments"));
	if ((dir = cmd_dir(argc == 2 ? argv[1] : NULL, &cause)) == NULL) {
		fprintf(stderr, "hearth %s: %s\n", e->name, cause);
		free(cause);
		return (EXIT_FAIL);
	}
	if (ipc_dir_request(type, dir, &reply, -1, &cause) != 0) {
		fprintf(stderr, "hearth %s: %s\n", e->name, cause);
		free(cause);
		free(dir);
		return (EXIT_FAIL);
	}
	text = reply_text(&reply);
	printf(type == MSG_LOG ? "%s" : "hearth: %s\n", text);
	free(text);
	ipc_reply_release(&reply);
	free(dir);
	return (EXIT_OK);
}
