/*
 * Unit tests for common/nix.c, fed with what Nix 2.8, 2.26 and 2.34
 * really printed (tests/unit/data/nix/VERSION/, made by record.sh there):
 * the error message of each failure, the listing, the archive's store
 * paths, the version lines; and the argv of every job.
 */
#include "harness.h"

#include "hearth/buf.h"
#include "hearth/nix.h"

#ifndef HEARTH_TEST_DATA
#define HEARTH_TEST_DATA "tests/unit/data"
#endif

static const char *const versions[] = { "2.8", "2.26", "2.34" };
#define NVERSIONS	(sizeof versions / sizeof versions[0])

/* The recorded file VERSION/NAME, whole, NUL-terminated. */
static char *
slurp(const char *version, const char *name, size_t *len)
{
	char	*path, *data;
	FILE	*f;
	long	 n;

	assert_true(asprintf(&path, "%s/nix/%s/%s", HEARTH_TEST_DATA, version,
	    name) > 0);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	data = malloc(n + 1);
	assert_int_equal(fread(data, 1, n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	free(path);
	*len = (size_t)n;
	return (data);
}

/* The error message of a recorded log. */
static char *
message(const char *version, const char *name)
{
	size_t	 len;
	char	*log, *msg;

	log = slurp(version, name, &len);
	msg = nix_error_message(log, len, 0);
	free(log);
	return (msg);
}

/* The argv as one string, for comparing. */
static char *
argv_text(struct nix_argv *a)
{
	char	*s;

	assert_non_null(a);
	s = nix_argv_text(a);
	nix_argv_free(a);
	return (s);
}

#define NIXFLAGS	"nix --extra-experimental-features 'nix-command flakes' "

static void
test_argv(void **state)
{
	char	*s, **v, *cause = NULL;
	struct nix_argv	*a;

	(void)state;
	s = argv_text(nix_argv_print_dev_env("nix", "/w", "api", "/p/api",
	    NIX_TRACE, &cause));
	assert_string_equal(s, NIXFLAGS "print-dev-env -vvv --option "
	    "eval-cache false --no-write-lock-file --profile /p/api /w#api");
	free(s);
	s = argv_text(nix_argv_print_dev_env("/bin/nix", "/w", "default", NULL,
	    0, &cause));
	assert_string_equal(s, "/bin/nix --extra-experimental-features "
	    "'nix-command flakes' print-dev-env --no-write-lock-file "
	    "/w#default");
	free(s);
	s = argv_text(nix_argv_list("nix", "/w", "x86_64-linux"));
	assert_string_equal(s, NIXFLAGS "eval --json --no-write-lock-file "
	    "/w#devShells.x86_64-linux --apply builtins.attrNames");
	free(s);
	s = argv_text(nix_argv_archive("nix", "/w"));
	assert_string_equal(s, NIXFLAGS "flake archive --json "
	    "--no-write-lock-file /w");
	free(s);
	s = argv_text(nix_argv_lock_check("nix", "/w"));
	assert_string_equal(s, NIXFLAGS "flake lock --no-update-lock-file /w");
	free(s);
	s = argv_text(nix_argv_system("nix"));
	assert_string_equal(s, NIXFLAGS "eval --impure --raw --expr "
	    "builtins.currentSystem");
	free(s);
	s = argv_text(nix_argv_flakes_probe("nix"));
	assert_string_equal(s, NIXFLAGS "eval --expr 'builtins ? getFlake'");
	free(s);
	s = argv_text(nix_argv_version("nix"));
	assert_string_equal(s, "nix --version");
	free(s);

	/* The vector itself: one word per entry, NULL at the end. */
	a = nix_argv_print_dev_env("nix", "/a b", "x", NULL, 0, &cause);
	v = nix_argv_vector(a);
	assert_string_equal(v[2], "nix-command flakes");
	assert_string_equal(v[5], "/a b#x");
	assert_null(v[6]);
	nix_argv_free(a);
	nix_argv_free(NULL);
}

/* The reference print-dev-env is given for NAME, or NULL with *cause. */
static char *
devenv_ref(const char *name, char **cause)
{
	struct nix_argv	*a;
	char		*s;

	*cause = NULL;
	if ((a = nix_argv_print_dev_env("nix", "/w", name, NULL, 0,
	    cause)) == NULL) {
		assert_non_null(*cause);
		return (NULL);
	}
	assert_null(*cause);
	s = strdup(nix_argv_vector(a)[5]);
	assert_null(nix_argv_vector(a)[6]);
	nix_argv_free(a);
	return (s);
}

/*
 * Names as Nix 2.8, 2.26 and 2.34 read them (checked with each):
 * plain ones as they are, others quoted with %XX for URL-unsafe bytes.
 */
static void
test_argv_names(void **state)
{
	static const struct {
		const char	*name;
		const char	*ref;
	} ok[] = {
		{ "default", "/w#default" },
		{ "api-v2_x", "/w#api-v2_x" },
		{ "it's", "/w#it's" },
		{ "web.app", "/w#\"web.app\"" },
		{ ".hidden", "/w#\".hidden\"" },
		{ "a.b.c", "/w#\"a.b.c\"" },
		{ "a b", "/w#\"a%20b\"" },
		{ "50%", "/w#\"50%25\"" },
		{ "a\\b", "/w#\"a%5Cb\"" },
		{ "a#b?c", "/w#\"a%23b%3Fc\"" },
		{ "a{b}[c]", "/w#\"a%7Bb%7D%5Bc%5D\"" },
		{ "x+y=z@h:1", "/w#\"x+y=z@h:1\"" },
		{ "caf\xc3\xa9", "/w#\"caf%C3%A9\"" },
	};
	static const char *const refused[] = {
		"", "a\"b", "\"", "web.\"app\"", "a\nb", "a\tb", "a\x7f",
	};
	char	*s, *cause, longname[300];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		s = devenv_ref(ok[i].name, &cause);
		if (s == NULL)
			fail_msg("%s refused: %s", ok[i].name, cause);
		assert_string_equal(s, ok[i].ref);
		free(s);
	}
	for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_null(devenv_ref(refused[i], &cause));
		/* One line, for a log or a table cell. */
		assert_null(strchr(cause, '\n'));
		free(cause);
	}
	assert_null(devenv_ref("a\"b", &cause));
	assert_string_equal(cause, "devShell name 'a\"b' holds a '\"', which "
	    "nix's attribute paths cannot quote");
	free(cause);
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_null(devenv_ref(longname, &cause));
	free(cause);
	longname[255] = '\0';
	s = devenv_ref(longname, &cause);
	assert_non_null(s);
	free(s);
}

