/*
 * hearthd: the interface of hookreads.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_HOOKREADS_H
#define HEARTHD_HOOKREADS_H

struct inputs;

/* hookreads.c: the files a shellHook read, inputs of its snapshot. */
struct hookreads;
/*
 * For the hook of a shell in the flake at top (workspace root): base env,
 * the tracer to preload, and the trace file to make (a new path in the
 * daemon's private directory). NULL when it cannot be traced.
 */
struct hookreads *hookreads_new(const char *, const char *, char *const *,
		     const char *, const char *);
/* The hook's environment, with the tracer. */
char *const	*hookreads_env(const struct hookreads *);
/*
 * The hook has ended: add what it read to the first set, and what it
 * wrote to the second (once); the trace file goes.
 */
void		 hookreads_end(struct hookreads *, struct inputs *,
		     struct inputs *);
void		 hookreads_free(struct hookreads *);

#endif
