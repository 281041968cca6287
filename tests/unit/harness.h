/*
 * The shared harness of the cmocka unit tests: each tests/unit/test_*.c
 * ends with HARNESS_MAIN(tests). HEARTH_TEST_FILTER (a glob) picks tests
 * by name, and harness_tmpdir() gives a fixture a fresh directory.
 */
#ifndef HEARTH_HARNESS_H
#define HEARTH_HARNESS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* A new empty directory under /tmp; the caller removes it. */
static inline char *
harness_tmpdir(void)
{
	char	 tmpl[] = "/tmp/hearth-unit.XXXXXX", *d;

	d = mkdtemp(tmpl);
	assert_non_null(d);
	return (strdup(d));
}

/* Remove a directory tree made by harness_tmpdir(). */
static inline void
harness_rmtree(const char *dir)
{
	char	*cmd;

	if (dir == NULL || strncmp(dir, "/tmp/hearth-unit.", 17) != 0)
		return;
	if (asprintf(&cmd, "rm -rf '%s'", dir) > 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
		free(cmd);
	}
}

/* Write text to dir/name (the directory exists), failing the test if not. */
static inline void
harness_write(const char *dir, const char *name, const char *text)
{
	char	*p;
	FILE	*f;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	free(p);
}

#define HARNESS_MAIN(tests)						\
int									\
main(void)								\
{									\
	const char *filter = getenv("HEARTH_TEST_FILTER");		\
									\
	if (filter != NULL && *filter != '\0')				\
		cmocka_set_test_filter(filter);				\
	return (cmocka_run_group_tests(tests, NULL, NULL));		\
}

#endif
