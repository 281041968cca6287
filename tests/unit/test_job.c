/*
 * Unit tests for daemon/job.c: real child processes on a real uv loop.
 * What they write is captured, within its cap; lines come whole across
 * reads; a deadline, a cancel or an overflow kills the whole process
 * group; a program that cannot run still completes once; and no job
 * leaves an fd, a handle or a zombie behind.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <uv.h>

#include "harness.h"

#include "hearth/buf.h"
#include "hearth/log.h"
#include "job.h"

extern char	**environ;

struct run {
	uv_loop_t		 loop;
	struct buf		 out;
	struct buf		 err;
	struct buf		 lines;	/* each line, then '|' */
	int			 calls;
	struct job_result	 r;
	char			*cause;
	struct job		*job;
};

static int
setup(void **state)
{
	struct run	*run = calloc(1, sizeof *run);

	assert_non_null(run);
	assert_int_equal(uv_loop_init(&run->loop), 0);
	buf_init(&run->out);
	buf_init(&run->err);
	buf_init(&run->lines);
	*state = run;
	return (0);
}

static int
teardown(void **state)
{
	struct run	*run = *state;

	/* Every handle of every job is closed: the loop closes. */
	assert_int_equal(uv_loop_close(&run->loop), 0);
	buf_release(&run->out);
	buf_release(&run->err);
	buf_release(&run->lines);
	free(run->cause);
	free(run);
	return (0);
}

static void
done(const struct job_result *r, void *arg)
{
	struct run	*run = arg;

	run->calls++;
	run->r = *r;
	run->r.cause = NULL;
	free(run->cause);
	run->cause = r->cause != NULL ? strdup(r->cause) : NULL;
	run->job = NULL;
}

static void
line(const char *s, void *arg)
{
	struct run	*run = arg;

	buf_adds(&run->lines, s);
	buf_addc(&run->lines, '|');
}

static void
spec_init(struct job_spec *js, struct run *run, char *const *argv)
{
	memset(js, 0, sizeof *js);
	js->argv = argv;
	js->env = environ;
	js->cwd = "/";
	js->timeout_ms = 10000;
	js->out[0].fd = 1;
	js->out[0].to = &run->out;
	js->out[0].cap = 1024 * 1024;
	js->out[1].fd = 2;
	js->out[1].to = &run->err;
	js->out[1].cap = 1024 * 1024;
	js->nout = 2;
	js->cb = done;
	js->arg = run;
}

static void
run_spec(struct run *run, const struct job_spec *js)
{
	buf_reset(&run->out);
	buf_reset(&run->err);
	buf_reset(&run->lines);
	run->calls = 0;
	run->job = job_start(&run->loop, js);
	assert_non_null(run->job);
	uv_run(&run->loop, UV_RUN_DEFAULT);
	assert_int_equal(run->calls, 1);
}

static void
run_sh(struct run *run, const char *script, uint64_t timeout_ms)
{
	struct job_spec	 js;
	char		*argv[] = { "sh", "-c", (char *)script, NULL };

	spec_init(&js, run, argv);
	js.timeout_ms = timeout_ms;
	run_spec(run, &js);
}

static int64_t
ms_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* 1 while pid lives (a zombie counts as dead). */
static int
alive(pid_t pid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (0);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] == '\0')
		return (0);
	return (p[2] != 'Z' && p[2] != 'X');
}

static int
count_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return (n);
}

static void
test_capture(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "sh", "-c", "echo three >&3; exit 4",
			    NULL };

	run_sh(run, "echo hello; echo oops >&2; exit 3", 10000);
	assert_int_equal(run->r.status, 3);
	assert_int_equal(run->r.signal, 0);
	assert_false(run->r.timed_out || run->r.cancelled || run->r.overflow ||
	    run->r.error);
	assert_null(run->cause);
	assert_int_equal(run->out.len, 6);
	assert_memory_equal(run->out.data, "hello\n", 6);
	assert_string_equal(run->err.data, "oops\n");

	/* Any fd, such as eval's dump on fd 3. */
	spec_init(&js, run, argv);
	js.out[1].fd = 3;
	run_spec(run, &js);
	assert_int_equal(run->r.status, 4);
	assert_string_equal(run->err.data, "three\n");
	assert_int_equal(run->out.len, 0);
}

