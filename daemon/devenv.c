/*
 * A shell's snapshots of its dev environment: made from a finished
 * evaluation (the diff against the base environment, the GC root that
 * the evaluation made as a generation of the shell's profile, copies of
 * what must outlive the evaluation, notes on variables some shell cannot
 * get), or found in the shell's cache, and whether one can still be
 * applied. The store never sees an evaluation, the shell never a diff.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/envdiff.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/shellname.h"
#include "hearth/xmalloc.h"
#include "attrs.h"
#include "devenv.h"
#include "eval.h"
#include "inputs.h"
#include "settings.h"
#include "store.h"

/* Say which values the shells or formats named cannot hold (json: UTF-8). */
static void
devenv_notes_held(const struct envdiff *d, const char *const *names,
    struct buf *notes)
{
	const char *const	*shn;
	size_t			 i, n;

	for (shn = names; *shn != NULL; shn++) {
		for (i = n = 0; i < d->n; i++) {
			if (d->entries[i].value == NULL ||
			    shellname_holds(*shn, d->entries[i].value))
				continue;
			if (n++ == 0)
				buf_addf(notes, "%svalues %s cannot hold, not "
				    "set there:", notes->len != 0 ? "; " : "",
				    *shn);
			buf_addf(notes, " %s", d->entries[i].name);
		}
	}
}

/*
 * Say which of a diff's variables some shell will not get: names that are
 * no shell's identifiers, names the user's shell keeps (hearth's own, the
 * prompt's) and exported functions whose names are not identifiers
 * (dropped already), the exported functions only bash takes, and names
 * special in one shell.
 */
static void
devenv_notes(const struct envdiff *d, struct buf *notes)
{
	const char *const	*shn;
	size_t			 i, n;

	if (d->skipped.len != 0)
		buf_addf(notes, "%snot shell names, left out: %s",
		    notes->len != 0 ? "; " : "", d->skipped.data);
	if (d->reserved.len != 0)
		buf_addf(notes, "%syour shell keeps its own (hearth's, the "
		    "prompt's): %s", notes->len != 0 ? "; " : "",
		    d->reserved.data);
	if (d->functions.len != 0)
		buf_addf(notes, "%sexported functions, not kept (not "
		    "identifiers): %s",
		    notes->len != 0 ? "; " : "", d->functions.data);
	/* BASH_FUNC_NAME%%: the NAME. */
	for (i = n = 0; i < d->n; i++) {
		if (!envdiff_function_key(d->entries[i].name))
			continue;
		if (n++ == 0)
			buf_addf(notes, "%sexported functions, bash only:",
			    notes->len != 0 ? "; " : "");
		buf_addf(notes, " %.*s", (int)strlen(d->entries[i].name) -
		    12, d->entries[i].name + 10);
	}
	for (shn = shellname_shells; *shn != NULL; shn++) {
		for (i = n = 0; i < d->n; i++) {
			if (shellname_settable(*shn, d->entries[i].name) ||
			    envdiff_function_key(d->entries[i].name))
				continue;
			if (n++ == 0)
				buf_addf(notes, "%snot set in %s:",
				    notes->len != 0 ? "; " : "", *shn);
			buf_addf(notes, " %s", d->entries[i].name);
		}
	}
	devenv_notes_held(d, shellname_shells, notes);
	devenv_notes_held(d, shellname_formats, notes);
}

/* 1 if the diff sets name. */
static int
devenv_sets(const struct envdiff *d, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		if (d->entries[i].op == ENVDIFF_SET &&
		    strcmp(d->entries[i].name, name) == 0)
			return (1);
	}
	return (0);
}

/*
 * What a snapshot names must outlive the evaluation. Two directories do
 * not: the one that holds a structured-attrs shell's .attrs.json and
 * .attrs.sh (Nix 2.19 and later: a directory that `nix print-dev-env`
 * deletes as it exits; before, the build directory of the dev
 * environment, deleted after its build), and the dev shell's temporary
 * directory (NIX_BUILD_TOP, which the evaluation deletes; TMPDIR and its
 * kin are never taken). The first is written again from the dev
 * environment envpath, beside the snapshot's GC root gen, and the
 * variables are moved to the copy. Whatever still names either directory
 * is left out, and the snapshot's notes say so.
 */
static void
devenv_keep_paths(const char *label, const struct buf *dev,
    struct envdiff *d, const char *gen, const char *envpath,
    struct buf *notes)
{
	static const char *const gone[] = {
		"NIX_ATTRS_JSON_FILE", "NIX_ATTRS_SH_FILE", "NIX_BUILD_TOP",
	};
	struct buf	 dropped = BUF_INIT;
	struct stat	 st;
	const char	*v;
	char		*dir, *copy = NULL, *cause = NULL;
	size_t		 i;
	int		 rc = 0, attrs;

