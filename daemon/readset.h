/*
 * hearthd: the interface of readset.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_READSET_H
#define HEARTHD_READSET_H

#include <stddef.h>
#include <stdint.h>
#include "settings.h"

struct inputs;

/* readset.c: the files one evaluation read, its snapshot's inputs. */
struct nixinfo;
struct readset;
/*
 * For a print-dev-env of root#shell in the flake at top: Nix's base env,
 * the shellHook's, a new path for the hook's trace file, the tracer to
 * preload (or NULL), and which Nix runs (NULL: unknown).
 */
struct readset	*readset_new(const char *, const char *, const char *,
		     char *const *, char *const *, const char *, const char *,
		     const struct nixinfo *);
void		 readset_free(struct readset *);
/* The traced run's environment; NULL when there is no tracer. */
char *const	*readset_env(const struct readset *);
/* One line of the run's log (a job's line callback; arg: the readset). */
void		 readset_line(const char *, void *);
/* The run is over: complete the set (see readset.c). */
void		 readset_settle(struct readset *);
struct inputs	*readset_inputs(const struct readset *);
/* The shellHook's environment, with the tracer; NULL when there is none. */
char *const	*readset_hook_env(const struct readset *);
/* The hook has ended: add what it read to the set (see hookreads.c). */
void		 readset_hook_ended(struct readset *);
/* The files in the workspace the shellHook wrote, made or removed. */
const struct inputs *readset_hook_written(const struct readset *);

#endif
