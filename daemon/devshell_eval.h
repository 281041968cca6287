/*
 * hearthd: the interface of devshell_eval.c, which keeps a devShell (see
 * devshell.h) in line with its inputs: a cache hit or an evaluation.
 */
#ifndef HEARTHD_DEVSHELL_EVAL_H
#define HEARTHD_DEVSHELL_EVAL_H

struct devshell;
struct inputs;

/*
 * What a shell asks of its owner (the workspace), given when it is made:
 * whether its flake may be evaluated now, the files every shell of the
 * owner depends on, that its inputs moved (watch them), that a good
 * evaluation landed (the flake's inputs can be rooted), and what an
 * evaluation of trusted code read (before its result is kept).
 */
typedef int	(*devshell_trusted_cb)(void *);
typedef const struct inputs *(*devshell_inputs_cb)(void *);
typedef void	(*devshell_event_cb)(void *);
typedef void	(*devshell_read_cb)(void *, const struct inputs *);
struct devshell_ops {
	devshell_trusted_cb	 trusted;
	devshell_inputs_cb	 base_inputs;
	devshell_event_cb	 inputs_moved;
	devshell_event_cb	 evaluated;
	devshell_read_cb	 read;
};
/*
 * Bring a shell in line with its inputs on disk: its snapshot is current,
 * or a cached one matches (switched to with no Nix call), or an
 * evaluation is asked for (urgently for the shell a user is in).
 */
void		 devshell_refresh(struct devshell *, int);
/* Cancel a shell's running evaluation. */
void		 devshell_eval_cancel(struct devshell *);

#endif
