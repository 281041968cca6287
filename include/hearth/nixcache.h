/*
 * What the installed Nix can do, remembered: whether a nix program can
 * use flakes, cached in $XDG_CACHE_HOME/hearth/nix-probe by the program's
 * path and stat, so that a prompt can know it without running Nix. The
 * daemon probes its Nix when it starts; commands the user runs probe
 * theirs when nothing is cached. Both run the probe and judge it the same
 * way (nix_argv_flakes_probe and nix_flakes_judge, hearth/nix.h).
 */
#ifndef HEARTH_NIXCACHE_H
#define HEARTH_NIXCACHE_H

#include <stddef.h>

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

#endif
