/*
 * The devShell names of a workspace's flake, and the cache of them. The
 * names are listed with Nix (`nix eval`, which evaluates: trusted flakes
 * only) whenever flake.nix or flake.lock change; each listing is kept
 * under the key of those two files, in the store for the next start and
 * in a small cache in memory, so that a lock switched back needs no Nix
 * call. A listing that failed is tried again only once the files change.
 * When a listing ends, the owner is told, and makes the shells.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "eval.h"
#include "inputs.h"
#include "names.h"
#include "scheduler.h"
#include "settings.h"
#include "store.h"

/* Name lists remembered per flake.nix and flake.lock, for switching back. */
#define NAMES_CACHE	8

struct names {
	int64_t			 id;
	char			*root;
	char			*top;
	const struct names_ops	*ops;
	void			*owner;

	char			**names;	/* NULL unknown */
	char			 key[HASH_HEX_SIZE];
	struct names_cache {
		char		 key[HASH_HEX_SIZE];
		struct buf	 names;		/* NUL-separated */
	}			 listed[NAMES_CACHE];
	unsigned		 nlisted;	/* next slot to replace */
	struct eval		*list;		/* listing the names */
	char			 list_key[HASH_HEX_SIZE]; /* key it lists */
	char			*error;
};

static int	names_list_start(void *);

/*
 * A workspace whose shells are not known yet goes before evaluations,
 * since nothing there can start without it; a re-listing after them
 * (it only adds or drops shells).
 */
static int
names_rank(void *arg)
{
	struct names	*n = arg;

	return (n->names != NULL ? 3 : 1);
}

static const struct scheduler_ops names_job = {
	.start = names_list_start,
	.rank = names_rank,
};

static void
names_clear(struct names *n)
{
	size_t	 i;

	for (i = 0; n->names != NULL && n->names[i] != NULL; i++)
		free(n->names[i]);
	free(n->names);
	n->names = NULL;
}

/* Take a NUL-separated list of names. */
static void
names_set(struct names *n, const char *p, size_t len)
{
	const char	*end = p + len;
	size_t		 i = 0;

	names_clear(n);
	n->names = xcalloc(1, sizeof *n->names);
	while (p < end) {
		n->names = xrealloc(n->names, (i + 2) * sizeof *n->names);
		n->names[i++] = xstrndup(p, strnlen(p, end - p));
		n->names[i] = NULL;
		p += strlen(n->names[i - 1]) + 1;
	}
}

/* Remember a listing, so that a lock switched back needs no Nix call. */
static void
names_remember(struct names *n, const char *key, const struct buf *names)
{
	struct names_cache	*c = &n->listed[n->nlisted++ % NAMES_CACHE];

	memcpy(c->key, key, sizeof c->key);
	buf_reset(&c->names);
	buf_add(&c->names, names->data, names->len);
}

static const struct buf *
names_cached(struct names *n, const char *key)
{
	size_t	 i;

	for (i = 0; i < NAMES_CACHE; i++) {
		if (n->listed[i].key[0] != '\0' &&
		    strcmp(n->listed[i].key, key) == 0)
			return (&n->listed[i].names);
	}
	return (NULL);
}

struct names *
names_new(int64_t id, const char *root, const char *top,
    const struct names_ops *ops, void *owner)
{
	struct names	*n;
	struct buf	 names = BUF_INIT;
	size_t		 i;

	n = xcalloc(1, sizeof *n);
	n->id = id;
	n->root = xstrdup(root);
	n->top = xstrdup(top);
	n->ops = ops;
	n->owner = owner;
	for (i = 0; i < NAMES_CACHE; i++)
		buf_init(&n->listed[i].names);
	/* The names listed last time, until they are listed again. */
	if (store_workspace_names(settings.store, id, &names, n->key) > 0) {
		names_set(n, names.data, names.len);
		names_remember(n, n->key, &names);
	}
	buf_release(&names);
	return (n);
}

void
names_free(struct names *n)
{
	size_t	 i;

	if (n == NULL)
		return;
	names_clear(n);
	for (i = 0; i < NAMES_CACHE; i++)
		buf_release(&n->listed[i].names);
	free(n->error);
	free(n->root);
	free(n->top);
	free(n);
}

