/*
 * The scheduler decides when evaluations run; it owns all of hearthd's
 * timing. Per shell at most one evaluation runs and at most one waits
 * (a burst of requests collapses into that one); across shells a cap
 * bounds how many run at once, since one evaluation can take hundreds of
 * megabytes. File events are debounced: a git checkout touching many files
 * gives one refresh per workspace after the burst.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

/* Quiet time after the last file event before a workspace is re-read. */
/*
 * File events are acted on after a short quiet moment: enough to see a
 * switched-back lock as a cache hit at once. Evaluations nobody waits for
 * start only after a longer quiet time, so that a checkout touching
 * hundreds of files gives one evaluation per shell, not one per event.
 */
#define SCHEDULER_DEBOUNCE_MS	15
#define SCHEDULER_QUIET_MS	150

struct job {
	struct devshell	*shell;
	int		 running;
	int		 pending;	/* asked for again while running */
	int		 urgent;	/* a user waits: no quiet time */
};

static uv_loop_t	 *sched_loop;
static unsigned		  sched_cap = 1;
static unsigned		  sched_running;
static struct job	 *sched_jobs;
static size_t		  sched_njobs;
static struct workspace	**sched_dirty;
static size_t		  sched_ndirty;
static uv_timer_t	  sched_timer;
static uv_timer_t	  sched_poll_timer;
static uv_timer_t	  sched_quiet_timer;
static uint64_t		  sched_last_event;	/* uv_now of the last event */
static struct workspace	**sched_polled;
static size_t		  sched_npolled;
static int		  sched_stopping;

static void	scheduler_pump(void);

void
scheduler_init(uv_loop_t *loop, unsigned cap)
{
	sched_loop = loop;
	sched_cap = cap == 0 ? 1 : cap;
	uv_timer_init(loop, &sched_timer);
	uv_timer_init(loop, &sched_poll_timer);
	uv_timer_init(loop, &sched_quiet_timer);
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
scheduler_poll(struct workspace *ws, int on)
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
scheduler_find(struct devshell *sh)
{
	size_t	 i;

	for (i = 0; i < sched_njobs; i++) {
		if (sched_jobs[i].shell == sh)
			return (&sched_jobs[i]);
	}
	return (NULL);
}

static void
scheduler_remove(struct job *j)
{
	size_t	 i = j - sched_jobs;

	memmove(&sched_jobs[i], &sched_jobs[i + 1],
	    (sched_njobs - i - 1) * sizeof *sched_jobs);
	sched_njobs--;
}

static void
scheduler_done(struct devshell *sh)
{
	struct job	*j;

	sched_running--;
	if ((j = scheduler_find(sh)) != NULL) {
		j->running = 0;
		if (j->pending && !sched_stopping)
			j->pending = 0;
		else
			scheduler_remove(j);
	}
	scheduler_pump();
}

/* Start waiting jobs, oldest first, while there is room under the cap. */
static void
scheduler_quiet(uv_timer_t *t)
{
	(void)t;
	scheduler_pump();
}

static void
scheduler_pump(void)
{
	size_t		 i = 0;
	uint64_t	 quiet_at = sched_last_event + SCHEDULER_QUIET_MS;
	uint64_t	 now = uv_now(sched_loop);

	while (!sched_stopping && sched_running < sched_cap &&
	    i < sched_njobs) {
		if (sched_jobs[i].running) {
			i++;
			continue;
		}
		/* Files still moving: wait for them, unless a user waits. */
		if (!sched_jobs[i].urgent && now < quiet_at) {
			uv_timer_start(&sched_quiet_timer, scheduler_quiet,
			    quiet_at - now, 0);
			i++;
			continue;
		}
		sched_jobs[i].running = 1;
		sched_running++;
		if (devshell_eval_start(sched_jobs[i].shell, scheduler_done) != 0) {
			sched_running--;
			scheduler_remove(&sched_jobs[i]);
			continue;
		}
		i++;
	}
}

void
scheduler_want(struct devshell *sh, int urgent)
{
	struct job	*j;
	size_t		 at;

	if (sched_stopping)
		return;
	if ((j = scheduler_find(sh)) != NULL) {
		j->urgent |= urgent;
		if (j->running)
			j->pending = 1;
		else if (urgent && j != sched_jobs) {
			/* Move it to the front: a user is waiting for it. */
			struct job	 tmp = *j;

			memmove(&sched_jobs[1], &sched_jobs[0],
			    (j - sched_jobs) * sizeof *sched_jobs);
			sched_jobs[0] = tmp;
		}
		/* A waiting job that became urgent need not wait for quiet. */
		if (urgent)
			scheduler_pump();
		return;
	}
	sched_jobs = xrealloc(sched_jobs, (sched_njobs + 1) *
	    sizeof *sched_jobs);
	at = urgent ? 0 : sched_njobs;
	memmove(&sched_jobs[at + 1], &sched_jobs[at],
	    (sched_njobs - at) * sizeof *sched_jobs);
	sched_jobs[at].shell = sh;
	sched_jobs[at].running = 0;
	sched_jobs[at].pending = 0;
	sched_jobs[at].urgent = urgent;
	sched_njobs++;
	log_debug("%s: %s queued", __func__, devshell_name(sh));
	scheduler_pump();
}

int
scheduler_busy(struct devshell *sh)
{
	return (scheduler_find(sh) != NULL);
}

static void
scheduler_debounced(uv_timer_t *t)
{
	struct workspace	**dirty = sched_dirty;
	size_t			  i, n = sched_ndirty;

	(void)t;
	/* Refreshing may mark workspaces dirty again: take the list first. */
	sched_dirty = NULL;
	sched_ndirty = 0;
	for (i = 0; i < n; i++)
		workspace_refresh(dirty[i]);
	free(dirty);
	server_notify();
}

void
scheduler_dirty(struct workspace *ws)
{
	scheduler_dirty_after(ws, SCHEDULER_DEBOUNCE_MS);
}

void
scheduler_dirty_after(struct workspace *ws, uint64_t ms)
{
	size_t	 i;

	if (sched_stopping)
		return;
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
	for (i = 0; i < sched_njobs; i++) {
		sched_jobs[i].pending = 0;
		if (sched_jobs[i].running)
			devshell_eval_cancel(sched_jobs[i].shell);
	}
	uv_close((uv_handle_t *)&sched_timer, scheduler_timer_closed);
	uv_close((uv_handle_t *)&sched_poll_timer, NULL);
	uv_close((uv_handle_t *)&sched_quiet_timer, NULL);
}

void
scheduler_free(void)
{
	free(sched_jobs);
	sched_jobs = NULL;
	sched_njobs = 0;
	free(sched_polled);
	sched_polled = NULL;
	sched_npolled = 0;
}
