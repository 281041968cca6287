/*
 * Fuzzing the Nix log reader (common/nixlog.c). The input is a log: its
 * lines are fed to a parser for a flake at /src/proj whose tracer token
 * is "tok". Invariants: every input reported is /src/proj or below it,
 * never in its .git, with no "//"; and the parser never crashes, whatever
 * the bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/nixlog.h"
#include "fuzz.h"

static void
check_cb(const char *path, enum nixlog_kind kind, void *arg)
{
	(void)arg;
	fuzz_check(strncmp(path, "/src/proj", 9) == 0 &&
	    (path[9] == '\0' || path[9] == '/'));
	fuzz_check(strncmp(path + 9, "/.git", 5) != 0 ||
	    (path[14] != '\0' && path[14] != '/'));
	fuzz_check(strstr(path, "//") == NULL);
	fuzz_check(kind == NIXLOG_READ || kind == NIXLOG_STAT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nixlog	*nl;
	char		*copy, *line, *nl_at;

	copy = malloc(size + 1);
	if (copy == NULL)
		return (0);
	memcpy(copy, data, size);
	copy[size] = '\0';
	nl = nixlog_new("/src/proj", "/src/proj", "tok", check_cb, NULL);
	for (line = copy; line != NULL; line = nl_at) {
		if ((nl_at = strchr(line, '\n')) != NULL)
			*nl_at++ = '\0';
		nixlog_line(nl, line);
	}
	(void)nixlog_approximate(nl);
	(void)nixlog_from_work_tree(nl);
	nixlog_free(nl);
	free(copy);
	return (0);
}
