/*
 * `hearth check [--junit FILE] [--timeout S] [DIR]`: the fitness checks a
 * team's CI runs on a workspace, with Nix itself:
 *
 *  lock       flake.lock is up to date with flake.nix: `nix flake lock
 *             --no-update-lock-file` fails when a relock is needed, and
 *             writes nothing
 *  devShells  the devShells for this system are listed (`nix eval`)
 *  build X    each devShell evaluates and builds (`nix print-dev-env`)
 *  tools      the committed .hearth-tools matches what the shells provide
 *
 * The user asked for it, so it needs no `hearth allow` and no daemon: it
 * runs Nix with fork and exec, each call with a deadline, with flakes
 * enabled on the command line and --no-write-lock-file, so it leaves no
 * trace in the repository. A table on stdout; exit 0 only if no check
 * failed. A check that could not be made is skipped, never passed, and the
 * summary counts it apart; --junit writes JUnit XML, whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/nix.h"
#include "hearth/path.h"
#include "hearth/savefile.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* What one Nix call may print on stdout: far above any dev shell. */
#define CHECK_MAX_OUT		(64U * 1024 * 1024)

static int	cmd_check_exec(const struct cmd_parsed *);

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.options = {
	    { "junit", 0, "FILE", "also write the results as JUnit XML" },
	    CMD_OPTION_TIMEOUT("limit each Nix call to SECONDS (default 600)"),
	},
	.summary = "run the workspace's fitness checks (for CI)",
	.help =
	    "Checks, with Nix, that flake.lock is up to date with flake.nix,\n"
	    "that every devShell for this system evaluates and builds, and\n"
	    "that the committed .hearth-tools (if any) matches what they\n"
	    "provide. Needs no daemon and no `hearth allow`, and writes\n"
	    "nothing into the workspace. --junit FILE also writes the\n"
	    "results as JUnit XML; --timeout limits each Nix call (600 s).\n"
	    "Exit status: 0 when every check passed, 1 otherwise.\n"
	    "Environment: HEARTH_NIX (the nix program), HEARTH_SYSTEM.\n",
	.exec = cmd_check_exec,
};

enum check_result {
	CHECK_PASS,
	CHECK_FAIL,
	CHECK_SKIP,
};

struct check_row {
	char			*name;
	enum check_result	 result;
	char			*detail;	/* one line */
	char			*text;		/* the full story, or NULL */
	uint32_t		 ms;
};

struct check {
	const char		*nix;
	const char		*root;
	unsigned		 timeout;
	struct check_row	*rows;
	size_t			 n;
};

static void
check_row(struct check *ck, const char *name, enum check_result result,
    uint32_t ms, char *detail, char *text)
{
	struct check_row	*r;
	char			*p;

	ck->rows = xrealloc(ck->rows, (ck->n + 1) * sizeof *ck->rows);
	r = &ck->rows[ck->n++];
	r->name = xstrdup(name);
	r->result = result;
	r->ms = ms;
	/* A table cell: one line, no control characters. */
	for (p = detail; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	}
	r->detail = detail;
	r->text = text;
}

/* Run one of Nix's jobs (common/nix.c) from the root, and free it. */
static int
check_nix(struct check *ck, struct runner_result *r, struct nix_argv *argv)
{
	char	*cause = NULL;
	int	 rc;

	runner_result_init(r);
	rc = runner_run(nix_argv_vector(argv), ck->root, ck->timeout,
	    CHECK_MAX_OUT, r, &cause);
	nix_argv_free(argv);
	if (rc != 0) {
		buf_adds(&r->err, cause);
		free(cause);
		r->status = 127 << 8;
		return (-1);
	}
	return (runner_ok(r) ? 0 : -1);
}

/* The full text of a failed call, for JUnit: its error output. */
static char *
check_text(const struct runner_result *r)
{
	return (xstrndup(r->err.data, r->err.len));
}

