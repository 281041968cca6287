/*
 * What the installed Nix can do, remembered: whether a nix program can
 * use flakes, cached in $XDG_CACHE_HOME/hearth/nix-probe by the program's
 * path and stat, so that a prompt can know it without running Nix. The
 * daemon probes its Nix when it starts; commands the user runs probe
 * theirs when nothing is cached. Both judge the probe the same way here.
 */
#ifndef HEARTH_NIXCACHE_H
#define HEARTH_NIXCACHE_H

#include <stddef.h>

/*
 * The probe's arguments after the program, NULL-terminated: it prints
 * `true` only where flakes work (hearth enables them on the command line,
 * so a nix.conf without them does not matter; a Nix older than 2.4 fails).
 */
extern const char *const nixcache_probe_args[];
/* How long a probe may run. */
#define NIXCACHE_PROBE_TIMEOUT	30
/* A failed probe may have been a passing fault: ask again after this. */
#define NIXCACHE_RETRY_SEC	3600

/* The cache key of a program at a path (its stat), or NULL. */
char	*nixcache_key(const char *);
/*
 * The cached answer for a key: 1 with ok, when it was probed (unix s)
 * and why it failed (to free; "" when ok), 0 if none.
 */
int	 nixcache_lookup(const char *, int *, long long *, char **);
/* Record an answer, keeping a few for other programs; -1 with *cause. */
int	 nixcache_record(const char *, int, const char *, char **);
/*
 * Judge a probe that exited (exit_ok: with status 0) and printed out and
 * err: 1 if the Nix can use flakes, else 0 with *why (to free).
 */
int	 nixcache_judge(int, const char *, size_t, const char *, size_t,
	     char **);

#endif
