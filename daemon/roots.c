/*
 * GC roots for a workspace's flake inputs: once per lock, after a good
 * evaluation (by then Nix has fetched them), `nix flake archive` roots
 * them under the state directory, one directory per lock, so that
 * nix-collect-garbage cannot take them and force a fetch, impossible
 * offline, at the next evaluation. The roots of other locks are removed
 * once the new ones are made.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "eval.h"
#include "roots.h"
#include "scheduler.h"
#include "settings.h"

struct roots {
	int64_t		 id;
	char		*root;
	char		*top;
	roots_trusted_cb trusted;
	void		*owner;
	struct eval	*roots;		/* rooting the flake inputs */
	char		 roots_key[HASH_HEX_SIZE];	/* rooted for */
	char		 want_key[HASH_HEX_SIZE];	/* to root for */
};

static int	roots_start(void *);

/* Rooting comes after everything else a workspace waits for. */
static int
roots_rank(void *arg)
{
	(void)arg;
	return (4);
}

static const struct scheduler_ops roots_job = {
	.start = roots_start,
	.rank = roots_rank,
};

struct roots *
roots_new(int64_t id, const char *root, const char *top,
    roots_trusted_cb trusted, void *owner)
{
	struct roots	*r;

	r = xcalloc(1, sizeof *r);
	r->id = id;
	r->root = xstrdup(root);
	r->top = xstrdup(top);
	r->trusted = trusted;
	r->owner = owner;
	return (r);
}

void
roots_free(struct roots *r)
{
	if (r == NULL)
		return;
	free(r->root);
	free(r->top);
	free(r);
}

void
roots_cancel(struct roots *r)
{
	if (r->roots != NULL)
		eval_cancel(r->roots);
}

/* Where a workspace's input roots live: one directory per lock. */
static char *
roots_dir(struct roots *r, const char *key)
{
	if (key == NULL)
		return (xasprintf("%s/roots/ws-%lld", settings.state_dir,
		    (long long)r->id));
	return (xasprintf("%s/roots/ws-%lld/%.16s", settings.state_dir,
	    (long long)r->id, key));
}

/* Remove every roots directory of a workspace but the one to keep. */
static void
roots_drop_except(struct roots *r, const char *keep)
{
	struct dirent	**ents = NULL;
	char		 *dir, *sub, *link;
	int		  n, i;

	dir = roots_dir(r, NULL);
	if ((n = scandir(dir, &ents, NULL, alphasort)) > 0) {
		for (i = 0; i < n; i++) {
			if (ents[i]->d_name[0] == '.' || (keep != NULL &&
			    strncmp(ents[i]->d_name, keep, 16) == 0)) {
				free(ents[i]);
				continue;
			}
			sub = path_join(dir, ents[i]->d_name);
			/* Only hearth's own links: input, input-1, ... */
			for (int k = 0; k < 4096; k++) {
				link = k == 0 ? path_join(sub, "input") :
				    xasprintf("%s/input-%d", sub, k);
				if (unlink(link) == -1 && k > 0) {
					free(link);
					break;
				}
				free(link);
			}
			rmdir(sub);
			free(sub);
			free(ents[i]);
		}
	}
	free(ents);
	free(dir);
}

static void
roots_done(struct eval *ev, void *arg)
{
	struct roots	*r = arg;
	char		 key[HASH_HEX_SIZE];

	r->roots = NULL;
	if (eval_ok(ev)) {
		memcpy(key, r->roots_key, sizeof key);
		roots_drop_except(r, key);
		log_info("%s: flake inputs rooted", r->root);
	} else if (!eval_cancelled(ev)) {
		log_warnx("%s: cannot root its flake inputs: %s", r->root,
		    eval_reason(ev));
		r->roots_key[0] = '\0';
	}
	eval_free(ev);
	scheduler_done(&roots_job, r);
}

void
roots_want(struct roots *r, const char *key)
{
	memcpy(r->want_key, key, sizeof r->want_key);
	if (strcmp(r->roots_key, r->want_key) != 0)
		scheduler_want(&roots_job, r, 0);
}

static int
roots_start(void *arg)
{
	struct roots	*r = arg;
	struct eval_spec spec;
	char		*dir, *link, *cause = NULL;

	/* Rooted already for this lock (or asked twice): nothing to do. */
	if (r->roots != NULL || !r->trusted(r->owner) ||
	    strcmp(r->roots_key, r->want_key) == 0)
		return (-1);
	memcpy(r->roots_key, r->want_key, sizeof r->roots_key);
	dir = roots_dir(r, r->roots_key);
	if (path_mkdirs(dir, 0700) != 0) {
		log_warn("cannot create %s", dir);
		free(dir);
		return (-1);
	}
	link = path_join(dir, "input");
	memset(&spec, 0, sizeof spec);
	spec.mode = EVAL_ROOTS;
	spec.root = r->root;
	spec.top = r->top;
	spec.profile = link;
	spec.tmpdir = settings.tmp;
	spec.nix = settings.nix;
	spec.env = settings.nix_env;
	spec.timeout_sec = settings.timeout_sec;
	r->roots = eval_start(settings.loop, &spec, roots_done, r,
	    &cause);
	free(link);
	free(dir);
	if (r->roots == NULL) {
		log_warnx("%s: %s", r->root, cause);
		free(cause);
		return (-1);
	}
	return (0);
}

void
roots_drop(struct roots *r)
{
	roots_drop_except(r, NULL);
}