static void
test_gcroots(void **state)
{
	static const char odd[] = "{\"path\" : \"/nix/store/a-source\", "
	    "\"inputs\":{\"x\":{\"path\":\"/nix/st\\\"ore/b\",\"inputs\":{}},"
	    "\"y\":{\"path\":\"relative\"},\"z\":{\"path\":\"/nix/store/c";
	struct nix_argv	*a;
	char		**v, *json;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NVERSIONS; i++) {
		json = slurp(versions[i], "archive.out", &len);
		a = nix_argv_gcroots("nix", "/p/inputs", json, len);
		assert_non_null(a);
		v = nix_argv_vector(a);
		assert_string_equal(v[3], "build");
		assert_string_equal(v[4], "--out-link");
		assert_string_equal(v[5], "/p/inputs");
		/* The flake's own source and its one input's. */
		assert_non_null(v[6]);
		assert_non_null(v[7]);
		assert_null(v[8]);
		assert_true(strncmp(v[6], "/nix/store/", 11) == 0);
		assert_true(strncmp(v[7], "/nix/store/", 11) == 0);
		assert_true(strcmp(v[6], v[7]) != 0);
		nix_argv_free(a);
		free(json);
	}
	/* Escaped, relative and unterminated paths are not rooted. */
	a = nix_argv_gcroots("nix", "/p", odd, sizeof odd - 1);
	v = nix_argv_vector(a);
	assert_string_equal(v[6], "/nix/store/a-source");
	assert_null(v[7]);
	nix_argv_free(a);
	assert_null(nix_argv_gcroots("nix", "/p", "{}", 2));
	assert_null(nix_argv_gcroots("nix", "/p", "", 0));
}

/* What each recorded failure's message is, per version. */
struct expect {
	const char	*file;
	const char	*version;	/* NULL: every version */
	const char	*want;		/* the whole message */
	const char	*has;		/* or a part of it */
};

#define DRV	"/nix/store/xrv8sx347jxgwjs4zsxsw4zhnycs5ymz-failing-tool-1.0.drv"
#define SRC	"/nix/store/hwxy93z27rv3kvjb0290701hj5gnv6bz-source"
#define SYNSRC	"/nix/store/1hm58lj3gisz5nypvbwbzmsapdcsfq7c-source"
#define LOCK	"error: flake 'git+file:///tmp/hearth-nixrec/lb/ws' requires " \
		"lock file changes but they're not allowed due to " \
		"'--no-update-lock-file'"

