/*
 * hearthd: the interface of baseenv.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_BASEENV_H
#define HEARTHD_BASEENV_H

/*
 * baseenv.c: the environments evaluations start from, built from env
 * (the daemon's) by allowlist. nixdir is the directory of the nix
 * program, or NULL. Each returns a new NULL-terminated vector.
 */
/* Nix's: HOME, the defined PATH, Nix's configuration, locale, proxies. */
char	**baseenv_nix(char *const *, const char *);
/* The shellHook's, which snapshots are diffed against. */
char	**baseenv_hook(char *const *, const char *);
/* The defined PATH for a nix directory, a home and a user name. */
char	 *baseenv_path(const char *, const char *, const char *);
/* A copy of an environment vector, and freeing one. */
char	**baseenv_copy(char *const *);
void	  baseenv_free(char **);

#endif
