/*
 * Fuzzing what common/nix.c reads of Nix's output: the error message and
 * the `hearth log` text of its stderr, the devShell listing's JSON, the
 * archive's JSON (the store paths rooted), `nix --version` and the flakes
 * probe's verdict. The input is taken as each of them. Invariants: a
 * message is one line of at most NIX_ERROR_MAX bytes without control
 * characters, starting "error: " unless it is the last line printed; the
 * log text holds no more than the input; parsed names are non-empty,
 * printable where ASCII, at most NIX_NAMES_MAX, and parse again the same
 * when written back as JSON; rooted paths are absolute, unescaped and
 * bounded; a parsed version names a dialect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/xmalloc.h"
#include "fuzz.h"

/* 1 if s holds no byte below 0x20 and no newline. */
static int
one_line(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20)
			return (0);
	}
	return (1);
}

static void
fuzz_message(const char *text, size_t size, int flags)
{
	char	*msg;

	if ((msg = nix_error_message(text, size, flags)) == NULL)
		return;
	fuzz_check(strlen(msg) <= NIX_ERROR_MAX);
	fuzz_check(*msg != '\0');
	fuzz_check(one_line(msg));
	fuzz_check((flags & NIX_ERROR_ELSE_LAST) ||
	    strncmp(msg, "error: ", 7) == 0);
	free(msg);
}

static void
fuzz_names(const char *text, size_t size)
{
	struct buf	 b = BUF_INIT;
	char		**names, **again, *cause = NULL;
	const char	*p;
	size_t		 i;

	if ((names = nix_names_parse(text, size, &cause)) == NULL) {
		fuzz_check(cause != NULL && one_line(cause));
		free(cause);
		return;
	}
	buf_addc(&b, '[');
	for (i = 0; names[i] != NULL; i++) {
		fuzz_check(i < NIX_NAMES_MAX);
		fuzz_check(*names[i] != '\0');
		buf_adds(&b, i > 0 ? ",\"" : "\"");
		for (p = names[i]; *p != '\0'; p++) {
			fuzz_check((unsigned char)*p >= 0x20 && *p != 0x7f);
			if (*p == '"' || *p == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *p);
		}
		buf_addc(&b, '"');
	}
	buf_addc(&b, ']');
	again = nix_names_parse(b.data, b.len, &cause);
	fuzz_check(again != NULL);
	for (i = 0; names[i] != NULL; i++)
		fuzz_check(again[i] != NULL && strcmp(names[i], again[i]) == 0);
	fuzz_check(again[i] == NULL);
	nix_names_free(again);
	nix_names_free(names);
	buf_release(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_nix", NULL, LOG_STDERR_NONE, 0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char		*text = (const char *)data;
	struct buf		 b = BUF_INIT;
	struct nix_argv		*a;
	struct nix_version	 v;
	enum nix_dialect	 d;
	char			**argv, *why;
	size_t			 i;
	int			 ok;

	/* Nix's stderr. */
	fuzz_message(text, size, 0);
	fuzz_message(text, size, NIX_ERROR_ELSE_LAST);
	nix_error_report(text, size, &b);
	fuzz_check(b.len <= size + 1);
	buf_release(&b);
	(void)nix_error_lock_outdated(text, size);
	(void)nix_names_absent(text, size, "x86_64-linux");

	/* The listing. */
	fuzz_names(text, size);

	/* The archive. */
	if ((a = nix_argv_gcroots("nix", "/p", text, size)) != NULL) {
		argv = nix_argv_vector(a);
		fuzz_check(strcmp(argv[5], "/p") == 0 && argv[6] != NULL);
		for (i = 6; argv[i] != NULL; i++) {
			fuzz_check(argv[i][0] == '/');
			fuzz_check(strlen(argv[i]) <= 4096);
			fuzz_check(strpbrk(argv[i], "\"\\") == NULL);
			fuzz_check(one_line(argv[i]));
		}
		nix_argv_free(a);
	}

	/* nix --version. */
	if (nix_version_parse(&v, text, size) == 0) {
		d = nix_dialect(&v);
		fuzz_check(d >= NIX_DIALECT_ACCESS &&
		    d <= NIX_DIALECT_UNTESTED);
		fuzz_check(*nix_dialect_name(d) != '\0');
		fuzz_check(*nix_dialect_tracking(d) != '\0');
	}

	/* The flakes probe: the input as its stdout, then its stderr. */
	for (ok = 0; ok < 2; ok++) {
		if (nix_flakes_judge(ok, text, size, text, size, &why)) {
			fuzz_check(ok && why == NULL);
		} else {
			fuzz_check(why != NULL && one_line(why));
			free(why);
		}
	}
	return (0);
}