static const struct expect expects[] = {
	{ "syntax-error.log", "2.8", "error: syntax error, unexpected IN at "
	    SYNSRC "/flake.nix:8:23", NULL },
	{ "syntax-error.log", "2.26", "error: syntax error, unexpected IN_KW "
	    "at " SYNSRC "/flake.nix:8:23", NULL },
	{ "syntax-error.log", "2.34", "error: syntax error, unexpected 'in' "
	    "at /tmp/hearth-nixrec/syntax/flake.nix:8:23", NULL },
	{ "undefined-var.log", "2.8", "error: undefined variable "
	    "'undefinedVariable' at " SRC "/nix/undefined.nix:5:16", NULL },
	{ "undefined-var.log", "2.26", "error: undefined variable "
	    "'undefinedVariable' at " SRC "/nix/undefined.nix:5:16", NULL },
	{ "undefined-var.log", "2.34", "error: undefined variable "
	    "'undefinedVariable' at /tmp/hearth-nixrec/ws/nix/undefined.nix:"
	    "5:16", NULL },
	{ "throw.log", NULL, "error: nixerrors: this shell throws on purpose",
	    NULL },
	{ "builder-failed.log", "2.8", "error: builder for '" DRV "' failed "
	    "with exit code 1", NULL },
	{ "builder-failed.log", "2.26", "error: builder for '" DRV "' failed "
	    "with exit code 1", NULL },
	{ "builder-failed.log", "2.34", "error: Cannot build '" DRV "'. "
	    "Reason: builder failed with exit code 1.", NULL },
	{ "check-builder-failed.log", "2.8", "error: builder for '" DRV "' "
	    "failed with exit code 1", NULL },
	{ "check-builder-failed.log", "2.26", "error: builder for '" DRV "' "
	    "failed with exit code 1", NULL },
	{ "check-builder-failed.log", "2.34", "error: Cannot build '" DRV
	    "'. Reason: builder failed with exit code 1.", NULL },
	{ "missing-attr.log", NULL, "error: flake "
	    "'git+file:///tmp/hearth-nixrec/ws' does not provide attribute "
	    "'devShells.x86_64-linux.nope', 'packages.x86_64-linux.nope', "
	    "'legacyPackages.x86_64-linux.nope' or 'nope'", NULL },
	{ "no-devshells.log", NULL, "error: flake "
	    "'git+file:///tmp/hearth-nixrec/nodev' does not provide attribute "
	    "'packages.x86_64-linux.devShells.x86_64-linux', "
	    "'legacyPackages.x86_64-linux.devShells.x86_64-linux' or "
	    "'devShells.x86_64-linux'", NULL },
	{ "lock-input-throw.log", NULL, "error: lockbump tools are broken",
	    NULL },
	{ "lock-outdated.log", NULL, LOCK, NULL },
	/* The hash mismatch names a git revision made at recording. */
	{ "lock-bad-hash.log", "2.8", NULL, "error: NAR hash mismatch in "
	    "input 'git+file:///tmp/hearth-nixrec/lb/tools?ref=main&rev=" },
	{ "lock-bad-hash.log", "2.26", NULL, "error: mismatch in field "
	    "'narHash' of input '{\"__final\":true," },
	{ "lock-bad-hash.log", "2.34", NULL, "error: NAR hash mismatch in "
	    "input 'git+file:///tmp/hearth-nixrec/lb/tools?ref=refs/heads/"
	    "main&rev=" },
};

static void
test_error_recorded(void **state)
{
	const struct expect	*e;
	size_t			 i, k;
	char			*msg;

	(void)state;
	for (i = 0; i < sizeof expects / sizeof expects[0]; i++) {
		e = &expects[i];
		for (k = 0; k < NVERSIONS; k++) {
			if (e->version != NULL &&
			    strcmp(e->version, versions[k]) != 0)
				continue;
			msg = message(versions[k], e->file);
			if (msg == NULL)
				fail_msg("%s/%s: no message", versions[k],
				    e->file);
			if (e->want != NULL && strcmp(msg, e->want) != 0)
				fail_msg("%s/%s:\n got: %s\nwant: %s",
				    versions[k], e->file, msg, e->want);
			if (e->has != NULL && strstr(msg, e->has) != msg)
				fail_msg("%s/%s:\n got: %s\nwant: %s...",
				    versions[k], e->file, msg, e->has);
			/* One line, and none of the trace's noise. */
			assert_null(strchr(msg, '\n'));
			assert_null(strstr(msg, "\xe2\x80\xa6"));
			assert_null(strstr(msg, "while "));
			assert_null(strstr(msg, "  "));
			assert_null(strstr(msg, "show-trace"));
			assert_true(strlen(msg) <= NIX_ERROR_MAX);
			free(msg);
		}
	}
	/* A listing that worked printed no error. */
	for (k = 0; k < NVERSIONS; k++)
		assert_null(message(versions[k], "list-ok.log"));
}

