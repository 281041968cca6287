/*
 * hearth: the client. It parses the global options, finds the command in
 * the table (client/cmd.c) and runs it. It links no libuv and no SQLite:
 * `hearth export` runs at prompts and must start fast.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/log.h"
#include "hearth.h"

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.1.0"
#endif

int
main(int argc, char **argv)
{
	const struct cmd_entry	*e;
	char			*cause = NULL;

	log_init("hearth", NULL, LOG_STDERR_ALL, 0);
	if (argc < 2) {
		fprintf(stderr, "hearth: no command given (see hearth "
		    "--help)\n");
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cmd_usage(stdout);
		return (EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("hearth %s (protocol %d)\n", HEARTH_VERSION,
		    PROTOCOL_VERSION);
		return (EXIT_OK);
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "hearth: unknown option: %s (see hearth "
		    "--help)\n", argv[1]);
		return (EXIT_USAGE);
	}
	if ((e = cmd_find(argv[1], &cause)) == NULL) {
		fprintf(stderr, "hearth: %s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	return (cmd_run(e, argc - 1, argv + 1));
}
