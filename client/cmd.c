/*
 * The command table: every `hearth` command is one cmd_entry in its own
 * cmd-<name>.c, declaring its options and positional arguments. This file
 * owns the table, the lookup (an exact name, then a unique prefix, else a
 * suggestion), the one option parser and the usage text made from the
 * entries; cmd-complete.c makes the shell completions from them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/*
 * The commands, one row each: X(name) is cmd_name_entry, defined in
 * client/cmd-name.c. Sorted, as help and completions list them; hidden
 * commands (__complete) last.
 */
#define CMD_TABLE(X)		\
	X(allow)		\
	X(check)		\
	X(daemon)		\
	X(deny)			\
	X(doctor)		\
	X(exec)			\
	X(export)		\
	X(fallback)		\
	X(gc)			\
	X(hook)			\
	X(list)			\
	X(log)			\
	X(reload)		\
	X(stats)		\
	X(status)		\
	X(tools)		\
	X(wait)			\
	X(complete)

#define CMD_EXTERN(name)	extern const struct cmd_entry cmd_##name##_entry;
#define CMD_REF(name)		&cmd_##name##_entry,
CMD_TABLE(CMD_EXTERN)
static const struct cmd_entry *cmd_table[] = { CMD_TABLE(CMD_REF) };
#define CMD_COUNT	(sizeof cmd_table / sizeof *cmd_table)

size_t
cmd_count(void)
{
	return (CMD_COUNT);
}

const struct cmd_entry *
cmd_at(size_t i)
{
	return (i < CMD_COUNT ? cmd_table[i] : NULL);
}

/* Edit distance with transpositions (optimal string alignment). */
static size_t
cmd_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, d[32][32], v;

	if (la >= 32 || lb >= 32)
		return ((size_t)-1);
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return (d[la][lb]);
}

const char *
cmd_closest(const char *s, const char *const *names, size_t n)
{
	const char	*best = NULL;
	size_t		 i, d, bestd = 3;

	for (i = 0; i < n; i++) {
		d = cmd_distance(s, names[i]);
		/* Two edits of a two-letter name is any other name. */
		if (d < bestd && d < strlen(names[i])) {
			best = names[i];
			bestd = d;
		}
	}
	return (best);
}

const struct cmd_entry *
cmd_find(const char *name, char **cause)
{
	const struct cmd_entry	*found = NULL;
	const char		*names[CMD_COUNT], *close;
	struct buf		 list = BUF_INIT;
	size_t			 i, n = 0, len = strlen(name), best;

	for (i = 0; i < CMD_COUNT; i++) {
		if (strcmp(cmd_table[i]->name, name) == 0)
			return (cmd_table[i]);
	}
	for (i = 0; i < CMD_COUNT && len > 0; i++) {
		if (cmd_table[i]->hidden ||
		    strncmp(cmd_table[i]->name, name, len) != 0)
			continue;
		found = cmd_table[i];
		buf_addf(&list, "%s%s", n++ ? ", " : "", found->name);
	}
	if (n == 1) {
		buf_release(&list);
		return (found);
	}
	if (n > 1) {
		*cause = xasprintf("ambiguous command: %s (could be: %s)",
		    name, list.data);
		buf_release(&list);
		return (NULL);
	}
	buf_release(&list);
	for (i = n = 0; i < CMD_COUNT; i++) {
		if (!cmd_table[i]->hidden)
			names[n++] = cmd_table[i]->name;
	}
	if ((close = cmd_closest(name, names, n)) != NULL) {
		/* Name every command as close as the closest. */
		best = cmd_distance(name, close);
		for (i = 0; i < n; i++) {
			if (cmd_distance(name, names[i]) == best)
				buf_addf(&list, "%s%s", list.len ? " or " : "",
				    names[i]);
		}
		*cause = xasprintf("unknown command: %s (did you mean %s? see "
		    "hearth --help)", name, list.data);
		buf_release(&list);
	} else
		*cause = xasprintf("unknown command: %s (see hearth --help)",
		    name);
	return (NULL);
}

void
cmd_usage(FILE *f)
{
	const struct cmd_entry	*e;
	struct buf		 b = BUF_INIT;
	size_t			 i;

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
	for (i = 0; i < CMD_COUNT; i++) {
		if ((e = cmd_table[i])->hidden)
			continue;
		fprintf(f, "  %-8s %s\n", e->name, e->summary);
	}
	fprintf(f, "\nUsage:\n");
	for (i = 0; i < CMD_COUNT; i++) {
		if ((e = cmd_table[i])->hidden)
			continue;
		buf_reset(&b);
		cmd_synopsis(e, &b);
		fprintf(f, "  %s\n", b.data);
	}
	buf_release(&b);
	fprintf(f, "\nRun `hearth COMMAND --help` for more on one command.\n");
}

