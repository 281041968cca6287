/*
 * `hearth __complete bash|zsh|fish`: print the completion script for a
 * shell, made from the command table, so that the completions cannot
 * drift from the commands. `make completions` writes them into
 * contrib/completions/, which is what `make install` copies (no build
 * step runs the client), and t-cli fails when they differ from this.
 * An option whose value is named FILE completes file names; a command's
 * positional arguments complete as its entry says.
 */
#include <stdio.h>
#include <string.h>

#include "hearth.h"

static int	cmd_complete_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_complete_entry = {
	.name = "__complete",
	.args = "bash|zsh|fish",
	.min_args = 1,
	.max_args = 1,
	.summary = "print the completion script for a shell",
	.hidden = 1,
	.exec = cmd_complete_exec,
};

/* Print s inside single quotes for bash, zsh ('\'') or fish (\'). */
static void
complete_quoted(const char *s, int fish, int brackets)
{
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs(fish ? "\\'" : "'\\''", stdout);
		else if (brackets && (*s == '[' || *s == ']'))
			printf("\\%c", *s);
		else
			putchar(*s);
	}
}

/* The visible commands' names, space-separated. */
static void
complete_names(void)
{
	const struct cmd_entry	*e;
	size_t			 i;
	int			 n = 0;

	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (!e->hidden)
			printf("%s%s", n++ ? " " : "", e->name);
	}
}

static void
complete_bash(void)
{
	const struct cmd_entry	*e;
	const struct cmd_option	*o;
	size_t			 i, k;

	printf("# bash completion for hearth(1), made by `hearth __complete "
	    "bash`: installed as\n"
	    "# $PREFIX/share/bash-completion/completions/hearth.\n\n"
	    "_hearth() {\n"
	    "\tlocal cur=${COMP_WORDS[COMP_CWORD]} "
	    "prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	    "\tlocal opts= valued= files= kind= words= dd=0 i dashdash=0\n\n"
	    "\tCOMPREPLY=()\n"
	    "\tif ((COMP_CWORD == 1)); then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"");
	complete_names();
	printf(" --help --version\" -- \"$cur\"))\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\tcase ${COMP_WORDS[1]} in\n");
	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (e->hidden)
			continue;
		printf("\t%s)\n\t\topts=\"", e->name);
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			if ((o = &e->options[k])->name == NULL)
				break;
			printf("--%s ", o->name);
			if (o->letter != 0)
				printf("-%c ", o->letter);
		}
		printf("--help -h\"\n\t\tvalued=\"");
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			if ((o = &e->options[k])->name == NULL)
				break;
			if (o->value == NULL)
				continue;
			printf(" --%s", o->name);
			if (o->letter != 0)
				printf(" -%c", o->letter);
		}
		printf(" \"\n\t\tfiles=\"");
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			if ((o = &e->options[k])->name == NULL)
				break;
			if (o->value == NULL || strcmp(o->value, "FILE") != 0)
				continue;
			printf(" --%s", o->name);
			if (o->letter != 0)
				printf(" -%c", o->letter);
		}
		printf(" \"\n");
		if (e->complete == CMD_COMPLETE_DIR)
			printf("\t\tkind=dir\n");
		else if (e->complete == CMD_COMPLETE_WORDS)
			printf("\t\tkind=words words=\"%s\"\n", e->words);
		if (e->dashdash)
			printf("\t\tdd=1\n");
		printf("\t\t;;\n");
	}
	printf("\t*) return ;;\n"
	    "\tesac\n"
	    "\tif ((dd)); then\n"
	    "\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n"
	    "\t\t\t[[ ${COMP_WORDS[i]} == -- ]] && dashdash=$i && break\n"
	    "\t\tdone\n"
	    "\t\tif ((dashdash)); then\n"
	    "\t\t\tcompopt -o filenames 2>/dev/null\n"
	    "\t\t\tif ((COMP_CWORD == dashdash + 1)); then\n"
	    "\t\t\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n"
	    "\t\t\telse\n"
	    "\t\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\t\t\tfi\n"
	    "\t\t\treturn\n"
	    "\t\tfi\n"
	    "\t\topts=\"$opts --\"\n"
	    "\tfi\n"
	    "\tif [[ \" $files \" == *\" $prev \"* ]]; then\n"
	    "\t\tcompopt -o filenames 2>/dev/null\n"
	    "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\t[[ \" $valued \" == *\" $prev \"* ]] && return\n"
	    "\tif [[ $cur == -* ]]; then\n"
	    "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	    "\t\treturn\n"
	    "\tfi\n"
	    "\tcase $kind in\n"
	    "\tdir)\n"
	    "\t\tcompopt -o filenames 2>/dev/null\n"
	    "\t\tCOMPREPLY=($(compgen -d -- \"$cur\"))\n"
	    "\t\t;;\n"
	    "\twords) COMPREPLY=($(compgen -W \"$words\" -- \"$cur\")) ;;\n"
	    "\tesac\n"
	    "}\n"
	    "complete -F _hearth hearth\n");
}

