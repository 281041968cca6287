/*
 * hearthd: the interface of settings.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_SETTINGS_H
#define HEARTHD_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "hearth/nix.h"

struct store;

/* What the whole daemon shares, filled in once at start-up. */
/* Which Nix the daemon runs, learnt by its first evaluation. */
struct nixinfo {
	int			 probed;
	int			 parsed;
	struct nix_version	 version;
};

struct settings {
	uv_loop_t	*loop;
	struct store	*store;
	char		*state_dir;
	char		*profiles;	/* GC roots of the dev environments */
	char		*attrs;		/* their structured attrs (attrs.c) */
	char		*tmp;		/* rc files of running evaluations */
	const char	*nix;		/* the nix program */
	char		*nix_version;	/* part of every snapshot's key */
	char		*system;	/* e.g. x86_64-linux */
	char		**base_env;	/* the shellHook's, snapshots' base */
	char		**nix_env;	/* what Nix runs with */
	unsigned	 timeout_sec;
	char		*nixtrace;	/* hearth-nixtrace.so, or NULL */
	struct nixinfo	 nixinfo;
};
extern struct settings settings;
/* settings.c: fill in (from the environment) and free the settings. */
void		 settings_init(uv_loop_t *, struct store *, const char *);
void		 settings_free(void);

#endif
