/*
 * The scheduler decides when Nix runs; it owns all of hearthd's timing.
 * A job is one Nix run (a shell's evaluation, a workspace's listing of its
 * devShells, the rooting of its flake inputs), described by its owner's
 * pointer and a table of operations that start, cancel and rank it: the
 * scheduler knows none of its users by name, and a job's owner tells it
 * that a run ended with scheduler_done(). Per job at most one run
 * goes on and at most one waits (a burst of requests collapses into that
 * one); across all jobs a cap bounds how many run at once, since one Nix
 * evaluation can take hundreds of megabytes, and a daemon starting with a
 * hundred workspaces must not start a hundred listings at once. File
 * events are debounced: a git checkout touching many files gives one
 * refresh per workspace after the burst: the dirty owners go, in one
 * batch, to the refresh hook given at start. A job may be asked for no
 * sooner than a delay (a retry after a passing failure): it waits, and
 * counts as busy, until then, unless it is asked for again.
 */
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "scheduler.h"

/*
 * File events are acted on after a short quiet moment: enough to see a
 * switched-back lock as a cache hit at once. Evaluations nobody waits for
 * start only once the files have been quiet for a time that grows with
 * the burst they came in: a lone write (a new flake.lock, an editor's
 * save) is evaluated after SCHEDULER_QUIET_MIN_MS, while a checkout
 * touching hundreds of files over a while waits up to
 * SCHEDULER_QUIET_MAX_MS after its last file, so that it gives one
 * evaluation per shell, not one per event. Events closer together than
 * the longest quiet time are one burst.
 */
#define SCHEDULER_DEBOUNCE_MS	15
#define SCHEDULER_QUIET_MIN_MS	15
#define SCHEDULER_QUIET_MAX_MS	150
#define SCHEDULER_QUIET_FACTOR	4	/* quiet per ms of burst */

struct job {
	const struct scheduler_ops *ops;
	void		*owner;
	int		 running;
	int		 pending;	/* asked for again while running */
	int		 urgent;	/* a user waits: no quiet time */
	uint64_t	 not_before;	/* uv_now; 0: whenever */
};

static uv_loop_t	 *sched_loop;
static const struct scheduler_hooks *sched_hooks;
static unsigned		  sched_cap = 1;
static unsigned		  sched_running;
static struct job	 *sched_jobs;
static size_t		  sched_njobs;
static void		**sched_dirty;
static size_t		  sched_ndirty;
static uv_timer_t	  sched_timer;
static uv_timer_t	  sched_poll_timer;
static uv_timer_t	  sched_quiet_timer;
static uv_timer_t	  sched_delay_timer;	/* the next delayed job */
static uint64_t		  sched_last_event;	/* uv_now of the last event */
static uint64_t		  sched_burst_start;	/* uv_now of its burst's first */
static void		**sched_polled;
static size_t		  sched_npolled;
static int		  sched_stopping;

static void	scheduler_pump(void);

void
scheduler_init(uv_loop_t *loop, unsigned cap,
    const struct scheduler_hooks *hooks)
{
	sched_loop = loop;
	sched_hooks = hooks;
	sched_stopping = 0;
	sched_cap = cap == 0 ? 1 : cap;
	uv_timer_init(loop, &sched_timer);
	uv_timer_init(loop, &sched_poll_timer);
	uv_timer_init(loop, &sched_quiet_timer);
	uv_timer_init(loop, &sched_delay_timer);
}

static void
scheduler_polls(uv_timer_t *t)
{
	size_t	 i;

	(void)t;
	for (i = 0; i < sched_npolled; i++)
		scheduler_dirty(sched_polled[i]);
}

void
scheduler_poll(void *ws, int on)
{
	size_t	 i;

	for (i = 0; i < sched_npolled && sched_polled[i] != ws; i++)
		;
	if (on && i == sched_npolled) {
		sched_polled = xrealloc(sched_polled, (sched_npolled + 1) *
		    sizeof *sched_polled);
		sched_polled[sched_npolled++] = ws;
	} else if (!on && i < sched_npolled)
		sched_polled[i] = sched_polled[--sched_npolled];
	if (sched_npolled != 0 && !sched_stopping)
		uv_timer_start(&sched_poll_timer, scheduler_polls,
		    SCHEDULER_POLL_MS, SCHEDULER_POLL_MS);
	else
		uv_timer_stop(&sched_poll_timer);
}

