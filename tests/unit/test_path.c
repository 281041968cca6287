/*
 * Unit tests for common/path.c: joining, the walk up to a workspace root,
 * directory creation, and the runtime and state directories with the XDG
 * variables pointed at a private tree. Each test gets its own directory,
 * and teardown puts the environment back as it found it.
 */
#include "harness.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>

#include "hearth/path.h"

static const char *saved_names[] = {
	"XDG_RUNTIME_DIR", "XDG_STATE_HOME", "HOME", "PATH",
};
#define SAVED_COUNT	(sizeof saved_names / sizeof *saved_names)

struct fixture {
	char	*dir;
	char	*saved[SAVED_COUNT];
	mode_t	 umask;
};

static int
setup(void **state)
{
	struct fixture	*f;
	const char	*v;
	size_t		 i;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = harness_tmpdir();
	for (i = 0; i < SAVED_COUNT; i++) {
		if ((v = getenv(saved_names[i])) != NULL)
			f->saved[i] = strdup(v);
	}
	/* The mode checks below assume the usual mask. */
	f->umask = umask(022);
	*state = f;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < SAVED_COUNT; i++) {
		if (f->saved[i] != NULL)
			setenv(saved_names[i], f->saved[i], 1);
		else
			unsetenv(saved_names[i]);
		free(f->saved[i]);
	}
	umask(f->umask);
	harness_rmtree(f->dir);
	free(f->dir);
	free(f);
	return (0);
}

/* dir/rel as a new string. */
static char *
sub(struct fixture *f, const char *rel)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
	return (p);
}

/* Create dir/rel (and its parents) as a directory. */
static char *
mkdir_sub(struct fixture *f, const char *rel)
{
	char	*p = sub(f, rel);

	assert_int_equal(path_mkdirs(p, 0755), 0);
	return (p);
}

/* Create dir/rel as an empty regular file. */
static void
touch_sub(struct fixture *f, const char *rel)
{
	char	*p = sub(f, rel);
	int	 fd;

	assert_true((fd = open(p, O_WRONLY|O_CREAT|O_TRUNC, 0644)) != -1);
	close(fd);
	free(p);
}

static int
is_file(const char *path)
{
	struct stat	 st;

	return (stat(path, &st) == 0 && S_ISREG(st.st_mode));
}

static void
test_join(void **state)
{
	char	*p;

	(void)state;
	p = path_join("/a/b", "c");
	assert_string_equal(p, "/a/b/c");
	free(p);
	p = path_join("/a/b/", "c");
	assert_string_equal(p, "/a/b/c");
	free(p);
	p = path_join("/", "flake.nix");
	assert_string_equal(p, "/flake.nix");
	free(p);
	p = path_join("rel", "x");
	assert_string_equal(p, "rel/x");
	free(p);
}

static void
test_find_nested(void **state)
{
	struct fixture	*f = *state;
	char		*outer, *inner, *deep, *other, *ws;

	outer = mkdir_sub(f, "outer");
	inner = mkdir_sub(f, "outer/inner");
	deep = mkdir_sub(f, "outer/inner/src/deep");
	other = mkdir_sub(f, "outer/other/x");
	touch_sub(f, "outer/flake.nix");
	touch_sub(f, "outer/inner/flake.nix");

	/* The nearest ancestor wins over an outer workspace. */
	ws = path_find_workspace(deep);
	assert_non_null(ws);
	assert_string_equal(ws, inner);
	free(ws);
	ws = path_find_workspace(other);
	assert_non_null(ws);
	assert_string_equal(ws, outer);
	free(ws);
	free(outer);
	free(inner);
	free(deep);
	free(other);
}

static void
test_find_self(void **state)
{
	struct fixture	*f = *state;
	char		*root, *slash, *ws;

	root = mkdir_sub(f, "root");
	touch_sub(f, "root/flake.nix");
	ws = path_find_workspace(root);
	assert_non_null(ws);
	assert_string_equal(ws, root);
	free(ws);
	/* A trailing slash names the same directory. */
	assert_true(asprintf(&slash, "%s/", root) > 0);
	ws = path_find_workspace(slash);
	assert_non_null(ws);
	assert_int_equal(strncmp(ws, root, strlen(root)), 0);
	free(ws);
	free(slash);
	free(root);
}

