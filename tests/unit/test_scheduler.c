/*
 * The scheduler with fake jobs on a real loop: ranking, at most one run
 * and one waiting per job, the global cap, cancel at shutdown, and the
 * debounce and quiet time after file events.
 */
#include "harness.h"

#include <uv.h>

#include "scheduler.h"

struct fake {
	const char	*name;
	int		 rank;
	int		 started;
	int		 cancelled;
	int		 fail;		/* start returns -1 */
};

static char	 order[256];	/* names of started jobs, in order */
static uv_loop_t loop;
static void	*refreshed[8];
static size_t	 nrefreshed;
static int	 refreshes;
static uint64_t	 refreshed_at;
static int	 waiting;	/* events_waiting()'s answer */

static int
fake_start(void *arg)
{
	struct fake	*f = arg;

	if (f->fail)
		return (-1);
	f->started++;
	strncat(order, f->name, sizeof order - strlen(order) - 1);
	return (0);
}

static void
fake_cancel(void *arg)
{
	((struct fake *)arg)->cancelled++;
}

static int
fake_rank(void *arg)
{
	return (((struct fake *)arg)->rank);
}

static const struct scheduler_ops fake_job = {
	.start = fake_start,
	.cancel = fake_cancel,
	.rank = fake_rank,
};

static void
fake_refresh(void *const *dirty, size_t n)
{
	size_t	 i;

	refreshes++;
	refreshed_at = uv_now(&loop);
	for (i = 0; i < n && i < 8; i++)
		refreshed[i] = dirty[i];
	nrefreshed = n;
}

static int
fake_waiting(void)
{
	return (waiting);
}

static const struct scheduler_hooks fake_hooks = {
	.refresh = fake_refresh,
	.events_waiting = fake_waiting,
};

static int
setup(void **state)
{
	(void)state;
	order[0] = '\0';
	nrefreshed = 0;
	refreshes = 0;
	waiting = 0;
	uv_loop_init(&loop);
	return (0);
}

static int
setup_cap1(void **state)
{
	setup(state);
	scheduler_init(&loop, 1, &fake_hooks);
	return (0);
}

static int
setup_cap2(void **state)
{
	setup(state);
	scheduler_init(&loop, 2, &fake_hooks);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	scheduler_shutdown();
	uv_run(&loop, UV_RUN_DEFAULT);
	scheduler_free();
	assert_int_equal(uv_loop_close(&loop), 0);
	return (0);
}

/* Waiting jobs start by rank, lowest first, one at a time under cap 1. */
static void
test_scheduler_rank(void **state)
{
	struct fake	 a = { "a", 3, 0, 0, 0 }, b = { "b", 1, 0, 0, 0 };
	struct fake	 c = { "c", 2, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 0);
	scheduler_want(&fake_job, &b, 0);
	scheduler_want(&fake_job, &c, 0);
	/* Not urgent: nothing starts before the loop turns. */
	assert_string_equal(order, "");
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(order, "b");
	scheduler_done(&fake_job, &b);
	assert_string_equal(order, "bc");
	scheduler_done(&fake_job, &c);
	assert_string_equal(order, "bca");
	scheduler_done(&fake_job, &a);
	assert_false(scheduler_busy(&fake_job, &a));
}

/* What a user waits for goes before any rank, and starts at once. */
static void
test_scheduler_urgent(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 }, b = { "b", 4, 0, 0, 0 };
	struct fake	 c = { "c", 2, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 1);
	assert_string_equal(order, "a");
	scheduler_want(&fake_job, &c, 0);
	scheduler_want(&fake_job, &b, 0);
	scheduler_hurry(&fake_job, &b);
	scheduler_done(&fake_job, &a);
	assert_string_equal(order, "ab");
	scheduler_done(&fake_job, &b);
	assert_string_equal(order, "abc");
	scheduler_done(&fake_job, &c);
}

/* Per job: one run and at most one waiting, however often it is asked. */
static void
test_scheduler_one_pending(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 1);
	scheduler_want(&fake_job, &a, 1);
	scheduler_want(&fake_job, &a, 0);
	scheduler_want(&fake_job, &a, 1);
	assert_int_equal(a.started, 1);
	assert_true(scheduler_busy(&fake_job, &a));
	scheduler_done(&fake_job, &a);
	assert_int_equal(a.started, 2);
	scheduler_done(&fake_job, &a);
	assert_int_equal(a.started, 2);
	assert_false(scheduler_busy(&fake_job, &a));
	/* A done for a job not running changes nothing. */
	scheduler_done(&fake_job, &a);
	assert_false(scheduler_busy(&fake_job, &a));
}

/* The cap bounds the runs of all jobs together. */
static void
test_scheduler_cap(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 }, b = { "b", 1, 0, 0, 0 };
	struct fake	 c = { "c", 1, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 1);
	scheduler_want(&fake_job, &b, 1);
	scheduler_want(&fake_job, &c, 1);
	assert_string_equal(order, "ab");
	scheduler_done(&fake_job, &b);
	assert_string_equal(order, "abc");
	scheduler_done(&fake_job, &a);
	scheduler_done(&fake_job, &c);
}

/* A job that cannot start is dropped, and frees its place at once. */
static void
test_scheduler_start_fails(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 1 }, b = { "b", 2, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 0);
	scheduler_want(&fake_job, &b, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_false(scheduler_busy(&fake_job, &a));
	assert_string_equal(order, "b");
	scheduler_done(&fake_job, &b);
}

