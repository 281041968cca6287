/*
 * Unit tests for daemon/hookreads.c: the hook's environment carries the
 * tracer; its records become inputs of the work-tree kinds, with paths
 * made normal, and only this hook's, in the repository, outside .git;
 * what it wrote is kept apart; a cut-short record is no input; the trace
 * file goes once read.
 */
#include <sys/stat.h>

#include <unistd.h>

#include "hearth/log.h"

#include "harness.h"

#include "hookreads.h"
#include "inputs.h"

static char	*dir;

static int
setup(void **state)
{
	(void)state;
	dir = harness_tmpdir();
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	harness_rmtree(dir);
	free(dir);
	inputs_forget();
	return (0);
}

/* The value of NAME in env, or NULL. */
static const char *
env_get(char *const *env, const char *name)
{
	size_t	 n = strlen(name);

	for (; *env != NULL; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return (*env + n + 1);
	return (NULL);
}

/* The kind of path in the set, or 0 if it is not there. */
static int
kind_of(const struct inputs *in, const char *path)
{
	size_t	 i;

	for (i = 0; i < inputs_count(in); i++)
		if (strcmp(inputs_path(in, i), path) == 0)
			return (inputs_kind(in, i));
	return (0);
}

static void
test_env(void **state)
{
	char		*env[] = { "PATH=/bin", "LD_PRELOAD=/u/mine.so", NULL };
	char		*file;
	struct hookreads *hr;
	char *const	*e;
	struct stat	 st;

	(void)state;
	assert_true(asprintf(&file, "%s/trace", dir) > 0);
	assert_non_null(hr = hookreads_new(dir, dir, env, "/l/trace.so",
	    file));
	e = hookreads_env(hr);
	assert_string_equal(env_get(e, "PATH"), "/bin");
	/* The user's own preload first. */
	assert_string_equal(env_get(e, "LD_PRELOAD"), "/u/mine.so:/l/trace.so");
	assert_string_equal(env_get(e, "HEARTH_NIXTRACE_OUT"), file);
	assert_string_equal(env_get(e, "HEARTH_NIXTRACE_PREFIXES"), dir);
	assert_int_equal(strlen(env_get(e, "HEARTH_NIXTRACE_TOKEN")), 32);
	/* The file is made, empty, for the tracer to append to. */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* A second hook of the same path is refused, not shared. */
	assert_null(hookreads_new(dir, dir, env, "/l/trace.so", file));
	hookreads_free(hr);
	assert_int_equal(stat(file, &st), -1);
	assert_null(hookreads_new(dir, dir, env, NULL, file));
	free(file);
}

static void
test_records(void **state)
{
	char		*env[] = { NULL };
	char		*file, *rec, *p;
	const char	*tok;
	struct hookreads *hr;
	struct inputs	*in = inputs_new(), *written = inputs_new();
	struct stat	 st;

	(void)state;
	assert_true(asprintf(&p, "%s/sub", dir) > 0);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	assert_true(asprintf(&file, "%s/trace", dir) > 0);
	assert_non_null(hr = hookreads_new(dir, dir, env, "/l/trace.so",
	    file));
	tok = env_get(hookreads_env(hr), "HEARTH_NIXTRACE_TOKEN");
#define R(op, fmt) "\036hearth-nixtrace %s " op " " fmt "\n"
	assert_true(asprintf(&rec,
	    R("h", "")
	    R("r", "%s/./a/../.env")		/* made normal */
	    R("s", "%s//missing/")		/* looked for */
	    R("d", "%s/sub")			/* listed */
	    R("r", "%s/sub")			/* a directory read */
	    R("r", "%s/.git/HEAD")		/* git's */
	    R("r", "%s")			/* the root itself */
	    R("r", "/etc/passwd")		/* outside */
	    R("w", "%s/out")			/* written, then read */
	    R("r", "%s/out")
	    R("x", "%s/odd")			/* no such op */
	    "\036hearth-nixtrace 0123 r %s/forged\n"
	    R("r", "%s/cut"),			/* cut short below */
	    tok, tok, dir, tok, dir, tok, dir, tok, dir, tok, dir, tok, dir,
	    tok, tok, dir, tok, dir, tok, dir, dir, tok, dir) > 0);
#undef R
	rec[strlen(rec) - 1] = '\0';
	p = strrchr(file, '/');
	harness_write(dir, p + 1, rec);
	hookreads_end(hr, in, written);
	/* Once: the file is gone, a second end adds nothing. */
	assert_int_equal(stat(file, &st), -1);
	hookreads_end(hr, in, written);

	free(rec);
	assert_true(asprintf(&rec, "%s/.env", dir) > 0);
	assert_int_equal(kind_of(in, rec), INPUTS_WORK);
	free(rec);
	assert_true(asprintf(&rec, "%s/missing", dir) > 0);
	assert_int_equal(kind_of(in, rec), INPUTS_WORK_STAT);
	free(rec);
	assert_true(asprintf(&rec, "%s/sub", dir) > 0);
	assert_int_equal(kind_of(in, rec), INPUTS_WORK_STAT);
	free(rec);
	assert_true(asprintf(&rec, "%s/out", dir) > 0);
	/* Written by the hook: its own doing, not an input (trust too). */
	assert_int_equal(kind_of(in, rec), 0);
	assert_true(inputs_has(written, rec));
	free(rec);
	assert_int_equal(inputs_count(in), 3);
	assert_int_equal(inputs_count(written), 1);

	hookreads_free(hr);
	inputs_free(in);
	inputs_free(written);
	free(file);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_env, setup, teardown),
	cmocka_unit_test_setup_teardown(test_records, setup, teardown),
};

HARNESS_MAIN(tests)
