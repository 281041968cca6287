/*
 * hearthd: the interface of scheduler.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_SCHEDULER_H
#define HEARTHD_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* scheduler.c: when Nix runs; owns all timing. */
/*
 * A kind of job, as its owner describes it: start a run (0, or -1 when
 * there was nothing to do or it could not start; a run that started ends
 * with scheduler_done()), cancel a running one at shutdown (NULL: it ends
 * with its owner), and rank a waiting one (lower goes first, 1 and up;
 * NULL: 1).
 */
typedef int	(*scheduler_start_cb)(void *);
typedef void	(*scheduler_cancel_cb)(void *);
typedef int	(*scheduler_rank_cb)(void *);
struct scheduler_ops {
	scheduler_start_cb	 start;
	scheduler_cancel_cb	 cancel;
	scheduler_rank_cb	 rank;
};
/* What the scheduler calls on its users' behalf, given at start. */
/* The owners marked dirty, once their files were quiet. */
typedef void	(*scheduler_refresh_cb)(void *const *, size_t);
/* 1 while file events wait to be read (jobs hold off for them). */
typedef int	(*scheduler_waiting_cb)(void);
struct scheduler_hooks {
	scheduler_refresh_cb	 refresh;
	scheduler_waiting_cb	 events_waiting;
};
/* Start the scheduler with a cap on concurrent Nix runs. */
void		 scheduler_init(uv_loop_t *, unsigned,
		     const struct scheduler_hooks *);
/*
 * Ask for a job (the kind's operations and its owner): one runs, at most
 * one waits. Urgent requests (what a user waits for) go first.
 */
void		 scheduler_want(const struct scheduler_ops *, void *, int);
/*
 * Ask for a job no sooner than ms from now (a retry); until then it is
 * busy, and asking for it again (scheduler_want) drops the delay.
 */
void		 scheduler_want_after(const struct scheduler_ops *, void *,
		     uint64_t);
/* Make a waiting job urgent; nothing if none waits. */
void		 scheduler_hurry(const struct scheduler_ops *, void *);
/* A job's run ended (its owner says so, from its completion). */
void		 scheduler_done(const struct scheduler_ops *, void *);
/* Note that an owner's files changed; refreshed after a short delay. */
void		 scheduler_dirty(void *);
/* The same, refreshed no sooner than ms from now. */
void		 scheduler_dirty_after(void *, uint64_t);
/* Check an owner every SCHEDULER_POLL_MS (it could not be watched). */
#define SCHEDULER_POLL_MS	2000
void		 scheduler_poll(void *, int);
/* 1 while the job is running or waiting. */
int		 scheduler_busy(const struct scheduler_ops *, void *);
/* Cancel everything and release the timers. */
void		 scheduler_shutdown(void);
/* Free the job list once every evaluation has ended. */
void		 scheduler_free(void);

#endif