/* Shutdown cancels running jobs, drops waiting ones, refuses new ones. */
static void
test_scheduler_cancel(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 }, b = { "b", 1, 0, 0, 0 };

	(void)state;
	scheduler_want(&fake_job, &a, 1);
	scheduler_want(&fake_job, &a, 1);
	scheduler_want(&fake_job, &b, 1);
	scheduler_shutdown();
	assert_int_equal(a.cancelled, 1);
	assert_int_equal(b.cancelled, 0);
	/* The cancelled run ends later; nothing starts after it. */
	scheduler_done(&fake_job, &a);
	assert_int_equal(a.started, 1);
	assert_int_equal(b.started, 0);
	scheduler_want(&fake_job, &b, 1);
	assert_int_equal(b.started, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	scheduler_free();
	assert_int_equal(uv_loop_close(&loop), 0);
	/* teardown's shutdown must find a fresh scheduler. */
	uv_loop_init(&loop);
	scheduler_init(&loop, 1, &fake_hooks);
}

/* A burst of events gives one refresh per owner after a quiet moment. */
static void
test_scheduler_debounce(void **state)
{
	int		 x, y;
	uint64_t	 start;

	(void)state;
	uv_update_time(&loop);
	start = uv_now(&loop);
	scheduler_dirty(&x);
	scheduler_dirty(&y);
	scheduler_dirty(&x);
	assert_int_equal(refreshes, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(refreshes, 1);
	assert_int_equal(nrefreshed, 2);
	assert_ptr_equal(refreshed[0], &x);
	assert_ptr_equal(refreshed[1], &y);
	assert_true(refreshed_at - start >= 15);
	/* Never sooner than a delay already asked for. */
	uv_update_time(&loop);
	start = uv_now(&loop);
	scheduler_dirty_after(&x, 120);
	scheduler_dirty(&y);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(refreshes, 2);
	assert_int_equal(nrefreshed, 2);
	assert_true(refreshed_at - start >= 120);
}

/*
 * After file events, jobs nobody waits for start only once the files were
 * quiet (SCHEDULER_QUIET_MIN_MS after a lone event); a job a user waits
 * for starts at once.
 */
static void
test_scheduler_quiet(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 }, b = { "b", 1, 0, 0, 0 };
	int		 x;
	uint64_t	 start;

	(void)state;
	uv_update_time(&loop);
	start = uv_now(&loop);
	scheduler_dirty(&x);
	scheduler_want(&fake_job, &a, 0);
	uv_run(&loop, UV_RUN_NOWAIT);
	assert_int_equal(a.started, 0);
	scheduler_want(&fake_job, &b, 1);
	assert_int_equal(b.started, 1);
	scheduler_done(&fake_job, &b);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(a.started, 1);
	assert_true(uv_now(&loop) - start >= 15);
	scheduler_done(&fake_job, &a);
}

/* Events not read yet hold waiting jobs as files still moving would. */
static void
test_scheduler_events_waiting(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 };
	int		 turns;

	(void)state;
	waiting = 1;
	scheduler_want(&fake_job, &a, 0);
	for (turns = 0; turns < 5; turns++)
		uv_run(&loop, UV_RUN_ONCE);
	assert_int_equal(a.started, 0);
	waiting = 0;
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(a.started, 1);
	scheduler_done(&fake_job, &a);
}

/* An owner that cannot be watched is refreshed every SCHEDULER_POLL_MS. */
static void
test_scheduler_poll(void **state)
{
	int	 x;

	(void)state;
	scheduler_poll(&x, 1);
	uv_run(&loop, UV_RUN_ONCE);
	uv_run(&loop, UV_RUN_ONCE);
	scheduler_poll(&x, 0);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_true(refreshes >= 1);
	assert_ptr_equal(refreshed[0], &x);
}

/*
 * A delayed job (a retry) waits out its delay, busy meanwhile, without
 * holding up others; asked for again, it goes at once. Asked for while
 * it runs, it runs again after the delay.
 */
static void
test_scheduler_delay(void **state)
{
	struct fake	 a = { "a", 1, 0, 0, 0 }, b = { "b", 1, 0, 0, 0 };
	uint64_t	 t0;

	(void)state;
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	scheduler_want_after(&fake_job, &a, 50);
	scheduler_want(&fake_job, &b, 0);
	assert_true(scheduler_busy(&fake_job, &a));
	uv_run(&loop, UV_RUN_ONCE);
	assert_string_equal(order, "b");
	scheduler_done(&fake_job, &b);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(order, "ba");
	assert_true(uv_now(&loop) - t0 >= 50);
	/* Running: again after it ends, no sooner than the delay. */
	scheduler_want_after(&fake_job, &a, 30);
	t0 = uv_now(&loop);
	scheduler_done(&fake_job, &a);
	assert_string_equal(order, "ba");
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_string_equal(order, "baa");
	assert_true(uv_now(&loop) - t0 >= 30);
	scheduler_done(&fake_job, &a);
	/* Asked for again: the delay is dropped. */
	scheduler_want_after(&fake_job, &a, 60000);
	scheduler_want(&fake_job, &a, 1);
	assert_string_equal(order, "baaa");
	scheduler_done(&fake_job, &a);
	assert_false(scheduler_busy(&fake_job, &a));
}

#define T(f, s)	cmocka_unit_test_setup_teardown(f, s, teardown)

static const struct CMUnitTest tests[] = {
	T(test_scheduler_rank, setup_cap1),
	T(test_scheduler_urgent, setup_cap1),
	T(test_scheduler_one_pending, setup_cap1),
	T(test_scheduler_cap, setup_cap2),
	T(test_scheduler_start_fails, setup_cap1),
	T(test_scheduler_cancel, setup_cap1),
	T(test_scheduler_debounce, setup_cap1),
	T(test_scheduler_quiet, setup_cap1),
	T(test_scheduler_events_waiting, setup_cap1),
	T(test_scheduler_poll, setup_cap1),
	T(test_scheduler_delay, setup_cap1),
};

HARNESS_MAIN(tests)
