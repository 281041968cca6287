/*
 * What one evaluation read: the input set of a `nix print-dev-env` run.
 *
 * It prepares the run's environment with hearth-nixtrace.so preloaded
 * (nixtrace/nixtrace.c), reads Nix's log as it comes through
 * common/nixlog.c, which turns the log and the tracer's lines into files,
 * and completes the set when the run is over: where Nix evaluated the work
 * tree, the set of tracked paths is an input (a pathExists of an untracked
 * file touches no file there); where what was read cannot be known (no
 * tracer, an untested Nix), every file git tracks is one, and the set says
 * why it is approximate. The files the shellHook read are inputs too:
 * hookreads.c follows them, for this set. eval.c runs the jobs; this file
 * only knows what their reads mean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/nixlog.h"
#include "hearth/xmalloc.h"
#include "gitindex.h"
#include "hookreads.h"
#include "inputs.h"
#include "job.h"
#include "readset.h"
#include "settings.h"

struct readset {
	char		*top;
	char		*what;		/* ROOT#SHELL, for the log */
	char		**env;		/* the traced run's, or NULL */
	char		 token[33];	/* the tracer's, unknown to the flake */
	struct nixlog	*nixlog;
	const struct nixinfo *nixinfo;
	struct inputs	*inputs;
	struct hookreads *hook;		/* the shellHook's, or NULL */
	struct inputs	*written;	/* what the shellHook wrote */
};

/* An input the log or the tracer named. */
static void
readset_found(const char *path, enum nixlog_kind kind, void *arg)
{
	struct readset	*rs = arg;

	inputs_add_kind(rs->inputs, path, kind == NIXLOG_STAT ? INPUTS_STAT :
	    INPUTS_READ);
}

/* An input of an over-approximated set: a file git tracks. */
static void
readset_tracked(const char *path, void *arg)
{
	struct readset	*rs = arg;

	inputs_add(rs->inputs, path);
}

/*
 * The environment of a traced run: the base one, with the tracer preloaded
 * (after any LD_PRELOAD of the user's), told which paths to report (the
 * flake's top and the store, where 2.8 and 2.26 keep the copy they
 * evaluate), whom to trust as its ancestor, and a random token no
 * repository can know.
 */
static void
readset_trace_env(struct readset *rs, char *const *env, const char *so)
{
	unsigned char	 rnd[16];
	const char	*pre = NULL;
	size_t		 n, i, j;

	randombytes_buf(rnd, sizeof rnd);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(rs->token + 2 * i, 3, "%02x", rnd[i]);
	for (n = 0; env[n] != NULL; n++)
		if (strncmp(env[n], "LD_PRELOAD=", 11) == 0)
			pre = env[n] + 11;
	rs->env = xcalloc(n + 6, sizeof *rs->env);
	for (i = j = 0; i < n; i++)
		if (strncmp(env[i], "LD_PRELOAD=", 11) != 0)
			rs->env[j++] = xstrdup(env[i]);
	rs->env[j++] = pre != NULL && *pre != '\0' ?
	    xasprintf("LD_PRELOAD=%s:%s", pre, so) :
	    xasprintf("LD_PRELOAD=%s", so);
	rs->env[j++] = xasprintf("HEARTH_NIXTRACE_SO=%s", so);
	rs->env[j++] = xasprintf("HEARTH_NIXTRACE_TOKEN=%s", rs->token);
	rs->env[j++] = xasprintf("HEARTH_NIXTRACE_PPID=%d", (int)getpid());
	rs->env[j++] = xasprintf("HEARTH_NIXTRACE_PREFIXES=%s:/nix/store",
	    rs->top);
}

struct readset *
readset_new(const char *top, const char *root, const char *shell,
    char *const *env, char *const *hook_env, const char *tracefile,
    const char *nixtrace, const struct nixinfo *nixinfo)
{
	struct readset	*rs = xcalloc(1, sizeof *rs);

	rs->top = xstrdup(top);
	rs->what = xasprintf("%s#%s", root, shell);
	rs->nixinfo = nixinfo;
	rs->inputs = inputs_new();
	rs->written = inputs_new();
	if (nixtrace != NULL) {
		readset_trace_env(rs, env, nixtrace);
		rs->hook = hookreads_new(top, root, hook_env, nixtrace,
		    tracefile);
	}
	rs->nixlog = nixlog_new(top, root, rs->env != NULL ? rs->token : NULL,
	    readset_found, rs);
	return (rs);
}

void
readset_free(struct readset *rs)
{
	size_t	 i;

	if (rs == NULL)
		return;
	for (i = 0; rs->env != NULL && rs->env[i] != NULL; i++)
		free(rs->env[i]);
	free(rs->env);
	nixlog_free(rs->nixlog);
	hookreads_free(rs->hook);
	inputs_free(rs->inputs);
	inputs_free(rs->written);
	free(rs->top);
	free(rs->what);
	free(rs);
}

char *const *
readset_env(const struct readset *rs)
{
	return (rs->env);
}

void
readset_line(const char *line, void *arg)
{
	struct readset	*rs = arg;

	nixlog_line(rs->nixlog, line);
}

/*
 * Why the set cannot be trusted, as a new string, or NULL. The tracer
 * sees what was read, but which lines mark fetching, and which copies a
 * cache answered, are a version's own: they are trusted only for a Nix
 * hearth was tested with.
 */
static char *
readset_why(const struct readset *rs)
{
	const struct nix_version *v;
	const char		*why = nixlog_approximate(rs->nixlog);

	if (why != NULL)
		return (xstrdup(why));
	if (rs->nixinfo == NULL || !rs->nixinfo->parsed)
		return (xstrdup("hearth could not tell which Nix this is"));
	v = &rs->nixinfo->version;
	if (nix_dialect_known(nix_dialect(v)))
		return (NULL);
	return (xasprintf("%s %u.%u.%u is not a Nix hearth was tested with",
	    v->impl == NIX_IMPL_LIX ? "Lix" : v->impl ==
	    NIX_IMPL_DETERMINATE ? "Determinate Nix" : "Nix", v->major,
	    v->minor, v->patch));
}

void
readset_settle(struct readset *rs)
{
	char	*why = readset_why(rs);

	inputs_prune_trees(rs->inputs);
	if (nixlog_from_work_tree(rs->nixlog) || why != NULL)
		inputs_add_kind(rs->inputs, rs->top, INPUTS_TRACKED);
	if (why == NULL)
		return;
	log_info("%s: inputs over-approximated: %s", rs->what, why);
	inputs_set_approx(rs->inputs, why);
	if (gitindex_each(rs->top, readset_tracked, rs) != 0)
		inputs_add(rs->inputs, rs->top);
	free(why);
}

struct inputs *
readset_inputs(const struct readset *rs)
{
	return (rs->inputs);
}

char *const *
readset_hook_env(const struct readset *rs)
{
	return (rs->hook != NULL ? hookreads_env(rs->hook) : NULL);
}

void
readset_hook_ended(struct readset *rs)
{
	hookreads_end(rs->hook, rs->inputs, rs->written);
}

const struct inputs *
readset_hook_written(const struct readset *rs)
{
	return (rs->written);
}
