/*
 * The watcher on real inotify in a temporary directory: a write, an
 * editor's rename-replace, a removed directory, two owners of one
 * directory, events waiting to be read, and (read(2) wrapped to inject
 * one) a queue overflow.
 */
#include "harness.h"

#include <sys/inotify.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <uv.h>

#include "watcher.h"

#define NSEEN	32

struct seen {
	void	*owner;
	char	 name[64];
};

static uv_loop_t	 loop;
static struct watcher	*w;
static char		*dir;
static struct seen	 seen[NSEEN];
static size_t		 nseen;
static int		 overflow;	/* the next inotify read overflows */
static int		 owner_a, owner_b;

ssize_t	__real_read(int, void *, size_t);
ssize_t	__wrap_read(int, void *, size_t);

/* The watcher reads its chunks of 16384 bytes; nothing else here does. */
ssize_t
__wrap_read(int fd, void *buf, size_t len)
{
	struct inotify_event	 ev;

	if (overflow && len == 16384) {
		overflow = 0;
		memset(&ev, 0, sizeof ev);
		ev.wd = -1;
		ev.mask = IN_Q_OVERFLOW;
		memcpy(buf, &ev, sizeof ev);
		return (sizeof ev);
	}
	return (__real_read(fd, buf, len));
}

static void
record(void *owner, const char *name)
{
	if (nseen == NSEEN)
		return;
	seen[nseen].owner = owner;
	snprintf(seen[nseen].name, sizeof seen[nseen].name, "%s", name);
	nseen++;
}

/* Turn the loop until the events that wait are read. */
static void
settle(void)
{
	int	 i;

	for (i = 0; i < 20; i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		if (!watcher_pending(w))
			break;
		usleep(1000);
	}
	uv_run(&loop, UV_RUN_NOWAIT);
}

static int
saw(void *owner, const char *name)
{
	size_t	 i;

	for (i = 0; i < nseen; i++) {
		if (seen[i].owner == owner && strcmp(seen[i].name, name) == 0)
			return (1);
	}
	return (0);
}

static int
setup(void **state)
{
	char	*cause = NULL;

	(void)state;
	nseen = 0;
	overflow = 0;
	dir = harness_tmpdir();
	uv_loop_init(&loop);
	w = watcher_new(&loop, record, &cause);
	assert_non_null(w);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	watcher_free(w);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	harness_rmtree(dir);
	free(dir);
	return (0);
}

/* A file written in a watched directory is named to its owner. */
static void
test_watcher_write(void **state)
{
	(void)state;
	assert_true(watcher_add(w, dir, &owner_a) >= 0);
	harness_write(dir, "flake.nix", "{ }\n");
	assert_true(watcher_pending(w));
	settle();
	assert_true(saw(&owner_a, "flake.nix"));
	assert_false(watcher_pending(w));
}

/* An editor's save: write a temporary file, rename it over the file. */
static void
test_watcher_rename_replace(void **state)
{
	char	*from, *to;

	(void)state;
	harness_write(dir, "flake.lock", "old\n");
	assert_true(watcher_add(w, dir, &owner_a) >= 0);
	harness_write(dir, ".flake.lock.swp", "new\n");
	assert_true(asprintf(&from, "%s/.flake.lock.swp", dir) > 0);
	assert_true(asprintf(&to, "%s/flake.lock", dir) > 0);
	settle();
	nseen = 0;
	assert_int_equal(rename(from, to), 0);
	settle();
	assert_true(saw(&owner_a, "flake.lock"));
	free(from);
	free(to);
}

/* A watched directory that goes is told as "" (watch again). */
static void
test_watcher_dir_removed(void **state)
{
	char	*sub;

	(void)state;
	assert_true(asprintf(&sub, "%s/pkg", dir) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(watcher_add(w, sub, &owner_a) >= 0);
	assert_int_equal(rmdir(sub), 0);
	settle();
	assert_true(saw(&owner_a, ""));
	/* Its watch is gone: removing it again is harmless. */
	free(sub);
}

/* A directory that is not there cannot be watched. */
static void
test_watcher_missing(void **state)
{
	char	*sub;

	(void)state;
	assert_true(asprintf(&sub, "%s/absent", dir) > 0);
	assert_int_equal(watcher_add(w, sub, &owner_a), -1);
	free(sub);
}

/* Two owners of one directory: both told; one leaving keeps the other. */
static void
test_watcher_two_owners(void **state)
{
	int	 wa, wb;

	(void)state;
	assert_true((wa = watcher_add(w, dir, &owner_a)) >= 0);
	assert_true((wb = watcher_add(w, dir, &owner_b)) >= 0);
	assert_int_equal(wa, wb);
	harness_write(dir, "a", "1\n");
	settle();
	assert_true(saw(&owner_a, "a"));
	assert_true(saw(&owner_b, "a"));
	watcher_remove(w, wa, &owner_a);
	nseen = 0;
	harness_write(dir, "b", "1\n");
	settle();
	assert_false(saw(&owner_a, "b"));
	assert_true(saw(&owner_b, "b"));
}

/* Lost events (IN_Q_OVERFLOW): every owner is told to check everything. */
static void
test_watcher_overflow(void **state)
{
	char	*sub;

	(void)state;
	assert_true(asprintf(&sub, "%s/pkg", dir) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(watcher_add(w, dir, &owner_a) >= 0);
	assert_true(watcher_add(w, sub, &owner_b) >= 0);
	settle();
	nseen = 0;
	overflow = 1;
	harness_write(dir, "x", "1\n");
	settle();
	assert_true(saw(&owner_a, ""));
	assert_true(saw(&owner_b, ""));
	free(sub);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)

static const struct CMUnitTest tests[] = {
	T(test_watcher_write),
	T(test_watcher_rename_replace),
	T(test_watcher_dir_removed),
	T(test_watcher_missing),
	T(test_watcher_two_owners),
	T(test_watcher_overflow),
};

HARNESS_MAIN(tests)