/*
 * Nix up to 2.2x names the files of a failed evaluation in its copy of
 * the flake in the store; hearth names the workspace's own. On each
 * version's recorded log of a flake.nix that does not parse (recorded in
 * /tmp/hearth-nixrec/syntax): the store tree is the one the -vvv log
 * says it fetched from there, and the report and the message then point
 * at /tmp/hearth-nixrec/syntax/flake.nix:8:23. Another directory's tree
 * is not the workspace's; 2.34 names the workspace's files itself.
 */
static void
test_error_unstore(void **state)
{
	static const char dir[] = "/tmp/hearth-nixrec/syntax";
	struct buf	 store = BUF_INIT, report = BUF_INIT, out = BUF_INIT;
	char		*log, *msg;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < NVERSIONS; i++) {
		log = slurp(versions[i], "syntax-error.log", &len);
		buf_reset(&store);
		buf_reset(&report);
		buf_reset(&out);
		nix_error_report(log, len, &report);
		if (strcmp(versions[i], "2.34") == 0) {
			/* No copy in the store: nothing to map. */
			assert_int_equal(nix_error_source(log, len, dir,
			    &store), -1);
			buf_adds(&out, report.data);
		} else {
			assert_int_equal(nix_error_source(log, len, dir,
			    &store), 0);
			assert_string_equal(store.data, "/nix/store/"
			    "1hm58lj3gisz5nypvbwbzmsapdcsfq7c-source");
			assert_non_null(strstr(report.data, store.data));
			nix_error_unstore(report.data, store.data, dir, &out);
		}
		assert_non_null(strstr(out.data,
		    "at /tmp/hearth-nixrec/syntax/flake.nix:8:23:"));
		assert_null(strstr(out.data, "-source"));
		msg = nix_error_message(out.data, out.len, 0);
		assert_non_null(strstr(msg, "at /tmp/hearth-nixrec/syntax/"
		    "flake.nix:8:23"));
		free(msg);
		/* Another flake's tree is not this workspace's. */
		buf_reset(&store);
		assert_int_equal(nix_error_source(log, len,
		    "/tmp/hearth-nixrec/ws", &store), -1);
		free(log);
	}
	/* Only the tree itself: not a longer name, in any position. */
	buf_reset(&out);
	nix_error_unstore("at /nix/store/h-source/a.nix:1:2: and "
	    "'/nix/store/h-source' and /nix/store/h-source-2/x and "
	    "/nix/store/h-source.lock", "/nix/store/h-source", "/w/", &out);
	assert_string_equal(out.data, "at /w/a.nix:1:2: and '/w' and "
	    "/nix/store/h-source-2/x and /nix/store/h-source.lock");
	/* path: flakes and %-encoded directories. */
	buf_reset(&store);
	msg = "got tree '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-source'"
	    " from 'path:/a%20b?lastModified=1'\n";
	assert_int_equal(nix_error_source(msg, strlen(msg), "/a b/", &store),
	    0);
	buf_release(&store);
	buf_release(&report);
	buf_release(&out);
}

