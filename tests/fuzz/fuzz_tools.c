/*
 * Fuzzing the client's text formats for contributors without Nix and CI:
 * the .hearth-tools file (client/toolslist.c), the PATH of a
 * `nix print-dev-env` script, store path names, and the JUnit escaping
 * (client/junit.c). The input is taken as each of them. Invariants: a
 * tools list that parses encodes to text that parses to the same list,
 * with no difference between them; the PATH found is no longer than the
 * script; a split name's package is a prefix of it; escaped text is valid
 * UTF-8 with no control character other than tab and newline, and no
 * bare '<' or '&' that does not start an entity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearth.h"
#include "fuzz.h"

/* 1 if b holds valid UTF-8 without control characters but tab and LF. */
static int
clean_utf8(const unsigned char *p, size_t n)
{
	size_t	 i = 0, k, len;

	while (i < n) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') ||
			    p[i] == 0x7f)
				return (0);
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4;
		else
			return (0);
		if (i + len > n)
			return (0);
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
		}
		i += len;
	}
	return (1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_tools", NULL, LOG_STDERR_NONE, 0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct toolslist	*tl, *back;
	struct buf		 b = BUF_INIT, again = BUF_INIT, diff = BUF_INIT;
	const char		*text = (const char *)data, *q;
	char			*cause = NULL, *s, *pkg, *ver, *name;

	/* The tools file. */
	tl = toolslist_new();
	if (toolslist_decode(tl, text, size, &cause) == 0) {
		toolslist_encode(tl, &b);
		back = toolslist_new();
		fuzz_check(toolslist_decode(back, b.data, b.len, &cause) == 0);
		toolslist_encode(back, &again);
		fuzz_check(b.len == again.len &&
		    memcmp(b.data, again.data, b.len) == 0);
		fuzz_check(toolslist_diff(tl, back, &diff) == 0);
		toolslist_free(back);
	} else
		fuzz_check(cause != NULL);
	free(cause);
	toolslist_free(tl);

	/* A print-dev-env script. */
	if ((s = toolslist_devenv_path(text, size)) != NULL) {
		fuzz_check(strlen(s) <= size);
		free(s);
	}

	/* A store name. */
	name = xstrndup(text, size);
	toolslist_split(name, &pkg, &ver);
	fuzz_check(strncmp(name, pkg, strlen(pkg)) == 0);
	fuzz_check(strlen(pkg) + strlen(ver) <= strlen(name));
	free(pkg);
	free(ver);
	free(name);

	/* JUnit escaping. */
	buf_reset(&b);
	junit_escape(&b, text, size);
	fuzz_check(clean_utf8((const unsigned char *)b.data, b.len));
	fuzz_check(strpbrk(b.data, "<>\"'") == NULL);
	for (q = b.data; (q = strchr(q, '&')) != NULL; q++)
		fuzz_check(strncmp(q, "&amp;", 5) == 0 ||
		    strncmp(q, "&lt;", 4) == 0 || strncmp(q, "&gt;", 4) == 0 ||
		    strncmp(q, "&quot;", 6) == 0 || strncmp(q, "&apos;", 6) == 0);
	buf_release(&b);
	buf_release(&again);
	buf_release(&diff);
	return (0);
}
