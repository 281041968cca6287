/*
 * Whether this machine has a Nix that hearth can use, as the client sees
 * it, decided without making a prompt wait for Nix.
 *
 * "Installed" is a PATH lookup with access(2) (HEARTH_NIX, the program
 * the daemon runs, overrides "nix"): cheap enough for every prompt.
 * "Can use flakes" needs Nix itself, so a prompt only reads what is
 * cached (common/nixcache.c): the daemon probes its Nix when it starts,
 * and commands the user runs (`hearth fallback`) probe theirs when
 * nothing is cached. Until something is known a prompt assumes Nix works
 * and asks the daemon, which will say if it does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/nix.h"
#include "hearth/nixcache.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

const char *
nixcheck_program(void)
{
	const char	*v = getenv("HEARTH_NIX");

	return (v != NULL && *v != '\0' ? v : "nix");
}

char *
nixcheck_find(void)
{
	return (path_which(nixcheck_program()));
}

/* Run the probe now and record its answer: 1, 0, or -1 if none. */
static int
nixcheck_probe(const char *prog, const char *key, char **why)
{
	struct runner_result	 r;
	struct nix_argv		*argv;
	char			*cause = NULL;
	int			 ok, rc;

	argv = nix_argv_flakes_probe(prog);
	runner_result_init(&r);
	rc = runner_run(nix_argv_vector(argv), NULL, NIXCACHE_PROBE_TIMEOUT,
	    4096, &r, &cause);
	nix_argv_free(argv);
	if (rc != 0 || r.timed_out) {
		free(cause);
		runner_result_release(&r);
		return (-1);
	}
	ok = nix_flakes_judge(runner_ok(&r), r.out.data, r.out.len, r.err.data,
	    r.err.len, why);
	runner_result_release(&r);
	/* Not being able to remember it is no reason to fail. */
	if (nixcache_record(key, ok, ok ? "" : *why, &cause) != 0)
		free(cause);
	return (ok);
}

enum nixcheck_state
nixcheck_state(int at_prompt, char **prog_out, char **why)
{
	enum nixcheck_state	 state = NIXCHECK_UNKNOWN;
	char			*prog, *key, *reason = NULL;
	long long		 when = 0;
	int			 ok = 0, found;

	*why = NULL;
	if (prog_out != NULL)
		*prog_out = NULL;
	if ((prog = nixcheck_find()) == NULL) {
		*why = xasprintf("%s is not installed (not found in PATH)",
		    nixcheck_program());
		return (NIXCHECK_MISSING);
	}
	if ((key = nixcache_key(prog)) == NULL) {
		*why = xasprintf("%s: %s", prog, strerror(errno));
		free(prog);
		return (NIXCHECK_MISSING);
	}
	found = nixcache_lookup(key, &ok, &when, &reason);
	/* Bad news may be old: a command asks again, a prompt believes it. */
	if (found && !ok && !at_prompt &&
	    when + NIXCACHE_RETRY_SEC < (long long)time(NULL)) {
		free(reason);
		reason = NULL;
		found = 0;
	}
	if (found)
		state = ok ? NIXCHECK_OK : NIXCHECK_NOFLAKES;
	else if (!at_prompt) {
		switch (nixcheck_probe(prog, key, &reason)) {
		case 1:
			state = NIXCHECK_OK;
			break;
		case 0:
			state = NIXCHECK_NOFLAKES;
			break;
		}
	}
	if (state == NIXCHECK_NOFLAKES)
		*why = xasprintf("%s cannot use flakes (%s)", prog,
		    reason != NULL && *reason != '\0' ? reason : "no reason");
	free(reason);
	free(key);
	if (prog_out != NULL)
		*prog_out = prog;
	else
		free(prog);
	return (state);
}