static void
test_error_layouts(void **state)
{
	static const char color[] = "\033[31;1merror:\033[0m \033[1mboom"
	    "\033[0m\r\n";
	static const char consequence[] = "error: 1 dependencies of "
	    "derivation '/nix/store/x-env.drv' failed to build\n";
	static const char trace_only[] = "error:\n"
	    "       \xe2\x80\xa6 while evaluating the attribute 'x'\n"
	    "         at /w/flake.nix:3:5:\n"
	    "            3|   x = y;\n"
	    "             |     ^\n";
	static const char hint[] = "error: attribute 'nme' missing\n\n"
	    "       at /w/flake.nix:4:7:\n\n"
	    "            4|   a = b.nme;\n"
	    "             |       ^\n\n"
	    "       Did you mean name?\n"
	    "building of 'x': done\n";
	struct buf	 b = BUF_INIT;
	char		*msg, *p;
	size_t		 i;

	(void)state;
	assert_null(nix_error_message("", 0, 0));
	assert_null(nix_error_message("", 0, NIX_ERROR_ELSE_LAST));
	assert_null(nix_error_message("chatter\nmore\n", 13, 0));
	p = "chatter\ncannot run nix: no\n\n  \n";
	msg = nix_error_message(p, strlen(p), NIX_ERROR_ELSE_LAST);
	assert_string_equal(msg, "cannot run nix: no");
	free(msg);
	/* Only an indented "error:": not Nix's own message. */
	assert_null(nix_error_message("  error: nested\n", 16, 0));
	/* Not "error (ignored):". */
	assert_null(nix_error_message("error (ignored): x\n", 19, 0));

	msg = nix_error_message(color, sizeof color - 1, 0);
	assert_string_equal(msg, "error: boom");
	free(msg);
	/* Only the consequence: better than nothing. */
	msg = nix_error_message(consequence, sizeof consequence - 1, 0);
	assert_string_equal(msg, "error: 1 dependencies of derivation "
	    "'/nix/store/x-env.drv' failed to build");
	free(msg);
	/* A trace and no message: its first item. */
	msg = nix_error_message(trace_only, sizeof trace_only - 1, 0);
	assert_string_equal(msg, "error: while evaluating the attribute 'x'");
	free(msg);
	msg = nix_error_message(hint, sizeof hint - 1, 0);
	assert_string_equal(msg, "error: attribute 'nme' missing at "
	    "/w/flake.nix:4:7 Did you mean name?");
	free(msg);
	/* No NUL needed at the end; a NUL inside is a space. */
	msg = nix_error_message("error: a\0b\nerror: c", 10, 0);
	assert_string_equal(msg, "error: a b");
	free(msg);

	/* Capped, between UTF-8 characters, and marked. */
	buf_adds(&b, "error: ");
	for (i = 0; i < NIX_ERROR_MAX; i++)
		buf_adds(&b, "\xc3\xa9");
	msg = nix_error_message(b.data, b.len, 0);
	assert_true(strlen(msg) <= NIX_ERROR_MAX);
	p = msg + strlen(msg) - 3;
	assert_string_equal(p, "\xe2\x80\xa6");
	assert_int_equal((p - msg - 7) % 2, 0);
	free(msg);
	buf_release(&b);
}

static void
test_error_report(void **state)
{
	struct buf	 b = BUF_INIT;
	const char	*p;
	char		*log;
	size_t		 len;

	(void)state;
	/* Nix 2.26: the whole message with its trace; no chatter. */
	log = slurp("2.26", "undefined-var.log", &len);
	nix_error_report(log, len, &b);
	assert_true(strncmp(b.data, "error:\n", 7) == 0);
	assert_non_null(strstr(b.data, "\xe2\x80\xa6 while calling the "
	    "'import' builtin\n"));
	assert_non_null(strstr(b.data, "       error: undefined variable "
	    "'undefinedVariable'\n"));
	assert_non_null(strstr(b.data, "5|   ERRORS_VAR = undefinedVariable;"));
	assert_null(strstr(b.data, "evaluating file"));
	assert_null(strstr(b.data, "lock file"));
	free(log);
	buf_reset(&b);

	/* Nix 2.8's build failure: both errors, the build log lines. */
	log = slurp("2.8", "builder-failed.log", &len);
	nix_error_report(log, len, &b);
	assert_true(strncmp(b.data, "error: builder for '" DRV "'", 20) == 0);
	assert_non_null(strstr(b.data, "> failing-tool: this build fails on "
	    "purpose\n"));
	assert_non_null(strstr(b.data, "\nerror: 1 dependencies of "));
	assert_null(strstr(b.data, "building of"));
	free(log);
	buf_reset(&b);

	/* Warnings and traces are Nix's words too. */
	p = "chatter\nwarning: Git tree '/w' is dirty\ntrace: hello\n"
	    "more chatter\n";
	nix_error_report(p, strlen(p), &b);
	assert_string_equal(b.data, "warning: Git tree '/w' is dirty\n"
	    "trace: hello\n");
	buf_reset(&b);
	/* Nothing of Nix's own: nothing. */
	p = "chatter\nSegmentation fault\n\n";
	nix_error_report(p, strlen(p), &b);
	assert_int_equal(b.len, 0);
	nix_error_report("", 0, &b);
	assert_int_equal(b.len, 0);
	buf_release(&b);
}