static void
test_find_none(void **state)
{
	struct fixture	*f = *state;
	char		*d;

	if (is_file("/flake.nix") || is_file("/tmp/flake.nix"))
		skip();
	d = mkdir_sub(f, "a/b/c");
	assert_null(path_find_workspace(d));
	assert_null(path_find_workspace(f->dir));
	free(d);
}

static void
test_find_flake_dir(void **state)
{
	struct fixture	*f = *state;
	char		*outer, *mid, *ws;

	outer = mkdir_sub(f, "outer");
	touch_sub(f, "outer/flake.nix");
	mid = mkdir_sub(f, "outer/mid/x");
	free(mkdir_sub(f, "outer/mid/flake.nix"));
	/* A directory named flake.nix does not make a workspace. */
	ws = path_find_workspace(mid);
	assert_non_null(ws);
	assert_string_equal(ws, outer);
	free(ws);
	free(outer);
	free(mid);
}

static void
test_find_relative(void **state)
{
	struct fixture	*f = *state;
	char		 cwd[PATH_MAX];

	touch_sub(f, "flake.nix");
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(f->dir), 0);
	/* Even with a flake.nix right here, a relative path is refused. */
	assert_null(path_find_workspace("."));
	assert_null(path_find_workspace(""));
	assert_null(path_find_workspace("sub/dir"));
	assert_int_equal(chdir(cwd), 0);
}

static void
test_find_root(void **state)
{
	char	*ws;

	(void)state;
	ws = path_find_workspace("/");
	if (is_file("/flake.nix")) {
		assert_non_null(ws);
		assert_string_equal(ws, "/");
	} else
		assert_null(ws);
	free(ws);
}