void
cmd_synopsis(const struct cmd_entry *e, struct buf *b)
{
	const struct cmd_option	*o;
	size_t			 i;

	buf_addf(b, "hearth %s", e->name);
	for (i = 0; i < CMD_MAX_OPTIONS && e->options[i].name != NULL; i++) {
		o = &e->options[i];
		if (o->letter != 0)
			buf_addf(b, " [-%c", o->letter);
		else
			buf_addf(b, " [--%s", o->name);
		if (o->value != NULL)
			buf_addf(b, " %s", o->value);
		buf_addc(b, ']');
	}
	if (*e->args != '\0')
		buf_addf(b, " %s", e->args);
}

void
cmd_help(const struct cmd_entry *e, FILE *f)
{
	const struct cmd_option	*o;
	struct buf		 b = BUF_INIT, left = BUF_INIT;
	size_t			 i;

	cmd_synopsis(e, &b);
	fprintf(f, "usage: %s\n\n%s\n\nOptions:\n", b.data, e->summary);
	for (i = 0; i < CMD_MAX_OPTIONS && e->options[i].name != NULL; i++) {
		o = &e->options[i];
		buf_reset(&left);
		if (o->letter != 0)
			buf_addf(&left, "-%c, ", o->letter);
		buf_addf(&left, "--%s", o->name);
		if (o->value != NULL)
			buf_addf(&left, " %s", o->value);
		fprintf(f, "  %-22s %s\n", left.data, o->help);
	}
	fprintf(f, "  %-22s %s\n", "-h, --help", "show this help");
	if (e->help != NULL && *e->help != '\0')
		fprintf(f, "\n%s", e->help);
	if (e->help_table != NULL)
		e->help_table(f);
	buf_release(&left);
	buf_release(&b);
}

/* The index of the option with this long name or letter; -1 if none. */
static int
cmd_option_find(const struct cmd_entry *e, const char *name, size_t len,
    int letter)
{
	const struct cmd_option	*o;
	int			 i;

	for (i = 0; i < CMD_MAX_OPTIONS && e->options[i].name != NULL; i++) {
		o = &e->options[i];
		if (name != NULL && strlen(o->name) == len &&
		    strncmp(o->name, name, len) == 0)
			return (i);
		if (name == NULL && letter != 0 && o->letter == letter)
			return (i);
	}
	return (-1);
}

/* The cause for an unknown long option, with a suggestion. */
static char *
cmd_unknown_long(const struct cmd_entry *e, const char *arg, size_t len)
{
	const char	*names[CMD_MAX_OPTIONS + 1], *close;
	char		*name;
	size_t		 n = 0;

	while (n < CMD_MAX_OPTIONS && e->options[n].name != NULL) {
		names[n] = e->options[n].name;
		n++;
	}
	names[n++] = "help";
	name = xstrndup(arg, len);
	close = cmd_closest(name, names, n);
	free(name);
	if (close != NULL)
		return (xasprintf("unknown option: --%.*s (did you mean "
		    "--%s?)", (int)len, arg, close));
	return (xasprintf("unknown option: --%.*s", (int)len, arg));
}

int
cmd_parse(const struct cmd_entry *e, int argc, char **argv,
    struct cmd_parsed *p, char **cause)
{
	const struct cmd_option	*o;
	const char		*arg, *eq;
	size_t			 len;
	int			 i, k, opt, ended = 0, rc = -1;