static struct job *
scheduler_find(const struct scheduler_ops *ops, void *owner)
{
	size_t	 i;

	for (i = 0; i < sched_njobs; i++) {
		if (sched_jobs[i].ops == ops && sched_jobs[i].owner == owner)
			return (&sched_jobs[i]);
	}
	return (NULL);
}

/*
 * Which waiting job goes first (lowest): what a user waits for, then by
 * the rank its operations give (1 and up); in arrival order within a rank.
 */
static int
scheduler_rank(const struct job *j)
{
	if (j->urgent)
		return (0);
	return (j->ops->rank != NULL ? j->ops->rank(j->owner) : 1);
}

static void
scheduler_remove(struct job *j)
{
	size_t	 i = j - sched_jobs;

	memmove(&sched_jobs[i], &sched_jobs[i + 1],
	    (sched_njobs - i - 1) * sizeof *sched_jobs);
	sched_njobs--;
}

void
scheduler_done(const struct scheduler_ops *ops, void *owner)
{
	struct job	*j;

	if ((j = scheduler_find(ops, owner)) == NULL || !j->running)
		return;
	sched_running--;
	j->running = 0;
	if (j->pending && !sched_stopping)
		j->pending = 0;
	else
		scheduler_remove(j);
	scheduler_pump();
}

static void
scheduler_quiet(uv_timer_t *t)
{
	(void)t;
	scheduler_pump();
}

/* When the files will have been quiet long enough for their burst. */
static uint64_t
scheduler_quiet_at(void)
{
	uint64_t	 quiet;

	quiet = SCHEDULER_QUIET_MIN_MS + SCHEDULER_QUIET_FACTOR *
	    (sched_last_event - sched_burst_start);
	if (quiet > SCHEDULER_QUIET_MAX_MS)
		quiet = SCHEDULER_QUIET_MAX_MS;
	return (sched_last_event + quiet);
}

/* Start waiting jobs, best rank first, while there is room under the cap. */
static void
scheduler_pump(void)
{
	const struct scheduler_ops *ops;
	struct job	*j;
	void		*owner;
	size_t		 i, best;
	uint64_t	 quiet_at = scheduler_quiet_at();
	uint64_t	 now = uv_now(sched_loop), next = 0;
	int		 rank, best_rank, held = 0;

	/*
	 * Events not read yet (a busy loop runs timers before it reads
	 * them) count as files still moving.
	 */
	if (now >= quiet_at && sched_hooks != NULL &&
	    sched_hooks->events_waiting != NULL &&
	    sched_hooks->events_waiting())
		quiet_at = now + 1;

	while (!sched_stopping && sched_running < sched_cap) {
		best = sched_njobs;
		best_rank = 5;
		for (i = 0; i < sched_njobs; i++) {
			j = &sched_jobs[i];
			if (j->running)
				continue;
			if (j->not_before > now) {
				if (next == 0 || j->not_before < next)
					next = j->not_before;
				continue;
			}
			/* Files still moving: wait, unless a user waits. */
			if (!j->urgent && now < quiet_at) {
				held = 1;
				continue;
			}
			if ((rank = scheduler_rank(j)) < best_rank) {
				best = i;
				best_rank = rank;
			}
		}
		if (best == sched_njobs)
			break;
		j = &sched_jobs[best];
		j->running = 1;
		sched_running++;
		/* Starting may ask for other jobs: find this one again. */
		ops = j->ops;
		owner = j->owner;
		if (ops->start(owner) != 0 &&
		    (j = scheduler_find(ops, owner)) != NULL && j->running) {
			sched_running--;
			scheduler_remove(j);
		}
	}
	if (held)
		uv_timer_start(&sched_quiet_timer, scheduler_quiet,
		    quiet_at - now, 0);
	if (next != 0 && !sched_stopping)
		uv_timer_start(&sched_delay_timer, scheduler_quiet,
		    next - now, 0);
}

void
scheduler_want(const struct scheduler_ops *ops, void *owner, int urgent)
{
	struct job	*j;

	if (sched_stopping)
		return;
	if ((j = scheduler_find(ops, owner)) != NULL) {
		j->urgent |= urgent;
		/* Asked for again: no longer held back by a delay. */
		j->not_before = 0;
		if (j->running)
			j->pending = 1;
		/* A waiting job that became urgent need not wait for quiet. */
		if (urgent)
			scheduler_pump();
		return;
	}
	sched_jobs = xrealloc(sched_jobs, (sched_njobs + 1) *
	    sizeof *sched_jobs);
	j = &sched_jobs[sched_njobs++];
	j->ops = ops;
	j->owner = owner;
	j->running = 0;
	j->pending = 0;
	j->urgent = urgent;
	j->not_before = 0;
	/*
	 * What a user waits for starts now. Anything else waits for the
	 * next turn of the loop, so that the choice by rank sees every job
	 * one refresh asks for (a new lock asks for a re-listing first, then
	 * the shells' evaluations, which should go first).
	 */
	if (urgent)
		scheduler_pump();
	else
		uv_timer_start(&sched_quiet_timer, scheduler_quiet, 0, 0);
}