static void
complete_zsh(void)
{
	const struct cmd_entry	*e;
	const struct cmd_option	*o;
	size_t			 i, k;

	printf("#compdef hearth\n"
	    "# zsh completion for hearth(1), made by `hearth __complete zsh`: "
	    "installed as\n"
	    "# $PREFIX/share/zsh/site-functions/_hearth.\n\n"
	    "local curcontext=$curcontext state line ret=1 n\n"
	    "local -a cmds\n"
	    "cmds=(\n");
	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (e->hidden)
			continue;
		printf("  '%s:", e->name);
		complete_quoted(e->summary, 0, 0);
		printf("'\n");
	}
	printf(")\n\n"
	    "_arguments -C \\\n"
	    "  '(- *)--help[show help]' \\\n"
	    "  '(- *)--version[show the version]' \\\n"
	    "  '1: :->command' \\\n"
	    "  '*:: :->args' && ret=0\n\n"
	    "case $state in\n"
	    "command)\n"
	    "  _describe -t commands 'hearth command' cmds && ret=0\n"
	    "  ;;\n"
	    "args)\n"
	    "  case $words[1] in\n");
	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (e->hidden)
			continue;
		printf("  %s)\n", e->name);
		if (e->dashdash)
			printf("    if (( ${words[(I)--]} && ${words[(I)--]} < "
			    "CURRENT )); then\n"
			    "      n=${words[(I)--]}\n"
			    "      shift $n words\n"
			    "      (( CURRENT -= n ))\n"
			    "      _normal && ret=0\n"
			    "      return ret\n"
			    "    fi\n");
		printf("    _arguments \\\n"
		    "      '(- *)'{-h,--help}'[show help]' \\\n");
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			if ((o = &e->options[k])->name == NULL)
				break;
			if (o->letter != 0)
				printf("      '(-%c --%s)'{-%c%s,--%s%s}'[",
				    o->letter, o->name, o->letter,
				    o->value != NULL ? "+" : "", o->name,
				    o->value != NULL ? "=" : "");
			else
				printf("      '--%s%s[", o->name,
				    o->value != NULL ? "=" : "");
			complete_quoted(o->help, 0, 1);
			printf("]");
			if (o->value != NULL)
				printf(":%s:%s", o->value,
				    strcmp(o->value, "FILE") == 0 ?
				    "_files" : " ");
			printf("' \\\n");
		}
		if (e->dashdash)
			printf("      '*:separator:(--)' \\\n");
		if (e->complete == CMD_COMPLETE_DIR)
			printf("      '1:directory:_directories' \\\n");
		else if (e->complete == CMD_COMPLETE_WORDS)
			printf("      '1:%s:(%s)' \\\n", e->args, e->words);
		printf("      && ret=0\n    ;;\n");
	}
	printf("  esac\n"
	    "  ;;\n"
	    "esac\n"
	    "return ret\n");
}

static void
complete_fish(void)
{
	const struct cmd_entry	*e;
	const struct cmd_option	*o;
	size_t			 i, k;

	printf("# fish completion for hearth(1), made by `hearth __complete "
	    "fish`: installed as\n"
	    "# $PREFIX/share/fish/vendor_completions.d/hearth.fish.\n\n"
	    "set -l hearth_cmds ");
	complete_names();
	printf("\n\n"
	    "complete -c hearth -f\n"
	    "complete -c hearth -s h -l help -d 'show help'\n"
	    "complete -c hearth -n __fish_use_subcommand -l version "
	    "-d 'show the version'\n\n");
	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (e->hidden)
			continue;
		printf("complete -c hearth -n \"not __fish_seen_subcommand_from "
		    "$hearth_cmds\" -a %s -d '", e->name);
		complete_quoted(e->summary, 1, 0);
		printf("'\n");
	}
	printf("\n");
	for (i = 0; (e = cmd_at(i)) != NULL; i++) {
		if (e->hidden)
			continue;
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			if ((o = &e->options[k])->name == NULL)
				break;
			printf("complete -c hearth -n '__fish_seen_subcommand_"
			    "from %s'", e->name);
			if (o->letter != 0)
				printf(" -s %c", o->letter);
			printf(" -l %s", o->name);
			if (o->value != NULL)
				printf(strcmp(o->value, "FILE") == 0 ?
				    " -r -F" : " -x");
			printf(" -d '");
			complete_quoted(o->help, 1, 0);
			printf("'\n");
		}
		if (e->complete == CMD_COMPLETE_DIR)
			printf("complete -c hearth -n '__fish_seen_subcommand_"
			    "from %s' -a '(__fish_complete_directories)'\n",
			    e->name);
		else if (e->complete == CMD_COMPLETE_WORDS)
			printf("complete -c hearth -n '__fish_seen_subcommand_"
			    "from %s' -a '%s'\n", e->name, e->words);
	}
}

static int
cmd_complete_exec(const struct cmd_parsed *p)
{
	const char	*shell = cmd_arg(p, 0);

	if (strcmp(shell, "bash") == 0)
		complete_bash();
	else if (strcmp(shell, "zsh") == 0)
		complete_zsh();
	else if (strcmp(shell, "fish") == 0)
		complete_fish();
	else
		return (cmd_usage_error(&cmd_complete_entry, "unknown shell: "
		    "%s", shell));
	return (EXIT_OK);
}