	memset(p, 0, sizeof *p);
	p->entry = e;
	p->argv = xcalloc(argc + 1, sizeof *p->argv);
	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (ended || arg[0] != '-' || arg[1] == '\0') {
			p->argv[p->argc++] = argv[i];
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			if (e->dashdash) {
				p->rest = argv + i + 1;
				p->restc = argc - i - 1;
				break;
			}
			ended = 1;
			continue;
		}
		if (arg[1] == '-') {
			arg += 2;
			eq = strchr(arg, '=');
			len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
			if (len == 4 && strncmp(arg, "help", 4) == 0 &&
			    eq == NULL) {
				rc = 1;
				goto out;
			}
			if ((opt = cmd_option_find(e, arg, len, 0)) == -1) {
				*cause = cmd_unknown_long(e, arg, len);
				goto out;
			}
			o = &e->options[opt];
			if (o->value == NULL) {
				if (eq != NULL) {
					*cause = xasprintf("--%s takes no "
					    "value", o->name);
					goto out;
				}
				p->values[opt] = "";
			} else if (eq != NULL)
				p->values[opt] = eq + 1;
			else if (i + 1 < argc)
				p->values[opt] = argv[++i];
			else {
				*cause = xasprintf("--%s needs %s", o->name,
				    o->value);
				goto out;
			}
			continue;
		}
		/* A cluster of letters; one that takes a value ends it. */
		for (k = 1; arg[k] != '\0'; k++) {
			if (arg[k] == 'h') {
				rc = 1;
				goto out;
			}
			if ((opt = cmd_option_find(e, NULL, 0, arg[k])) == -1) {
				*cause = xasprintf("unknown option: -%c",
				    arg[k]);
				goto out;
			}
			o = &e->options[opt];
			if (o->value == NULL) {
				p->values[opt] = "";
				continue;
			}
			if (arg[k + 1] != '\0')
				p->values[opt] = arg + k + 1;
			else if (i + 1 < argc)
				p->values[opt] = argv[++i];
			else {
				*cause = xasprintf("-%c needs %s", o->letter,
				    o->value);
				goto out;
			}
			break;
		}
	}
	if (p->argc < e->min_args) {
		*cause = xasprintf(e->max_args == 1 && e->min_args == 1 ?
		    "missing argument: %s" : "missing arguments: %s",
		    e->args);
		goto out;
	}
	if (e->max_args >= 0 && p->argc > e->max_args) {
		*cause = xasprintf("unexpected argument: %s",
		    p->argv[e->max_args]);
		goto out;
	}
	if (e->dashdash && p->restc == 0) {
		*cause = xstrdup("expected -- and a command");
		goto out;
	}
	return (0);
out:
	cmd_parsed_release(p);
	return (rc);
}

void
cmd_parsed_release(struct cmd_parsed *p)
{
	free(p->argv);
	p->argv = NULL;
	p->argc = 0;
}

int
cmd_run(const struct cmd_entry *e, int argc, char **argv)
{
	struct cmd_parsed	 p;
	char			*cause = NULL;
	int			 rc;

	switch (cmd_parse(e, argc, argv, &p, &cause)) {
	case 1:
		cmd_help(e, stdout);
		return (EXIT_OK);
	case -1:
		rc = cmd_usage_error(e, "%s", cause);
		free(cause);
		return (rc);
	}
	rc = e->exec(&p);
	cmd_parsed_release(&p);
	return (rc);
}

const char *
cmd_get(const struct cmd_parsed *p, const char *name)
{
	int	 i;

	if ((i = cmd_option_find(p->entry, name, strlen(name), 0)) == -1)
		fatalx("hearth %s has no option --%s", p->entry->name, name);
	return (p->values[i]);
}

const char *
cmd_arg(const struct cmd_parsed *p, int i)
{
	return (i >= 0 && i < p->argc ? p->argv[i] : NULL);
}

int
cmd_number(const struct cmd_parsed *p, const char *name, long min, long max,
    long *out)
{
	const char	*s;
	char		*end;
	long		 v;

	if ((s = cmd_get(p, name)) == NULL)
		return (0);
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || errno != 0 || *end != '\0' || v < min || v > max) {
		cmd_usage_error(p->entry, "bad --%s: %s (%ld to %ld)", name, s,
		    min, max);
		return (-1);
	}
	*out = v;
	return (0);
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	struct buf	 b = BUF_INIT;
	va_list		 ap;

	fprintf(stderr, "hearth %s: ", e->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	cmd_synopsis(e, &b);
	fprintf(stderr, "\nusage: %s\n", b.data);
	buf_release(&b);
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
cmd_dir_text(const struct cmd_parsed *p, enum msg_type type)
{
	const struct cmd_entry	*e = p->entry;
	struct ipc_reply	 reply;
	char			*dir, *cause = NULL, *text;

	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL) {
		fprintf(stderr, "hearth %s: %s\n", e->name, cause);
		free(cause);
		return (EXIT_FAIL);
	}
	if (ipc_dir_request(type, dir, &reply, IPC_DEADLINE_MS, &cause) != 0) {
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
