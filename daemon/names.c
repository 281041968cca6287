/*
 * The devShell names of a workspace's flake, and the cache of them. The
 * names are listed with Nix (`nix eval`, which evaluates: trusted flakes
 * only) whenever flake.nix or flake.lock change; each listing is kept
 * under the key of those two files, in the store for the next start and
 * in a small cache in memory, so that a lock switched back needs no Nix
 * call. A listing that failed is tried again once any file it could have
 * read changes (the listing is not traced: every file git tracks in the
 * flake's repository, and the set of them, or the whole tree outside
 * git), on `hearth reload` and on `hearth allow`; one that failed of a
 * passing fault (eval_transient()) is tried again by itself, a few times,
 * meanwhile still listing. When a listing ends,
 * the owner is told, and makes the shells.
 */
#include <sys/stat.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "eval.h"
#include "gitindex.h"
#include "inputs.h"
#include "names.h"
#include "scheduler.h"
#include "settings.h"
#include "store.h"

/* Name lists remembered per flake.nix and flake.lock, for switching back. */
#define NAMES_CACHE	8
/* A listing that failed of a passing fault: again after 1, 4 and 16 s. */
#define NAMES_RETRIES	3

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
	struct timespec		 list_start;	/* when it started */
	char			*error;
	struct inputs		*failed_inputs;	/* of the failed listing */
	unsigned		 retries;	/* of a passing failure */
	char			*error_log;	/* Nix's output, for hearth log */
	int64_t			 error_at;	/* when that listing started */
	uint32_t		 error_ms;
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
	inputs_free(n->failed_inputs);
	free(n->error_log);
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

int
names_log(const struct names *n, struct buf *out)
{
	char		 stamp[64];
	time_t		 t = (time_t)n->error_at;
	struct tm	 tm;

	if (n->error == NULL)
		return (0);
	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	buf_addf(out, "the devShells of %s: listing of %s, %u ms, failed: "
	    "%s\n", n->root, stamp, n->error_ms, n->error);
	buf_adds(out, n->error_log != NULL ? n->error_log : "");
	return (1);
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

/* Forget a failed listing, so that the next refresh lists again. */
static void
names_unfail(struct names *n)
{
	n->retries = 0;
	free(n->error);
	n->error = NULL;
	inputs_free(n->failed_inputs);
	n->failed_inputs = NULL;
}

/* 1 if a failed listing's files are as they were when it started. */
static int
names_still_failing(struct names *n)
{
	struct buf	 b = BUF_INIT;
	int		 same;

	if (n->failed_inputs == NULL)
		return (n->error != NULL);
	inputs_changed(n->failed_inputs, n->root, NULL, &b);
	same = b.len == 0;
	buf_release(&b);
	return (same);
}

int
names_refresh(struct names *n)
{
	const struct buf	*cached;
	char			 key[HASH_HEX_SIZE];

	names_key_now(n, key);
	if (strcmp(key, n->key) == 0) {
		if (scheduler_busy(&names_job, n))
			return (0);
		if (n->error != NULL && !names_still_failing(n)) {
			/* A file the failed listing could read changed. */
			names_unfail(n);
			scheduler_want(&names_job, n, 0);
			return (0);
		}
		if (n->names != NULL || n->error != NULL)
			return (0);
	}
	memcpy(n->key, key, sizeof key);
	names_unfail(n);
	if ((cached = names_cached(n, key)) == NULL) {
		scheduler_want(&names_job, n, 0);
		return (0);
	}
	names_set(n, cached->data, cached->len);
	return (1);
}

void
names_reload(struct names *n)
{
	/* Failed: list again now. Waiting (a retry): now, not later. */
	if (n->error != NULL) {
		names_unfail(n);
		scheduler_want(&names_job, n, 1);
	} else if (n->list == NULL && scheduler_busy(&names_job, n))
		scheduler_want(&names_job, n, 1);
}

void
names_inputs(const struct names *n, struct inputs *in)
{
	inputs_merge(in, n->failed_inputs);
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

/* A path git tracks: the listing could have read it. */
static void
names_tracked(const char *path, void *arg)
{
	inputs_add(arg, path);
}

/*
 * What a listing could read: flake.nix and flake.lock, every file git
 * tracks and the set of them (Nix sees no other), or, outside git, the
 * whole tree. Made only when one fails, since that is a walk.
 */
static struct inputs *
names_could_read(struct names *n)
{
	struct inputs	*in = inputs_new();
	char		*p;

	inputs_set_top(in, n->top);
	p = path_join(n->root, PATH_FLAKE);
	inputs_add(in, p);
	free(p);
	p = path_join(n->root, PATH_LOCK);
	inputs_add(in, p);
	free(p);
	if (gitindex_each(n->top, names_tracked, in) == 0)
		inputs_add_kind(in, n->top, INPUTS_TRACKED);
	else
		inputs_add(in, n->top);
	inputs_prune_trees(in);
	inputs_record(in);
	return (in);
}

/*
 * Written at or after t? Nanoseconds tell; a filesystem that keeps whole
 * seconds only cannot, so the start's second counts as after.
 */
static int
names_after(const struct timespec *m, const struct timespec *t)
{
	if (m->tv_sec != t->tv_sec)
		return (m->tv_sec > t->tv_sec);
	return (m->tv_nsec == 0 || m->tv_nsec >= t->tv_nsec);
}

/*
 * A listing failed for good: keep why, and what it could read, to list
 * again when any of that changes. A file written while it ran may hold
 * the fix already: then list again, once the clock has moved on.
 */
static void
names_failed(struct names *n, const char *reason)
{
	struct stat	 st;
	size_t		 i;

	names_unfail(n);
	n->failed_inputs = names_could_read(n);
	for (i = 0; i < inputs_count(n->failed_inputs); i++) {
		if (stat(inputs_path(n->failed_inputs, i), &st) == 0 &&
		    (names_after(&st.st_mtim, &n->list_start) ||
		    names_after(&st.st_ctim, &n->list_start))) {
			log_info("%s: files were written while listing; "
			    "listing again", n->root);
			names_unfail(n);
			scheduler_want_after(&names_job, n, 1050);
			return;
		}
	}
	n->error = xstrdup(reason);
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
		if (current && eval_transient(ev) &&
		    n->retries < NAMES_RETRIES) {
			/* A passing fault: again soon, still listing. */
			n->retries++;
			log_info("%s: trying the listing again in %u s",
			    n->root, 1U << (2 * (n->retries - 1)));
			scheduler_want_after(&names_job, n,
			    1000ULL << (2 * (n->retries - 1)));
		} else if (current) {
			names_failed(n, eval_reason(ev));
			free(n->error_log);
			n->error_log = xstrdup(eval_log(ev) != NULL ?
			    eval_log(ev) : "");
			n->error_at = (int64_t)n->list_start.tv_sec;
			n->error_ms = eval_ms(ev);
		}
	} else if (n->ops->trusted(n->owner)) {
		names = eval_names(ev);
		for (i = 0; names[i] != NULL; i++)
			buf_add(&b, names[i], strlen(names[i]) + 1);
		names_remember(n, n->list_key, &b);
		if (current) {
			names_unfail(n);
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
	clock_gettime(CLOCK_REALTIME, &n->list_start);
	n->list = eval_start(settings.loop, &spec, names_listed, n, &cause);
	if (n->list == NULL) {
		log_warnx("%s: %s", n->root, cause);
		free(n->error);
		n->error = cause;
		free(n->error_log);
		n->error_log = NULL;
		n->error_at = (int64_t)n->list_start.tv_sec;
		n->error_ms = 0;
		return (-1);
	}
	return (0);
}