	for (i = 0; i < sizeof gone / sizeof *gone; i++) {
		attrs = i < 2;
		v = envdiff_dump_get(dev->data, dev->len, gone[i]);
		if (v == NULL || *v != '/')
			continue;
		/* The files are always gone; NIX_BUILD_TOP when deleted. */
		if (attrs ? !devenv_sets(d, gone[i]) : stat(v, &st) == 0)
			continue;
		dir = attrs ? xstrndup(v, strrchr(v, '/') - v) : xstrdup(v);
		if (attrs && copy == NULL && cause == NULL) {
			if (envpath == NULL ||
			    (copy = attrs_dir(settings.attrs, gen)) == NULL)
				cause = xstrdup("its dev environment is gone");
			else if ((rc = attrs_save(copy, envpath, &cause)) == 0)
				cause = xstrdup("its dev environment does not "
				    "hold them (Nix before 2.19)");
			if (rc != 1) {
				free(copy);
				copy = NULL;
			}
		}
		if (attrs && copy != NULL)
			envdiff_move_dir(d, dir, copy);
		buf_reset(&dropped);
		envdiff_drop_dir(d, dir, &dropped);
		if (dropped.len != 0) {
			buf_addf(notes, "%sleft out what names %s, gone "
			    "after the evaluation: %s", notes->len != 0 ?
			    "; " : "", attrs ? "the directory of the "
			    "structured attributes" : "the dev shell's "
			    "temporary directory", dropped.data);
			if (attrs && cause != NULL)
				log_warnx("%s: cannot keep the structured "
				    "attributes: %s", label, cause);
		}
		free(dir);
	}
	free(copy);
	free(cause);
	buf_release(&dropped);
}

int
devenv_snapshot(struct eval *ev, const char *profile, const char *label,
    struct store_snapshot *snap, size_t *nvars, char **cause)
{
	struct envdiff	 d;
	char		*gen = NULL, *dir, *real;
	char		 link[PATH_MAX];
	ssize_t		 n;
	int		 rc = -1;

	envdiff_init(&d);
	if (envdiff_compute(&d, eval_base_env(ev)->data,
	    eval_base_env(ev)->len, eval_dev_env(ev)->data,
	    eval_dev_env(ev)->len, cause) != 0)
		goto out;
	/*
	 * The profile now points at a new generation link, which roots this
	 * snapshot's environment for as long as the snapshot is cached. nix
	 * develop tells the shell that store path as NIX_GCROOT.
	 */
	if ((n = readlink(profile, link, sizeof link - 1)) > 0) {
		link[n] = '\0';
		dir = xstrdup(profile);
		gen = link[0] == '/' ? xstrdup(link) :
		    xasprintf("%s/%s", dirname(dir), link);
		free(dir);
	}
	if (gen == NULL) {
		*cause = xstrdup("nix print-dev-env made no profile");
		goto out;
	}
	snap->gcroot = gen;
	real = realpath(gen, NULL);
	devenv_keep_paths(label, eval_dev_env(ev), &d, gen, real,
	    &snap->notes);
	if (real != NULL)
		envdiff_add(&d, ENVDIFF_SET, "NIX_GCROOT", real);
	free(real);
	devenv_notes(&d, &snap->notes);
	if (snap->notes.len != 0)
		log_info("%s: %s", label, snap->notes.data);
	envdiff_encode(&d, &snap->env);
	buf_add(&snap->hook_output, eval_hook_output(ev)->data,
	    eval_hook_output(ev)->len);
	*nvars = d.n;
	rc = 0;
out:
	envdiff_release(&d);
	return (rc);
}

void
devenv_unroot(const char *gcroot)
{
	char	*dir;

	if (gcroot == NULL || *gcroot == '\0')
		return;
	if (unlink(gcroot) == -1 && errno != ENOENT)
		log_warn("cannot remove %s", gcroot);
	/* The copies of its structured attrs go with it. */
	if ((dir = attrs_dir(settings.attrs, gcroot)) != NULL)
		attrs_remove(dir);
	free(dir);
}

int
devenv_alive(const struct store_snapshot *snap)
{
	struct stat	 st;

	/* The generation link resolves only while its store path exists. */
	return (snap->gcroot != NULL && *snap->gcroot != '\0' &&
	    stat(snap->gcroot, &st) == 0 &&
	    attrs_alive(settings.attrs, snap->env.data, snap->env.len));
}

struct devenv_hit {
	int64_t			 skip;
	const char		*top;
	const char		*salt;
	struct store_snapshot	*found;
};

static int
devenv_try_cached(const struct store_snapshot *snap, void *arg)
{
	struct devenv_hit	*hit = arg;
	struct store_snapshot	*found = hit->found;
	struct inputs		*in;
	char			 key[HASH_HEX_SIZE];
	int			 match = 0;

	if (snap->id == hit->skip || !devenv_alive(snap))
		return (0);
	in = inputs_new();
	inputs_set_top(in, hit->top);
	if (inputs_decode(in, snap->inputs.data, snap->inputs.len) == 0) {
		inputs_key(in, hit->salt, key);
		match = strcmp(key, snap->key) == 0;
	}
	inputs_free(in);
	if (!match)
		return (0);
	/* Copy: the walk reuses its record. */
	store_snapshot_init(found);
	found->id = snap->id;
	memcpy(found->key, snap->key, sizeof snap->key);
	buf_add(&found->env, snap->env.data, snap->env.len);
	buf_add(&found->hook_output, snap->hook_output.data,
	    snap->hook_output.len);
	buf_add(&found->notes, snap->notes.data, snap->notes.len);
	buf_add(&found->inputs, snap->inputs.data, snap->inputs.len);
	found->gcroot = xstrdup(snap->gcroot);
	found->created_at = snap->created_at;
	found->last_used = snap->last_used;
	found->eval_ms = snap->eval_ms;
	return (1);
}

int
devenv_cached(int64_t shell, int64_t skip, const char *top, const char *salt,
    struct store_snapshot *found)
{
	struct devenv_hit	 hit = { skip, top, salt, found };

	return (store_snapshots_each(settings.store, shell, devenv_try_cached,
	    &hit));
}