static void
check_lock(struct check *ck)
{
	struct runner_result	 r;
	char			*why, *lock;
	int			 has_lock;

	lock = path_join(ck->root, PATH_LOCK);
	has_lock = access(lock, F_OK) == 0;
	free(lock);
	if (check_nix(ck, &r, nix_argv_lock_check(ck->nix, ck->root)) == 0) {
		/* Nothing to lock is not a lock file checked. */
		if (has_lock)
			check_row(ck, "lock", CHECK_PASS, r.ms, xstrdup(
			    "flake.lock is up to date with flake.nix"), NULL);
		else
			check_row(ck, "lock", CHECK_SKIP, r.ms, xstrdup("no "
			    "flake.lock, and flake.nix has no inputs to lock"),
			    NULL);
	} else {
		if (!r.timed_out && !has_lock)
			why = xstrdup("no flake.lock (run `nix flake lock` and "
			    "commit flake.lock)");
		else if (!r.timed_out && nix_error_lock_outdated(r.err.data,
		    r.err.len))
			why = xstrdup("flake.lock is out of date with flake.nix "
			    "(run `nix flake lock` and commit flake.lock)");
		else
			why = runner_why(&r, ck->timeout);
		check_row(ck, "lock", CHECK_FAIL, r.ms, why, check_text(&r));
	}
	runner_result_release(&r);
}

/* The system to check for: HEARTH_SYSTEM, else Nix's own. */
static char *
check_system(struct check *ck, char **why, char **text)
{
	struct runner_result	 r;
	const char		*v;
	char			*sys;

	if ((v = getenv("HEARTH_SYSTEM")) != NULL && *v != '\0')
		return (xstrdup(v));
	if (check_nix(ck, &r, nix_argv_system(ck->nix)) != 0 ||
	    r.out.len == 0) {
		*why = runner_why(&r, ck->timeout);
		*text = check_text(&r);
		runner_result_release(&r);
		return (NULL);
	}
	sys = xstrdup(r.out.data);
	sys[strcspn(sys, "\n")] = '\0';
	runner_result_release(&r);
	return (sys);
}

static char **
check_names(struct check *ck, const char *system)
{
	struct runner_result	 r;
	struct buf		 list = BUF_INIT;
	char			*why = NULL, *text = NULL, **names = NULL;
	size_t			 i;

	if (check_nix(ck, &r, nix_argv_list(ck->nix, ck->root, system)) != 0) {
		if (!r.timed_out && nix_names_absent(r.err.data, r.err.len,
		    system))
			why = xasprintf("no devShells for %s", system);
		else
			why = runner_why(&r, ck->timeout);
		text = check_text(&r);
	} else if ((names = nix_names_parse(r.out.data, r.out.len,
	    &why)) == NULL)
		;
	else if (names[0] == NULL)
		why = xasprintf("no devShells for %s", system);
	if (why != NULL) {
		check_row(ck, "devShells", CHECK_FAIL, r.ms, why, text);
		nix_names_free(names);
		names = NULL;
	} else {
		for (i = 0; names[i] != NULL; i++)
			buf_addf(&list, "%s%s", i ? ", " : "", names[i]);
		check_row(ck, "devShells", CHECK_PASS, r.ms, xasprintf("%zu "
		    "for %s: %s", i, system, list.data), NULL);
	}
	buf_release(&list);
	runner_result_release(&r);
	return (names);
}

/* Build one devShell; 0 and its tools in got if it built. */
static int
check_build(struct check *ck, const char *name, struct toolslist *got)
{
	struct runner_result	 r;
	struct nix_argv		*a;
	char			*row, *path, *why;
	int			 rc = -1;

	row = xasprintf("build %s", name);
	if ((a = nix_argv_print_dev_env(ck->nix, ck->root, name, NULL, 0,
	    &why)) == NULL) {
		check_row(ck, row, CHECK_FAIL, 0, why, NULL);
		free(row);
		return (-1);
	}
	if (check_nix(ck, &r, a) != 0)
		check_row(ck, row, CHECK_FAIL, r.ms, runner_why(&r,
		    ck->timeout), check_text(&r));
	else if (r.truncated)
		check_row(ck, row, CHECK_FAIL, r.ms, xstrdup("nix "
		    "print-dev-env printed too much"), NULL);
	else {
		path = toolslist_devenv_path(r.out.data, r.out.len);
		toolslist_add_path(got, name, path);
		free(path);
		check_row(ck, row, CHECK_PASS, r.ms, xasprintf("evaluates "
		    "and builds (%.1f s)", r.ms / 1000.0), NULL);
		rc = 0;
	}
	runner_result_release(&r);
	free(row);
	return (rc);
}

/*
 * The list's entries for the shells that could be compared; the shells
 * that did not build, so were not, go to skipped (", "-separated).
 */
static struct toolslist *
check_comparable(struct toolslist *want, char **names, const int *built,
    struct buf *skipped)
{
	struct toolslist		*tl = toolslist_new();
	const struct toolslist_tool	*t;
	char *const			*shells = toolslist_shells(want);
	size_t				 i, j;

