/*
 * Unit tests for common/safefile.c and the readers built on it
 * (hash_update_file, wsconfig_load): a FIFO nobody writes to, links to
 * /dev/zero and /dev/urandom, a directory and a huge sparse file are
 * refused at once, with no open() that blocks and no read that runs on;
 * a regular file (also through a link) is read whole.
 */
#include "harness.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/safefile.h"
#include "hearth/wsconfig.h"

static char *
path_in(const char *dir, const char *name)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return (p);
}

/* The hostile files of a directory, made once per test. */
static void
make_hostile(const char *dir)
{
	char	*p;
	int	 fd;

	p = path_in(dir, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);
	p = path_in(dir, "zero");
	assert_int_equal(symlink("/dev/zero", p), 0);
	free(p);
	p = path_in(dir, "urandom");
	assert_int_equal(symlink("/dev/urandom", p), 0);
	free(p);
	p = path_in(dir, "dir");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	/* 3 GiB, sparse: reading it would take a while. */
	p = path_in(dir, "huge");
	assert_true((fd = open(p, O_WRONLY|O_CREAT, 0600)) != -1);
	assert_int_equal(ftruncate(fd, (off_t)3 << 30), 0);
	close(fd);
	free(p);
	harness_write(dir, "plain", "hello\n");
	p = path_in(dir, "link");
	assert_int_equal(symlink("plain", p), 0);
	free(p);
}

static void
test_read(void **state)
{
	static const struct {
		const char	*name;
		int		 err;
		const char	*why;
	} bad[] = {
		{ "fifo", EINVAL, "a FIFO, not a regular file" },
		{ "zero", EINVAL, "a character device, not a regular file" },
		{ "urandom", EINVAL, "a character device, not a regular file" },
		{ "dir", EINVAL, "a directory, not a regular file" },
		{ "huge", EFBIG, "larger than 1048576 bytes" },
		{ "missing", ENOENT, "No such file or directory" },
	};
	struct buf	 b = BUF_INIT;
	char		*dir = harness_tmpdir(), *p, *why;
	size_t		 i;

	(void)state;
	make_hostile(dir);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		p = path_in(dir, bad[i].name);
		why = NULL;
		assert_int_equal(safefile_read(p, 1 << 20, &b, &why), -1);
		assert_int_equal(errno, bad[i].err);
		assert_string_equal(why, bad[i].why);
		assert_int_equal(b.len, 0);
		free(why);
		why = NULL;
		assert_int_equal(safefile_check(p, 1 << 20, &why),
		    bad[i].err == ENOENT ? 0 : -1);
		free(why);
		free(p);
	}
	for (i = 0; i < 2; i++) {
		p = path_in(dir, i == 0 ? "plain" : "link");
		why = NULL;
		assert_int_equal(safefile_read(p, 1 << 20, &b, &why), 0);
		assert_int_equal(b.len, 6);
		assert_memory_equal(b.data, "hello\n", 6);
		buf_reset(&b);
		/* Exactly at the cap is fine; a byte less is not. */
		assert_int_equal(safefile_read(p, 6, &b, &why), 0);
		buf_reset(&b);
		assert_int_equal(safefile_read(p, 5, &b, &why), -1);
		assert_int_equal(errno, EFBIG);
		free(why);
		buf_reset(&b);
		free(p);
	}
	buf_release(&b);
	harness_rmtree(dir);
	free(dir);
}

/* A descriptor read past its cap (the file grew after the check). */
static void
test_drain_cap(void **state)
{
	struct buf	 b = BUF_INIT;
	int		 fd;

	(void)state;
	assert_true((fd = open("/dev/zero", O_RDONLY)) != -1);
	assert_int_equal(safefile_drain(fd, 100000, &b, NULL, NULL), -1);
	assert_int_equal(errno, EFBIG);
	assert_true(b.len <= 100000);
	close(fd);
	buf_release(&b);
}

static void
test_hash(void **state)
{
	static const char *const bad[] = { "fifo", "zero", "urandom",
	    "huge" };
	struct hash_state	*h;
	char			*dir = harness_tmpdir(), *p;
	char			 a[HASH_HEX_SIZE], b[HASH_HEX_SIZE];
	size_t			 i;

	(void)state;
	make_hostile(dir);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		p = path_in(dir, bad[i]);
		h = hash_new();
		assert_int_equal(hash_update_file(h, p), -1);
		hash_final(h, a);
		assert_int_equal(hash_file(p, a), -1);
		free(p);
	}
	/* A link hashes as its target. */
	p = path_in(dir, "plain");
	assert_int_equal(hash_file(p, a), 0);
	free(p);
	p = path_in(dir, "link");
	assert_int_equal(hash_file(p, b), 0);
	free(p);
	assert_string_equal(a, b);
	harness_rmtree(dir);
	free(dir);
}

static void
test_wsconfig(void **state)
{
	static const struct {
		const char	*name;
		const char	*error;
	} bad[] = {
		{ "fifo", ".hearth.ini: a FIFO, not a regular file" },
		{ "zero", ".hearth.ini: a character device, not a regular "
		    "file" },
		{ "huge", ".hearth.ini: larger than" },
	};
	struct wsconfig	*c;
	char		*dir = harness_tmpdir(), *p;
	size_t		 i;

	(void)state;
	make_hostile(dir);
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		p = path_in(dir, bad[i].name);
		c = wsconfig_load(p);
		assert_non_null(wsconfig_error(c));
		assert_non_null(strstr(wsconfig_error(c), bad[i].error));
		wsconfig_free(c);
		free(p);
	}
	/* Missing is fine, as before. */
	p = path_in(dir, "missing");
	c = wsconfig_load(p);
	assert_null(wsconfig_error(c));
	wsconfig_free(c);
	free(p);
	harness_rmtree(dir);
	free(dir);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_read),
	cmocka_unit_test(test_drain_cap),
	cmocka_unit_test(test_hash),
	cmocka_unit_test(test_wsconfig),
};

HARNESS_MAIN(tests)