static void
test_error_kinds(void **state)
{
	char	*log;
	size_t	 len, k;

	(void)state;
	for (k = 0; k < NVERSIONS; k++) {
		log = slurp(versions[k], "lock-outdated.log", &len);
		assert_true(nix_error_lock_outdated(log, len));
		free(log);
		log = slurp(versions[k], "lock-bad-hash.log", &len);
		assert_false(nix_error_lock_outdated(log, len));
		free(log);

		log = slurp(versions[k], "no-devshells.log", &len);
		assert_true(nix_names_absent(log, len, "x86_64-linux"));
		assert_false(nix_names_absent(log, len, "aarch64-linux"));
		free(log);
		/* A missing shell is not a flake without devShells. */
		log = slurp(versions[k], "missing-attr.log", &len);
		assert_false(nix_names_absent(log, len, "x86_64-linux"));
		free(log);
		log = slurp(versions[k], "throw.log", &len);
		assert_false(nix_names_absent(log, len, "x86_64-linux"));
		free(log);
	}
}

static void
test_error_passing(void **state)
{
	static const char *const passing[] = {
		/* 2.8 and 2.2x, then 2.3x, of a builder killed by a signal */
		"error: builder for '/nix/store/aaaa-x.drv' failed due to "
		    "signal 9 (Killed)",
		"error: Cannot build '/nix/store/aaaa-x.drv'. Reason: builder "
		    "failed due to signal 9 (Killed).",
		"nix print-dev-env was killed by signal 9",
		"error: SQLite database '/nix/var/nix/db/db.sqlite' is busy",
		"error: writing to file: No space left on device",
		"error: cannot connect to socket at "
		    "'/nix/var/nix/daemon-socket/socket': Connection refused",
	};
	static const char *const lasting[] = {
		"error: syntax error, unexpected ';'",
		"error: undefined variable 'x'",
		"error: builder for '/nix/store/aaaa-x.drv' failed with exit "
		    "code 1",
		"error: flake 'path:/x' does not provide attribute 'y'",
		"",
	};
	static const char *const own[] = {
		"builder-failed.log", "syntax-error.log", "throw.log",
		"undefined-var.log", "missing-attr.log", "lock-bad-hash.log",
	};
	char	*log, *msg;
	size_t	 i, len, k;

	(void)state;
	for (i = 0; i < sizeof passing / sizeof *passing; i++)
		assert_true(nix_error_passing(passing[i]));
	for (i = 0; i < sizeof lasting / sizeof *lasting; i++)
		assert_false(nix_error_passing(lasting[i]));
	assert_false(nix_error_passing(NULL));
	/* What each Nix recorded for a flake's own errors is not passing. */
	for (k = 0; k < NVERSIONS; k++) {
		for (i = 0; i < sizeof own / sizeof *own; i++) {
			log = slurp(versions[k], own[i], &len);
			msg = nix_error_message(log, len, 0);
			assert_non_null(msg);
			assert_false(nix_error_passing(msg));
			assert_false(nix_log_lock_wait(log, len));
			free(msg);
			free(log);
		}
	}
	log = "waiting for lock on '/nix/store/aaaa-x'\n";
	assert_true(nix_log_lock_wait(log, strlen(log)));
	log = "waiting for the big garbage collector lock...\n";
	assert_true(nix_log_lock_wait(log, strlen(log)));
}