char *const *
names_list(const struct names *n)
{
	return (n->names);
}

int
names_has(const struct names *n, const char *name)
{
	size_t	 i;

	for (i = 0; n->names != NULL && n->names[i] != NULL; i++) {
		if (strcmp(n->names[i], name) == 0)
			return (1);
	}
	return (0);
}

const char *
names_error(const struct names *n)
{
	return (n->error);
}

const char *
names_key(const struct names *n)
{
	return (n->key);
}

/* The key the names are listed for: flake.nix and flake.lock, system. */
static void
names_key_now(struct names *n, char key[HASH_HEX_SIZE])
{
	struct inputs	*in = inputs_new();
	char		*p;

	p = path_join(n->root, PATH_FLAKE);
	inputs_add(in, p);
	free(p);
	p = path_join(n->root, PATH_LOCK);
	inputs_add(in, p);
	free(p);
	inputs_key(in, settings.system, key);
	inputs_free(in);
}

int
names_refresh(struct names *n)
{
	const struct buf	*cached;
	char			 key[HASH_HEX_SIZE];

	names_key_now(n, key);
	if (strcmp(key, n->key) == 0 && (n->names != NULL ||
	    n->error != NULL || scheduler_busy(&names_job, n)))
		return (0);
	memcpy(n->key, key, sizeof key);
	free(n->error);
	n->error = NULL;
	if ((cached = names_cached(n, key)) == NULL) {
		scheduler_want(&names_job, n, 0);
		return (0);
	}
	names_set(n, cached->data, cached->len);
	return (1);
}

void
names_hurry(struct names *n)
{
	scheduler_hurry(&names_job, n);
}

void
names_cancel(struct names *n)
{
	if (n->list != NULL)
		eval_cancel(n->list);
}

static void
names_listed(struct eval *ev, void *arg)
{
	struct names	*n = arg;
	struct buf	 b = BUF_INIT;
	char *const	*names;
	size_t		 i;
	int		 current;

	n->list = NULL;
	/* The files moved on while it ran: a new listing is queued. */
	current = strcmp(n->list_key, n->key) == 0;
	if (!eval_ok(ev)) {
		log_warnx("%s: cannot list its devShells: %s", n->root,
		    eval_reason(ev));
		if (current) {
			free(n->error);
			n->error = xstrdup(eval_reason(ev));
		}
	} else if (n->ops->trusted(n->owner)) {
		names = eval_names(ev);
		for (i = 0; names[i] != NULL; i++)
			buf_add(&b, names[i], strlen(names[i]) + 1);
		names_remember(n, n->list_key, &b);
		if (current) {
			free(n->error);
			n->error = NULL;
			names_set(n, b.data, b.len);
			if (store_workspace_set_names(settings.store, n->id,
			    &b, n->key) != 0)
				log_warnx("%s: cannot store its devShell "
				    "names", n->root);
		}
		log_info("%s: %zu devShells", n->root, i);
	}
	buf_release(&b);
	eval_free(ev);
	n->ops->listed(n->owner);
	scheduler_done(&names_job, n);
}

/* List the devShell names with Nix (from the scheduler). */
static int
names_list_start(void *arg)
{
	struct names	*n = arg;
	struct eval_spec spec;
	char		*cause = NULL;

	if (n->list != NULL || !n->ops->trusted(n->owner))
		return (-1);
	memset(&spec, 0, sizeof spec);
	spec.mode = EVAL_LIST;
	spec.root = n->root;
	spec.top = n->top;
	spec.system = settings.system;
	spec.tmpdir = settings.tmp;
	spec.nix = settings.nix;
	spec.env = settings.nix_env;
	spec.timeout_sec = settings.timeout_sec;
	memcpy(n->list_key, n->key, sizeof n->list_key);
	n->list = eval_start(settings.loop, &spec, names_listed, n, &cause);
	if (n->list == NULL) {
		log_warnx("%s: %s", n->root, cause);
		free(n->error);
		n->error = cause;
		return (-1);
	}
	return (0);
}