static void
test_mkdirs(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;
	char		*leaf, *mid;

	leaf = sub(f, "p/q/r/leaf");
	mid = sub(f, "p/q");
	assert_int_equal(path_mkdirs(leaf, 0700), 0);
	assert_int_equal(stat(mid, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755);
	assert_int_equal(stat(leaf, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* Existing directories are fine. */
	assert_int_equal(path_mkdirs(leaf, 0700), 0);
	free(leaf);
	free(mid);

	/* A file in the way fails. */
	touch_sub(f, "file");
	leaf = sub(f, "file/below");
	assert_int_equal(path_mkdirs(leaf, 0700), -1);
	free(leaf);
}

static void
test_runtime_dir(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;
	char		*run, *want, *dir, *cause = NULL;

	run = sub(f, "run");
	want = sub(f, "run/hearth");
	assert_int_equal(setenv("XDG_RUNTIME_DIR", run, 1), 0);
	dir = path_runtime_dir(&cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_string_equal(dir, want);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	free(dir);
	/* A second call accepts what the first made. */
	dir = path_runtime_dir(&cause);
	assert_non_null(dir);
	assert_string_equal(dir, want);
	free(dir);
	free(run);
	free(want);
}

static void
test_runtime_dir_public(void **state)
{
	struct fixture	*f = *state;
	char		*run, *bad, *dir, *cause = NULL;

	run = mkdir_sub(f, "run");
	bad = mkdir_sub(f, "run/hearth");
	assert_int_equal(chmod(bad, 0755), 0);
	assert_int_equal(setenv("XDG_RUNTIME_DIR", run, 1), 0);
	dir = path_runtime_dir(&cause);
	assert_null(dir);
	assert_non_null(cause);
	assert_non_null(strstr(cause, bad));
	free(cause);
	free(run);
	free(bad);
}

static void
test_runtime_dir_relative(void **state)
{
	char		*dir, *want, *cause = NULL;
	struct stat	 st;
	int		 existed;

	(void)state;
	assert_true(asprintf(&want, "/tmp/hearth-%u",
	    (unsigned)getuid()) > 0);
	existed = lstat(want, &st) == 0;
	assert_int_equal(setenv("XDG_RUNTIME_DIR", "relative/run", 1), 0);
	dir = path_runtime_dir(&cause);
	if (dir == NULL)
		fail_msg("path_runtime_dir: %s", cause);
	assert_int_equal(strncmp(dir, "/tmp/hearth-", 12), 0);
	assert_string_equal(dir, want);
	/* Leave /tmp as it was, unless something else is in there now. */
	if (!existed)
		rmdir(dir);
	free(dir);
	free(want);
}

static void
test_state_dir(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;
	char		*base, *want, *dir, *cause = NULL;

	base = sub(f, "state");
	want = sub(f, "state/hearth");
	assert_int_equal(setenv("XDG_STATE_HOME", base, 1), 0);
	dir = path_state_dir(&cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_string_equal(dir, want);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(dir);
	free(base);
	free(want);
}

static void
test_state_dir_home(void **state)
{
	struct fixture	*f = *state;
	struct stat	 st;
	char		*want, *dir, *cause = NULL;

	want = sub(f, ".local/state/hearth");
	assert_int_equal(setenv("HOME", f->dir, 1), 0);
	assert_int_equal(unsetenv("XDG_STATE_HOME"), 0);
	dir = path_state_dir(&cause);
	assert_non_null(dir);
	assert_string_equal(dir, want);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	free(dir);
	/* A relative XDG_STATE_HOME is ignored too. */
	assert_int_equal(setenv("XDG_STATE_HOME", "rel/state", 1), 0);
	dir = path_state_dir(&cause);
	assert_non_null(dir);
	assert_string_equal(dir, want);
	free(dir);
	free(want);

	/* With neither, there is nowhere to go. */
	assert_int_equal(unsetenv("XDG_STATE_HOME"), 0);
	assert_int_equal(unsetenv("HOME"), 0);
	dir = path_state_dir(&cause);
	assert_null(dir);
	assert_non_null(cause);
	free(cause);
}

static void
test_resolve(void **state)
{
	struct fixture	*f = *state;
	char		*real, *link, *missing, *p, *cause = NULL;

	real = mkdir_sub(f, "real");
	link = sub(f, "link");
	assert_int_equal(symlink(real, link), 0);
	p = path_resolve(link, &cause);
	assert_non_null(p);
	assert_null(cause);
	/* harness_tmpdir's /tmp may itself be a link: compare to realpath. */
	free(real);
	real = realpath(link, NULL);
	assert_non_null(real);
	assert_string_equal(p, real);
	free(p);

	missing = sub(f, "missing/dir");
	p = path_resolve(missing, &cause);
	assert_null(p);
	assert_non_null(cause);
	assert_non_null(strstr(cause, missing));
	free(cause);
	free(missing);
	free(real);
	free(link);
}

/*
 * A command name through PATH: empty entries skipped, only a regular
 * executable file counts (not a directory of that name), a name with a
 * slash taken as it is.
 */
static void
test_which(void **state)
{
	struct fixture	*f = *state;
	char		*bin, *prog, *dirprog, *found, *c;
	FILE		*fp;

	bin = sub(f, "bin");
	prog = sub(f, "bin/nix");
	dirprog = sub(f, "other/nix");
	assert_int_equal(path_mkdirs(dirprog, 0755), 0);
	assert_int_equal(path_mkdirs(bin, 0755), 0);
	assert_null(path_which(prog));
	assert_non_null(fp = fopen(prog, "w"));
	fclose(fp);
	assert_null(path_which(prog));		/* not executable yet */
	chmod(prog, 0755);
	assert_non_null(found = path_which(prog));
	assert_string_equal(found, prog);
	free(found);

	setenv("PATH", "::/nonexistent", 1);
	assert_null(path_which("nix"));
	unsetenv("PATH");
	assert_null(path_which("nix"));
	/* The directory named nix comes first and is passed over. */
	assert_true(asprintf(&c, "/nonexistent::%s/other:%s/bin", f->dir,
	    f->dir) > 0);
	setenv("PATH", c, 1);
	free(c);
	assert_non_null(found = path_which("nix"));
	assert_string_equal(found, prog);
	free(found);
	free(bin);
	free(prog);
	free(dirprog);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, setup, teardown)
static const struct CMUnitTest tests[] = {
	T(test_join),
	T(test_find_nested),
	T(test_find_self),
	T(test_find_none),
	T(test_find_flake_dir),
	T(test_find_relative),
	T(test_find_root),
	T(test_mkdirs),
	T(test_runtime_dir),
	T(test_runtime_dir_public),
	T(test_runtime_dir_relative),
	T(test_state_dir),
	T(test_state_dir_home),
	T(test_resolve),
	T(test_which),
};

HARNESS_MAIN(tests)
