/*
 * Fuzzing a workspace's .hearth.ini (common/wsconfig.c, over inih, as the daemon maps directories). The
 * input is the file: it is written to a memfd, which wsconfig_load() opens
 * by its /proc/self/fd path, so no file is left behind. Invariants: a
 * config is always returned; an error names the line; and every lookup,
 * of a few fixed directories and of each line of the input taken as one,
 * gives no shell or a non-empty name; and a path below one gets the same
 * shell when nothing can be mapped between them (a name holding '=',
 * which inih never leaves in a key).
 */
#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearth/wsconfig.h"
#include "fuzz.h"

/* At most this many lines of an input are looked up as directories. */
#define CHECK_MAX_LINES	64

static int	 memfd = -1;
static char	 path[64];

static const char *fixed[] = {
	"", "a", "a/b", "services", "services/api", "services/api/x",
	"tools", "tools/", "x/../y", ".", "..",
};

static void
lookup(const struct wsconfig *c, const char *rel)
{
	const char	*shell;
	char		*below;

	shell = wsconfig_mapped(c, rel);
	fuzz_check(shell == NULL || *shell != '\0');
	below = xasprintf("%s/=", rel);
	fuzz_check(wsconfig_mapped(c, below) == shell);
	free(below);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_config", NULL, LOG_STDERR_NONE, 0);
	memfd = memfd_create("hearth.ini", MFD_CLOEXEC);
	fuzz_check(memfd != -1);
	snprintf(path, sizeof path, "/proc/self/fd/%d", memfd);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wsconfig	*c;
	const char	*err, *p, *end, *nl;
	char		*line;
	size_t		 i, lines = 0;

	fuzz_check(ftruncate(memfd, 0) == 0);
	fuzz_check(pwrite(memfd, data, size, 0) == (ssize_t)size);

	c = wsconfig_load(path);
	fuzz_check(c != NULL);
	if ((err = wsconfig_error(c)) != NULL)
		fuzz_check(strncmp(err, ".hearth.ini line ", 17) == 0);
	for (i = 0; i < sizeof fixed / sizeof *fixed; i++)
		lookup(c, fixed[i]);
	p = (const char *)data;
	end = p + size;
	while (p < end && lines++ < CHECK_MAX_LINES) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		lookup(c, line);
		p = nl + 1;
		free(line);
	}
	wsconfig_free(c);
	return (0);
}