void
scheduler_want_after(const struct scheduler_ops *ops, void *owner,
    uint64_t ms)
{
	struct job	*j;

	if (sched_stopping)
		return;
	if ((j = scheduler_find(ops, owner)) != NULL) {
		/* Running: again after it, later. Waiting: that stands. */
		if (j->running && !j->pending) {
			j->pending = 1;
			j->not_before = uv_now(sched_loop) + ms;
		}
		return;
	}
	scheduler_want(ops, owner, 0);
	if ((j = scheduler_find(ops, owner)) != NULL && !j->running)
		j->not_before = uv_now(sched_loop) + ms;
}

void
scheduler_hurry(const struct scheduler_ops *ops, void *owner)
{
	struct job	*j;

	if ((j = scheduler_find(ops, owner)) != NULL && !j->running &&
	    !j->urgent) {
		j->urgent = 1;
		scheduler_pump();
	}
}

int
scheduler_busy(const struct scheduler_ops *ops, void *owner)
{
	return (scheduler_find(ops, owner) != NULL);
}

static void
scheduler_debounced(uv_timer_t *t)
{
	void	**dirty = sched_dirty;
	size_t	  n = sched_ndirty;

	(void)t;
	/* Refreshing may mark owners dirty again: take the list first. */
	sched_dirty = NULL;
	sched_ndirty = 0;
	if (sched_hooks != NULL && sched_hooks->refresh != NULL)
		sched_hooks->refresh(dirty, n);
	free(dirty);
}

void
scheduler_dirty(void *ws)
{
	scheduler_dirty_after(ws, SCHEDULER_DEBOUNCE_MS);
}

void
scheduler_dirty_after(void *ws, uint64_t ms)
{
	size_t	 i;

	if (sched_stopping)
		return;
	if (uv_now(sched_loop) - sched_last_event > SCHEDULER_QUIET_MAX_MS)
		sched_burst_start = uv_now(sched_loop);
	sched_last_event = uv_now(sched_loop);
	for (i = 0; i < sched_ndirty; i++) {
		if (sched_dirty[i] == ws)
			break;
	}
	if (i == sched_ndirty) {
		sched_dirty = xrealloc(sched_dirty, (sched_ndirty + 1) *
		    sizeof *sched_dirty);
		sched_dirty[sched_ndirty++] = ws;
	}
	/* Never sooner than a delay already asked for. */
	if (uv_is_active((uv_handle_t *)&sched_timer) &&
	    uv_timer_get_due_in(&sched_timer) > ms)
		ms = uv_timer_get_due_in(&sched_timer);
	uv_timer_start(&sched_timer, scheduler_debounced, ms, 0);
}

static void
scheduler_timer_closed(uv_handle_t *h)
{
	(void)h;
	free(sched_dirty);
	sched_dirty = NULL;
	sched_ndirty = 0;
}

void
scheduler_shutdown(void)
{
	size_t	 i;

	sched_stopping = 1;
	/* Jobs with no cancel operation end with their owners. */
	for (i = 0; i < sched_njobs; i++) {
		sched_jobs[i].pending = 0;
		if (sched_jobs[i].running && sched_jobs[i].ops->cancel != NULL)
			sched_jobs[i].ops->cancel(sched_jobs[i].owner);
	}
	uv_close((uv_handle_t *)&sched_timer, scheduler_timer_closed);
	uv_close((uv_handle_t *)&sched_poll_timer, NULL);
	uv_close((uv_handle_t *)&sched_quiet_timer, NULL);
	uv_close((uv_handle_t *)&sched_delay_timer, NULL);
}

void
scheduler_free(void)
{
	free(sched_jobs);
	sched_jobs = NULL;
	sched_njobs = 0;
	sched_running = 0;
	sched_last_event = sched_burst_start = 0;
	free(sched_polled);
	sched_polled = NULL;
	sched_npolled = 0;
}