static void
test_names(void **state)
{
	static const char *const bad[] = {
		"", "[", "]", "{}", "[\"a\"", "[\"a\",]", "[\"a\" \"b\"]",
		"[\"\"]", "[\"a\\nb\"]", "[\"a\\u0009\"]", "[\"a\\u00e9\"]",
		"[\"a\\u00\"]", "[\"tab\there\"]", "[\"del\x7f\"]",
		"[\"a\"] x", "[1]", "\"a\"",
	};
	struct buf	 b = BUF_INIT;
	char		*json, **names, *cause = NULL;
	size_t		 len, i;

	(void)state;
	for (i = 0; i < NVERSIONS; i++) {
		json = slurp(versions[i], "list-ok.out", &len);
		names = nix_names_parse(json, len, &cause);
		assert_non_null(names);
		assert_string_equal(names[0], "bad");
		assert_string_equal(names[1], "default");
		assert_string_equal(names[2], "throws");
		assert_string_equal(names[3], "undefined");
		assert_null(names[4]);
		nix_names_free(names);
		free(json);
	}
	names = nix_names_parse(" [ ]\n", 5, &cause);
	assert_non_null(names);
	assert_null(names[0]);
	nix_names_free(names);
	json = "[ \"a\\\"b\" ,\n\"\\u0041\\/\"]";
	names = nix_names_parse(json, strlen(json), &cause);
	assert_non_null(names);
	assert_string_equal(names[0], "a\"b");
	assert_string_equal(names[1], "A/");
	nix_names_free(names);
	/* Only the length given is read. */
	names = nix_names_parse("[\"a\"]garbage", 5, &cause);
	assert_string_equal(names[0], "a");
	nix_names_free(names);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		if ((names = nix_names_parse(bad[i], strlen(bad[i]),
		    &cause)) != NULL)
			fail_msg("accepted %s", bad[i]);
		assert_non_null(cause);
		assert_null(strchr(cause, '\n'));
		free(cause);
	}

	/* At most NIX_NAMES_MAX names. */
	buf_addc(&b, '[');
	for (i = 0; i < NIX_NAMES_MAX; i++)
		buf_addf(&b, "%s\"s%zu\"", i ? "," : "", i);
	buf_addc(&b, ']');
	names = nix_names_parse(b.data, b.len, &cause);
	assert_non_null(names);
	assert_string_equal(names[NIX_NAMES_MAX - 1], "s1023");
	nix_names_free(names);
	buf_truncate(&b, b.len - 1);
	buf_adds(&b, ",\"one-more\"]");
	assert_null(nix_names_parse(b.data, b.len, &cause));
	free(cause);
	buf_release(&b);
}

static void
test_flakes_judge(void **state)
{
	static const char err[] = "warning: something\n"
	    "error: unrecognised flag '--extra-experimental-features'\n"
	    "Try 'nix --help' for more information.\n";
	static const char nested[] = "error:\n"
	    "       \xe2\x80\xa6 while opening the store\n\n"
	    "       error: cannot open connection to remote store "
	    "'daemon'\n";
	char	*why;

	(void)state;
	assert_int_equal(nix_flakes_judge(1, "true\n", 5, "", 0, &why), 1);
	assert_null(why);
	assert_int_equal(nix_flakes_judge(1, "false\n", 6, "", 0, &why), 0);
	assert_string_equal(why, "it has no flakes");
	free(why);
	assert_int_equal(nix_flakes_judge(0, "", 0, err, sizeof err - 1,
	    &why), 0);
	assert_string_equal(why,
	    "error: unrecognised flag '--extra-experimental-features'");
	free(why);
	assert_int_equal(nix_flakes_judge(0, "", 0, nested, sizeof nested - 1,
	    &why), 0);
	assert_string_equal(why, "error: cannot open connection to remote "
	    "store 'daemon'");
	free(why);
	assert_int_equal(nix_flakes_judge(0, "", 0, "segfault\n", 9, &why), 0);
	assert_string_equal(why, "segfault");
	free(why);
	assert_int_equal(nix_flakes_judge(0, "true", 4, "", 0, &why), 0);
	assert_string_equal(why, "it failed and said nothing");
	free(why);
}