	for (i = 0; shells[i] != NULL; i++) {
		for (j = 0; names[j] != NULL; j++) {
			if (strcmp(names[j], shells[i]) == 0)
				break;
		}
		/* A shell that did not build is reported by its own row. */
		if (names[j] == NULL || built[j])
			toolslist_add_shell(tl, shells[i]);
		else
			buf_addf(skipped, "%s%s", skipped->len ? ", " : "",
			    shells[i]);
	}
	for (i = 0; (t = toolslist_get(want, i)) != NULL; i++) {
		for (j = 0; toolslist_shells(tl)[j] != NULL; j++) {
			if (strcmp(toolslist_shells(tl)[j], t->shell) == 0) {
				toolslist_add(tl, t->shell, t->tool,
				    t->package, t->version);
				break;
			}
		}
	}
	return (tl);
}

static void
check_tools(struct check *ck, char **names, const int *built,
    struct toolslist *got)
{
	struct toolslist	*want, *cmp;
	struct buf		 diff = BUF_INIT, skipped = BUF_INIT;
	char			*file, *cause = NULL, *nl, *more, *detail;
	size_t			 n;

	file = path_join(ck->root, TOOLSLIST_FILE);
	if (access(file, F_OK) == -1 && errno == ENOENT) {
		check_row(ck, "tools", CHECK_SKIP, 0, xasprintf("no %s in the "
		    "workspace (`hearth tools --write` makes one)",
		    TOOLSLIST_FILE), NULL);
		free(file);
		return;
	}
	want = toolslist_new();
	if (toolslist_read(want, file, &cause) != 0) {
		check_row(ck, "tools", CHECK_FAIL, 0, cause, NULL);
		toolslist_free(want);
		free(file);
		return;
	}
	free(file);
	cmp = check_comparable(want, names, built, &skipped);
	n = toolslist_diff(cmp, got, &diff);
	if (n == 0 && skipped.len != 0)
		/* What was not compared did not pass. */
		check_row(ck, "tools", CHECK_SKIP, 0, xasprintf("not compared "
		    "for %s, which did not build; the rest of %s matches",
		    skipped.data, TOOLSLIST_FILE), NULL);
	else if (n == 0)
		check_row(ck, "tools", CHECK_PASS, 0, xasprintf("%s matches "
		    "the devShells (%zu tools)", TOOLSLIST_FILE,
		    toolslist_count(cmp)), NULL);
	else {
		nl = strchr(diff.data, '\n');
		more = n > 1 ? xasprintf(" (and %zu more)", n - 1) : xstrdup("");
		detail = xasprintf("%s is out of date: %.*s%s; run `hearth "
		    "tools --write`", TOOLSLIST_FILE, (int)(nl - diff.data),
		    diff.data, more);
		check_row(ck, "tools", CHECK_FAIL, 0, detail,
		    buf_detach(&diff, NULL));
		free(more);
	}
	buf_release(&diff);
	buf_release(&skipped);
	toolslist_free(cmp);
	toolslist_free(want);
}

static void
check_print(const struct check *ck)
{
	static const char	*words[] = { "pass", "FAIL", "skip" };
	const struct check_row	*r;
	const char		*p, *nl;
	size_t			 i, w = 5, failed = 0, skipped = 0;
	char			*skips;

	for (i = 0; i < ck->n; i++) {
		if (strlen(ck->rows[i].name) > w)
			w = strlen(ck->rows[i].name);
	}
	printf("%-*s  %-6s  %s\n", (int)w, "CHECK", "RESULT", "DETAIL");
	for (i = 0; i < ck->n; i++) {
		r = &ck->rows[i];
		printf("%-*s  %-6s  %s\n", (int)w, r->name, words[r->result],
		    r->detail);
		failed += r->result == CHECK_FAIL;
		skipped += r->result == CHECK_SKIP;
	}
	/* The differences of the tools list, each on its own line. */
	for (i = 0; i < ck->n; i++) {
		r = &ck->rows[i];
		if (r->result != CHECK_FAIL || strcmp(r->name, "tools") != 0 ||
		    r->text == NULL)
			continue;
		printf("\n%s differs from the devShells:\n", TOOLSLIST_FILE);
		for (p = r->text; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				nl = p + strlen(p) - 1;
			printf("  %.*s\n", (int)(nl - p), p);
		}
	}
	/* A skipped check is neither passed nor failed: say so apart. */
	skips = skipped != 0 ? xasprintf(", %zu skipped", skipped) :
	    xstrdup("");
	if (failed == 0 && skipped == 0)
		printf("\nhearth check: %s: all %zu checks passed\n", ck->root,
		    ck->n);
	else if (failed == 0)
		printf("\nhearth check: %s: %zu of %zu checks passed%s\n",
		    ck->root, ck->n - skipped, ck->n, skips);
	else
		printf("\nhearth check: %s: %zu of %zu checks failed%s\n",
		    ck->root, failed, ck->n, skips);
	free(skips);
}