static void
test_cap_keep_tail(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "seq", "1", "100000", NULL };

	spec_init(&js, run, argv);
	js.out[0].cap = 10;
	js.out[0].keep_tail = 1;
	run_spec(run, &js);
	assert_int_equal(run->r.status, 0);
	assert_false(run->r.overflow);
	assert_int_equal(run->out.len, 10);
	assert_memory_equal(run->out.data, "99\n100000\n", 10);
}

static void
test_cap_fail(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "sh", "-c", "seq 1 100000; exec sleep 100",
			    NULL };
	int64_t		 t0 = ms_now();

	spec_init(&js, run, argv);
	js.out[0].cap = 100;
	run_spec(run, &js);
	assert_true(run->r.overflow);
	assert_false(run->r.timed_out);
	assert_int_equal(run->r.signal, SIGKILL);
	assert_int_equal(run->out.len, 100);
	assert_memory_equal(run->out.data, "1\n2\n3\n", 6);
	assert_true(ms_now() - t0 < 5000);
}

static void
test_lines(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "sh", "-c",
			    "printf ab; sleep 0.1; printf 'c\\nde'; sleep 0.1; "
			    "printf 'f\\n\\n'; head -c 70000 /dev/zero | "
			    "tr '\\0' x; sleep 0.1; echo; echo after; "
			    "printf unterminated", NULL };

	spec_init(&js, run, argv);
	js.out[0].line = line;
	run_spec(run, &js);
	assert_int_equal(run->r.status, 0);
	/* A line past JOB_MAX_LINE is dropped, and so is an unended one. */
	assert_string_equal(run->lines.data, "abc|def||after|");
	/* The buffer has everything. */
	assert_int_equal(run->out.len, 9 + 70000 + 1 + 6 + 12);
}

static void
test_deadline_kills_group(void **state)
{
	struct run	*run = *state;
	pid_t		 grandchild;
	int64_t		 t0 = ms_now();
	int		 i;

	/* The child exits at once; what it started holds its stdout. */
	run_sh(run, "sleep 100 & echo $!; exit 0", 300);
	assert_true(run->r.timed_out);
	assert_int_equal(run->r.status, 0);
	assert_true(ms_now() - t0 < 5000);
	grandchild = (pid_t)atoi(run->out.data);
	assert_true(grandchild > 0);
	for (i = 0; i < 100 && alive(grandchild); i++)
		usleep(20000);
	assert_false(alive(grandchild));
}

/* Out of the group and the session, and still killed at the deadline. */
static void
test_deadline_kills_descendants(void **state)
{
	struct run	*run = *state;
	pid_t		 escaped;
	int		 i;

	run_sh(run, "setsid sleep 100 & echo $!; sleep 100", 300);
	assert_true(run->r.timed_out);
	escaped = (pid_t)atoi(run->out.data);
	assert_true(escaped > 0);
	for (i = 0; i < 100 && alive(escaped); i++)
		usleep(20000);
	assert_false(alive(escaped));
}

/*
 * Ended at exit: the owner hears when the child exits, with all it
 * wrote, though what it left running holds the pipes; that keeps
 * running, and neither holds the loop nor outlives job_shutdown().
 */
static void
test_end_at_exit(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "sh", "-c",
			    "sleep 100 & echo $!; echo done >&2", NULL };
	pid_t		 left;
	int64_t		 t0 = ms_now();

	spec_init(&js, run, argv);
	js.end_at_exit = 1;
	run_spec(run, &js);
	assert_false(run->r.timed_out);
	assert_int_equal(run->r.status, 0);
	assert_string_equal(run->err.data, "done\n");
	assert_true(ms_now() - t0 < 5000);
	left = (pid_t)atoi(run->out.data);
	assert_true(left > 0);
	assert_true(alive(left));
	job_shutdown();
	uv_run(&run->loop, UV_RUN_DEFAULT);
	assert_true(alive(left));
	kill(left, SIGKILL);
}

