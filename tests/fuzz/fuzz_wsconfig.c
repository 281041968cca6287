/*
 * Fuzzing .hearth.ini (common/wsconfig.c, over inih), the one reader the
 * daemon and the client share. The input is the file, written to a memfd
 * opened by its /proc/self/fd path, so no file is left behind.
 * Invariants: a config is always returned, and an error names the line;
 * every directory (a few fixed ones, and each line of the input taken as
 * one) maps by a rule that gives a name from the list, from the file, or
 * default; a path below one gets the same mapping when nothing can be
 * mapped between them (a component holding '=', which inih never leaves
 * in a key); a [fallback] file is a path inside the workspace.
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/wsconfig.h"
#include "hearth/xmalloc.h"
#include "fuzz.h"
#include "job.h"

#define CHECK_MAX_LINES	64

static int	 memfd = -1;
static char	 path[64];
static char	*names[] = { "default", "api", "web", NULL };

static const char *fixed[] = {
	"", "a", "a/b", "services", "services/api", "services/api/x",
	"api", "web/api", "tools", "tools/", "x/../y", ".", "..",
};

static void
lookup(const struct wsconfig *w, const char *rel)
{
	const char	*x, *s;
	char		*below;

	x = wsconfig_mapped(w, rel);
	fuzz_check(x == NULL || *x != '\0');
	below = xasprintf("%s/=", rel);
	fuzz_check(wsconfig_mapped(w, below) == x);
	free(below);
	s = wsconfig_shell_for(w, rel, names);
	fuzz_check(s != NULL && *s != '\0');
	fuzz_check(x != NULL || strcmp(s, "default") == 0 ||
	    strcmp(s, "api") == 0 || strcmp(s, "web") == 0);
	s = wsconfig_fallback(w, rel);
	fuzz_check(s == NULL || (*s != '\0' && *s != '/' &&
	    strcmp(s, "..") != 0 && strncmp(s, "../", 3) != 0));
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_wsconfig", NULL, LOG_STDERR_NONE, 0);
	memfd = memfd_create("hearth.ini", MFD_CLOEXEC);
	fuzz_check(memfd != -1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wsconfig	 *w;
	const char	 *err, *p, *end, *nl, **all;
	char		 *line;
	size_t		  i, lines = 0;

	fuzz_check(ftruncate(memfd, 0) == 0);
	fuzz_check(pwrite(memfd, data, size, 0) == (ssize_t)size);
	w = wsconfig_load(path);
	fuzz_check(w != NULL);
	if ((err = wsconfig_error(w)) != NULL)
		fuzz_check(strncmp(err, ".hearth.ini line ", 17) == 0);
	for (i = 0; i < sizeof fixed / sizeof *fixed; i++)
		lookup(w, fixed[i]);
	p = (const char *)data;
	end = p + size;
	while (p < end && lines++ < CHECK_MAX_LINES) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		lookup(w, line);
		free(line);
		p = nl + 1;
	}
	all = wsconfig_names(w);
	for (i = 0; all[i] != NULL; i++)
		fuzz_check(*all[i] != '\0');
	free(all);
	wsconfig_free(w);
	return (0);
}