static int
check_junit(const struct check *ck, const char *file, char **cause)
{
	struct junit		*j;
	struct buf		 b = BUF_INIT;
	const struct check_row	*r;
	char			*suite;
	size_t			 i;
	int			 rc;

	suite = xasprintf("hearth check %s", ck->root);
	j = junit_new(suite);
	free(suite);
	for (i = 0; i < ck->n; i++) {
		r = &ck->rows[i];
		if (r->result == CHECK_PASS)
			junit_pass(j, r->name, r->ms);
		else if (r->result == CHECK_SKIP)
			junit_skip(j, r->name, r->detail);
		else
			junit_fail(j, r->name, r->ms, r->detail, r->text != NULL ?
			    r->text : r->detail);
	}
	junit_encode(j, &b);
	rc = savefile_write(file, b.data, b.len, cause);
	buf_release(&b);
	junit_free(j);
	return (rc);
}

static int
cmd_check_exec(const struct cmd_parsed *p)
{
	struct check	 ck;
	struct toolslist *got = NULL;
	const char	*junit = cmd_get(p, "junit");
	char		*dir = NULL, *root = NULL, *cause = NULL, *prog;
	char		*system = NULL, *why = NULL, *text = NULL, **names = NULL;
	int		*built = NULL, rc = EXIT_FAIL;
	long		 timeout = 600;
	size_t		 k;

	if (cmd_number(p, "timeout", 1, 86400, &timeout) != 0)
		return (EXIT_USAGE);
	memset(&ck, 0, sizeof ck);
	if ((dir = cmd_dir(cmd_arg(p, 0), &cause)) == NULL)
		goto fail;
	if ((root = path_find_workspace(dir)) == NULL) {
		cause = xasprintf("no %s in %s or any parent directory",
		    PATH_FLAKE, dir);
		goto fail;
	}
	ck.root = root;
	ck.timeout = (unsigned)timeout;
	ck.nix = nixcheck_program();

	if ((prog = nixcheck_find()) == NULL) {
		check_row(&ck, "nix", CHECK_FAIL, 0, xasprintf("%s is not "
		    "installed (not found in PATH)", ck.nix), NULL);
		goto report;
	}
	free(prog);
	/* On a terminal: which check runs, and for how long. */
	progress_start(NULL);
	progress_set("checking the lock of %s", root);
	check_lock(&ck);
	progress_set("listing the devShells of %s", root);
	if ((system = check_system(&ck, &why, &text)) == NULL) {
		check_row(&ck, "devShells", CHECK_FAIL, 0, xasprintf("cannot "
		    "ask Nix for the current system: %s", why), text);
		free(why);
		goto report;
	}
	if ((names = check_names(&ck, system)) == NULL)
		goto report;
	got = toolslist_new();
	for (k = 0; names[k] != NULL; k++)
		;
	built = xcalloc(k + 1, sizeof *built);
	for (k = 0; names[k] != NULL; k++) {
		progress_set("building the %s shell of %s", names[k], root);
		built[k] = check_build(&ck, names[k], got) == 0;
	}
	check_tools(&ck, names, built, got);

report:
	progress_end();
	check_print(&ck);
	rc = EXIT_OK;
	for (k = 0; k < ck.n; k++) {
		if (ck.rows[k].result == CHECK_FAIL)
			rc = EXIT_FAIL;
	}
	if (junit != NULL && check_junit(&ck, junit, &cause) != 0) {
		fprintf(stderr, "hearth check: %s\n", cause);
		free(cause);
		rc = EXIT_FAIL;
	}
	goto out;
fail:
	fprintf(stderr, "hearth check: %s\n", cause);
	free(cause);
out:
	for (k = 0; k < ck.n; k++) {
		free(ck.rows[k].name);
		free(ck.rows[k].detail);
		free(ck.rows[k].text);
	}
	free(ck.rows);
	nix_names_free(names);
	free(built);
	toolslist_free(got);
	free(system);
	free(root);
	free(dir);
	return (rc);
}
