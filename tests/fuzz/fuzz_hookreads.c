/*
 * Fuzzing the reader of a shellHook's trace (daemon/hookreads.c). The
 * input is the trace file's content after one valid record tag (with the
 * hook's token), as programs of the hook append it. Invariants: every
 * input is under the top, outside its .git, neither the top nor the root
 * itself, of the work-tree kinds, and there are at most 4096; every
 * written path is under the top too; the trace file is gone after.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "fuzz.h"
#include "hookreads.h"
#include "inputs.h"

static char	 top[] = "/tmp/hearth-fuzz.XXXXXX";
static char	*file, *git;

static void
cleanup(void)
{
	unlink(file);
	rmdir(top);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_hookreads", NULL, LOG_STDERR_NONE, 0);
	fuzz_check(mkdtemp(top) != NULL);
	file = xasprintf("%s.trace", top);
	git = xasprintf("%s/.git", top);
	atexit(cleanup);
	return (0);
}

/* Is path under dir (or dir)? */
static int
under(const char *path, const char *dir)
{
	size_t	 n = strlen(dir);

	return (strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*env[] = { NULL };
	char		*tag;
	const char	*tok = NULL;
	char *const	*e;
	struct hookreads *hr;
	struct inputs	*in = inputs_new(), *written = inputs_new();
	struct stat	 st;
	size_t		 i;
	int		 fd, kind;

	unlink(file);
	fuzz_check((hr = hookreads_new(top, top, env, "/l/trace.so",
	    file)) != NULL);
	for (e = hookreads_env(hr); *e != NULL; e++)
		if (strncmp(*e, "HEARTH_NIXTRACE_TOKEN=", 22) == 0)
			tok = *e + 22;
	fuzz_check(tok != NULL);
	tag = xasprintf("\036hearth-nixtrace %s ", tok);
	fd = open(file, O_WRONLY | O_APPEND | O_CLOEXEC);
	fuzz_check(fd != -1);
	fuzz_check(write(fd, tag, strlen(tag)) == (ssize_t)strlen(tag));
	fuzz_check(write(fd, data, size) == (ssize_t)size);
	close(fd);
	free(tag);

	hookreads_end(hr, in, written);
	fuzz_check(stat(file, &st) == -1);
	fuzz_check(inputs_count(in) <= 4096);
	for (i = 0; i < inputs_count(in); i++) {
		kind = inputs_kind(in, i);
		fuzz_check(kind == INPUTS_WORK || kind == INPUTS_WORK_STAT);
		fuzz_check(under(inputs_path(in, i), top));
		fuzz_check(strcmp(inputs_path(in, i), top) != 0);
		fuzz_check(!under(inputs_path(in, i), git));
	}
	for (i = 0; i < inputs_count(written); i++)
		fuzz_check(under(inputs_path(written, i), top));
	hookreads_free(hr);
	inputs_free(in);
	inputs_free(written);
	return (0);
}
