/*
 * hearthd: the interface of eval.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_EVAL_H
#define HEARTHD_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "hearth/buf.h"
#include "settings.h"

struct eval;
struct inputs;

/* eval.c: runs one evaluation (nix print-dev-env, then bash). */
enum eval_mode {
	EVAL_DEVENV,	/* a shell's environment: print-dev-env, then bash */
	EVAL_LIST,	/* the names of a flake's devShells for a system */
	EVAL_ROOTS,	/* GC roots for the flake's inputs, at profile */
};
struct eval_spec {
	enum eval_mode	 mode;
	const char	*root;		/* workspace root, the cwd */
	const char	*top;		/* the flake's source root (git top) */
	const char	*shell;		/* devShell name */
	const char	*system;	/* e.g. x86_64-linux */
	const char	*profile;	/* GC root for the dev environment */
	const char	*tmpdir;	/* where the rc file is written */
	const char	*nix;		/* the nix program */
	char *const	*env;		/* Nix's environment */
	char *const	*hook_env;	/* EVAL_DEVENV: the shellHook's */
	unsigned	 timeout_sec;
	const char	*nixtrace;	/* the tracer to preload, or NULL */
	struct nixinfo	*nixinfo;	/* filled by the first that runs */
};
typedef void	(*eval_cb)(struct eval *, void *);
/* Start an evaluation; cb runs once when it ends. NULL with *cause. */
struct eval	*eval_start(uv_loop_t *, const struct eval_spec *, eval_cb,
		     void *, char **);
/* Kill a running evaluation; its callback still runs, as a failure. */
void		 eval_cancel(struct eval *);
/* Free an evaluation from (or after) its callback. */
void		 eval_free(struct eval *);
int		 eval_ok(struct eval *);
/* 1 if eval_cancel() ended it (not a failure of the flake). */
int		 eval_cancelled(struct eval *);
/* One line saying why it failed. */
const char	*eval_reason(struct eval *);
/* Nix's full output (stderr), for `hearth log`. */
const char	*eval_log(struct eval *);
/* The environment before and after, as "NAME=VALUE\0" dumps. */
const struct buf *eval_base_env(struct eval *);
const struct buf *eval_dev_env(struct eval *);
const struct buf *eval_hook_output(struct eval *);
/* The files the evaluation read or looked for, in the workspace. */
struct inputs	*eval_inputs(struct eval *);
/* EVAL_LIST: the devShell names, NULL-terminated. */
char *const	*eval_names(struct eval *);
uint32_t	 eval_ms(struct eval *);

#endif