static void
test_version(void **state)
{
	static const struct {
		const char	*line;
		enum nix_impl	 impl;
		unsigned	 major, minor, patch;
		enum nix_dialect dialect;
	} good[] = {
		{ "nix (Nix) 2.3.16", NIX_IMPL_NIX, 2, 3, 16,
		    NIX_DIALECT_ACCESS },
		{ "nix (Nix) 2.19.7\n", NIX_IMPL_NIX, 2, 19, 7,
		    NIX_DIALECT_ACCESS },
		{ "nix (Nix) 2.20.0", NIX_IMPL_NIX, 2, 20, 0,
		    NIX_DIALECT_EAGER },
		{ "nix (Nix) 2.31.2", NIX_IMPL_NIX, 2, 31, 2,
		    NIX_DIALECT_EAGER },
		{ "nix (Nix) 2.32", NIX_IMPL_NIX, 2, 32, 0, NIX_DIALECT_LAZY },
		{ "nix (Nix) 2.34.99pre20260101_abcdef", NIX_IMPL_NIX, 2, 34,
		    99, NIX_DIALECT_LAZY },
		{ "nix (Nix) 2.35.2", NIX_IMPL_NIX, 2, 35, 2,
		    NIX_DIALECT_UNTESTED },
		{ "nix (Nix) 3.0.0", NIX_IMPL_NIX, 3, 0, 0,
		    NIX_DIALECT_UNTESTED },
		{ "nix (Lix, like Nix) 2.91.1", NIX_IMPL_LIX, 2, 91, 1,
		    NIX_DIALECT_LIX },
		{ "nix (Determinate Nix 3.6.2) 2.29.0\nmore\n",
		    NIX_IMPL_DETERMINATE, 2, 29, 0, NIX_DIALECT_UNTESTED },
		{ "nix (Tvix) 2.3.0", NIX_IMPL_OTHER, 2, 3, 0,
		    NIX_DIALECT_UNTESTED },
	};
	static const char *const bad[] = {
		"", "nix", "nix (Nix)", "nix (Nix) ", "nix (Nix) 2", "nix (Nix) 2.",
		"nix (Nix) x.y", "Nix 2.26.3", "nix (Nix 2.26.3",
		"nix (Nix) 123456.1", "nix (Nix)2.26.3",
		"error: unrecognised flag\nnix (Nix) 2.8.0",
	};
	static const struct {
		const char	*version;
		unsigned	 minor, patch;
		enum nix_dialect dialect;
	} recorded[] = {
		{ "2.8", 8, 0, NIX_DIALECT_ACCESS },
		{ "2.26", 26, 3, NIX_DIALECT_EAGER },
		{ "2.34", 34, 8, NIX_DIALECT_LAZY },
	};
	struct nix_version	 v;
	char			*text;
	size_t			 i, len;

	(void)state;
	for (i = 0; i < sizeof recorded / sizeof recorded[0]; i++) {
		text = slurp(recorded[i].version, "version.txt", &len);
		assert_int_equal(nix_version_parse(&v, text, len), 0);
		assert_int_equal(v.impl, NIX_IMPL_NIX);
		assert_int_equal(v.major, 2);
		assert_int_equal(v.minor, recorded[i].minor);
		assert_int_equal(v.patch, recorded[i].patch);
		assert_int_equal(nix_dialect(&v), recorded[i].dialect);
		assert_true(nix_dialect_known(nix_dialect(&v)));
		free(text);
	}
	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		memset(&v, 0xff, sizeof v);
		if (nix_version_parse(&v, good[i].line,
		    strlen(good[i].line)) != 0)
			fail_msg("refused %s", good[i].line);
		assert_int_equal(v.impl, good[i].impl);
		assert_int_equal(v.major, good[i].major);
		assert_int_equal(v.minor, good[i].minor);
		assert_int_equal(v.patch, good[i].patch);
		if (nix_dialect(&v) != good[i].dialect)
			fail_msg("%s: dialect %d", good[i].line,
			    nix_dialect(&v));
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (nix_version_parse(&v, bad[i], strlen(bad[i])) == 0)
			fail_msg("accepted %s", bad[i]);
	}
	/* Unknown, untested and Lix: assume the worst. */
	assert_int_equal(nix_dialect(NULL), NIX_DIALECT_UNTESTED);
	assert_false(nix_dialect_known(NIX_DIALECT_UNTESTED));
	assert_false(nix_dialect_known(NIX_DIALECT_LIX));
	assert_non_null(strstr(nix_dialect_tracking(NIX_DIALECT_UNTESTED),
	    "over-approximation"));
	assert_non_null(strstr(nix_dialect_tracking(NIX_DIALECT_LIX),
	    "over-approximation"));
	assert_non_null(strstr(nix_dialect_tracking(NIX_DIALECT_EAGER),
	    "tracing"));
	assert_non_null(strstr(nix_dialect_name(NIX_DIALECT_ACCESS),
	    "checking access to"));
	assert_non_null(strstr(nix_dialect_name(NIX_DIALECT_LIX), "Lix"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_argv),
	cmocka_unit_test(test_argv_names),
	cmocka_unit_test(test_gcroots),
	cmocka_unit_test(test_error_recorded),
	cmocka_unit_test(test_error_layouts),
	cmocka_unit_test(test_error_unstore),
	cmocka_unit_test(test_error_report),
	cmocka_unit_test(test_error_kinds),
	cmocka_unit_test(test_error_passing),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_flakes_judge),
	cmocka_unit_test(test_version),
};

HARNESS_MAIN(tests)