static void
cancel_soon(uv_timer_t *t)
{
	struct run	*run = t->data;

	job_cancel(run->job);
	uv_close((uv_handle_t *)t, NULL);
}

static void
test_cancel(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	uv_timer_t	 timer;
	char		*argv[] = { "sh", "-c", "sleep 100 & sleep 100", NULL };
	int64_t		 t0 = ms_now();

	spec_init(&js, run, argv);
	uv_timer_init(&run->loop, &timer);
	timer.data = run;
	uv_timer_start(&timer, cancel_soon, 100, 0);
	run_spec(run, &js);
	assert_true(run->r.cancelled);
	assert_false(run->r.timed_out);
	assert_int_equal(run->r.signal, SIGKILL);
	assert_true(ms_now() - t0 < 5000);
	assert_null(run->job);
	/* After the end, a cancel of nothing is harmless. */
	job_cancel(NULL);
}

static void
test_spawn_failure(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*argv[] = { "hearth-no-such-program", "x", NULL };
	char		*abs[] = { "/nonexistent/hearth-no-such-program",
			    NULL };

	spec_init(&js, run, argv);
	run_spec(run, &js);
	assert_int_equal(run->r.error, UV_ENOENT);
	assert_non_null(run->cause);
	assert_non_null(strstr(run->cause, "hearth-no-such-program"));
	assert_int_equal(run->out.len, 0);

	spec_init(&js, run, abs);
	job_cancel(run->job = job_start(&run->loop, &js));
	run->calls = 0;
	uv_run(&run->loop, UV_RUN_DEFAULT);
	assert_int_equal(run->calls, 1);
	assert_int_equal(run->r.error, UV_ENOENT);
}

static void
test_no_leaks(void **state)
{
	struct run	*run = *state;
	struct job_spec	 js;
	char		*missing[] = { "hearth-no-such-program", NULL };
	char		 path[64];
	FILE		*f;
	int		 before, i, c;

	run_sh(run, "true", 1000);
	before = count_fds();
	for (i = 0; i < 60; i++) {
		switch (i % 3) {
		case 0:
			run_sh(run, "echo out; echo err >&2", 10000);
			assert_int_equal(run->r.status, 0);
			break;
		case 1:
			run_sh(run, "sleep 100 & exec sleep 100", 20);
			assert_true(run->r.timed_out);
			break;
		case 2:
			spec_init(&js, run, missing);
			run_spec(run, &js);
			assert_int_not_equal(run->r.error, 0);
			break;
		}
	}
	assert_int_equal(count_fds(), before);
	assert_false(uv_loop_alive(&run->loop));
	/* No child of ours is left, not even a zombie. */
	snprintf(path, sizeof path, "/proc/self/task/%d/children",
	    (int)getpid());
	if ((f = fopen(path, "r")) != NULL) {
		c = fgetc(f);
		fclose(f);
		assert_int_equal(c, EOF);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_capture, setup, teardown),
	cmocka_unit_test_setup_teardown(test_cap_keep_tail, setup, teardown),
	cmocka_unit_test_setup_teardown(test_cap_fail, setup, teardown),
	cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
	cmocka_unit_test_setup_teardown(test_deadline_kills_group, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	cmocka_unit_test_setup_teardown(test_spawn_failure, setup, teardown),
	cmocka_unit_test_setup_teardown(test_no_leaks, setup, teardown),
	cmocka_unit_test_setup_teardown(test_deadline_kills_descendants, setup,
	    teardown),
	/* Last: after job_shutdown() no job lingers. */
	cmocka_unit_test_setup_teardown(test_end_at_exit, setup, teardown),
};

HARNESS_MAIN(tests)
