/*
 * Unit tests of common/nixlog.c: the inputs read from real logs of
 * `nix print-dev-env -vvv` with hearth-nixtrace.so preloaded, recorded
 * from Nix 2.8 (bookworm), 2.26 (trixie) and 2.34 (sid) on the same
 * probe flake (tests/unit/data/nixlog/README), and the parser's rules on
 * made-up lines.
 */
#include "harness.h"

#include "hearth/nixlog.h"
#include "hearth/xmalloc.h"

#define DATA	"tests/unit/data/nixlog/"
#define TOP	"/src/proj"

struct found {
	char	*path[256];
	char	 kind[256];
	int	 n;
};

static void
found_cb(const char *path, enum nixlog_kind kind, void *arg)
{
	struct found	*f = arg;
	int		 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->path[i], path) == 0) {
			if (kind == NIXLOG_READ)
				f->kind[i] = 'r';
			return;
		}
	assert_true(f->n < 256);
	f->path[f->n] = xstrdup(path);
	f->kind[f->n++] = kind == NIXLOG_READ ? 'r' : 's';
}

static void
found_free(struct found *f)
{
	while (f->n > 0)
		free(f->path[--f->n]);
}

/* The kind path was found as ('r', 's'), or 0. */
static char
found_kind(const struct found *f, const char *rel)
{
	char	 p[256];
	int	 i;

	snprintf(p, sizeof p, "%s%s%s", TOP, *rel ? "/" : "", rel);
	for (i = 0; i < f->n; i++)
		if (strcmp(f->path[i], p) == 0)
			return (f->kind[i]);
	return (0);
}

/* Feed a recorded log, line by line, to a parser with the probe's token. */
static struct nixlog *
feed(const char *file, struct found *f)
{
	struct nixlog	*nl;
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 n;

	nl = nixlog_new(TOP, TOP, "tok123", found_cb, f);
	fp = fopen(file, "r");
	assert_non_null(fp);
	while ((n = getline(&line, &cap, fp)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		nixlog_line(nl, line);
	}
	free(line);
	fclose(fp);
	return (nl);
}

/*
 * The probe flake imports nix/mini.nix and shell.nix, reads
 * rust-toolchain.toml with readFile, copies data/ to the store, lists
 * listed/ with readDir, looks for extra.nix (missing) with pathExists, and
 * its stdenv copies nix/stdenv-setup.sh. README is read by nothing.
 */
static void
check_probe(const char *file, int work_tree)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl = feed(file, &f);
	const char	*read[] = { "flake.nix", "nix/mini.nix", "shell.nix",
	    "rust-toolchain.toml", "data", "listed", "nix/stdenv-setup.sh" };
	size_t		 i;
	int		 j;

	for (i = 0; i < sizeof read / sizeof read[0]; i++) {
		if (found_kind(&f, read[i]) != 'r')
			fail_msg("%s: %s not read", file, read[i]);
	}
	assert_int_equal(found_kind(&f, "README"), 0);
	/* 2.34 answers a pathExists of an untracked file from git alone. */
	if (!work_tree)
		assert_int_not_equal(found_kind(&f, "extra.nix"), 0);
	for (j = 0; j < f.n; j++) {
		assert_true(strncmp(f.path[j], TOP, strlen(TOP)) == 0);
		assert_null(strstr(f.path[j], "/.git"));
		assert_null(strstr(f.path[j], "//"));
	}
	assert_true(nixlog_traced(nl));
	assert_null(nixlog_approximate(nl));
	assert_int_equal(nixlog_from_work_tree(nl), work_tree);
	nixlog_free(nl);
	found_free(&f);
}

static void
test_probe_2_8(void **state)
{
	(void)state;
	check_probe(DATA "probe-2.8.log", 0);
	check_probe(DATA "dirty-2.8.log", 0);
}

static void
test_probe_2_26(void **state)
{
	(void)state;
	check_probe(DATA "probe-2.26.log", 0);
	check_probe(DATA "dirty-2.26.log", 0);
}

static void
test_probe_2_34(void **state)
{
	(void)state;
	check_probe(DATA "probe-2.34.log", 1);
	check_probe(DATA "dirty-2.34.log", 1);
}

/* Lines for a made-up run: the tree is a store copy, token "t". */
static struct nixlog *
made_up(struct found *f, const char *token)
{
	struct nixlog	*nl = nixlog_new(TOP "/", TOP, token, found_cb, f);

	nixlog_line(nl, "\036hearth-nixtrace t h ");
	return (nl);
}

static void
test_before_the_tree_is_fetching(void **state)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl = made_up(&f, "t");

	(void)state;
	nixlog_line(nl, "\036hearth-nixtrace t r " TOP "/README");
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file://" TOP "?ref=main'");
	nixlog_line(nl, "\036hearth-nixtrace t r /nix/store/abc-source/a.nix");
	nixlog_line(nl, "\036hearth-nixtrace t s /nix/store/abc-source/b.nix");
	nixlog_line(nl, "\036hearth-nixtrace t r /nix/store/other-source/c");
	nixlog_line(nl, "\036hearth-nixtrace t r " TOP "/.git/index");
	assert_int_equal(found_kind(&f, "README"), 0);
	assert_int_equal(found_kind(&f, "a.nix"), 'r');
	assert_int_equal(found_kind(&f, "b.nix"), 's');
	assert_int_equal(f.n, 2);
	assert_null(nixlog_approximate(nl));
	assert_int_equal(nixlog_from_work_tree(nl), 0);
	nixlog_free(nl);
	found_free(&f);
}

static void
test_copy_of_the_tree_is_fetching(void **state)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl = made_up(&f, "t");

	(void)state;
	nixlog_line(nl, "got tree '" TOP "/' from 'git+file://" TOP "'");
	nixlog_line(nl, "copying '" TOP "/' to the store...");
	nixlog_line(nl, "\036hearth-nixtrace t r " TOP "/README");
	nixlog_line(nl, "copied '" TOP "/' to '/nix/store/abc-source' (hash "
	    "'sha256-x')");
	nixlog_line(nl, "\036hearth-nixtrace t r " TOP "//a.nix");
	nixlog_line(nl, "copied source '" TOP "/data/' -> "
	    "'/nix/store/def-data'");
	assert_int_equal(found_kind(&f, "README"), 0);
	assert_int_equal(found_kind(&f, "a.nix"), 'r');
	assert_int_equal(found_kind(&f, "data"), 'r');
	assert_int_equal(nixlog_from_work_tree(nl), 1);
	nixlog_free(nl);
	found_free(&f);
}

static void
test_forged_records_are_ignored(void **state)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl = nixlog_new(TOP, TOP, "secret", found_cb, &f);

	(void)state;
	/* A flake can print anything, but cannot know the token. */
	nixlog_line(nl, "\036hearth-nixtrace t h ");
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file://" TOP "'");
	nixlog_line(nl, "\036hearth-nixtrace t r /nix/store/abc-source/x");
	nixlog_line(nl, "\036hearth-nixtrace secretx r /nix/store/abc-source/y");
	nixlog_line(nl, "\036hearth-nixtrace secret");
	nixlog_line(nl, "\036hearth-nixtrace secret r");
	assert_int_equal(f.n, 0);
	assert_false(nixlog_traced(nl));
	assert_non_null(nixlog_approximate(nl));
	nixlog_free(nl);
	found_free(&f);
}

static void
test_approximate_reasons(void **state)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl;

	(void)state;
	/* No tree named: nothing can be mapped. */
	nl = made_up(&f, "t");
	assert_string_equal(nixlog_approximate(nl),
	    "Nix did not say which tree it evaluated");
	nixlog_free(nl);
	/* Another flake's tree (an input) is not this one. */
	nl = made_up(&f, "t");
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file:///src/other'");
	assert_non_null(nixlog_approximate(nl));
	nixlog_free(nl);
	/* No tracer: the log alone, 2.8's checking access lines. */
	nl = nixlog_new(TOP, TOP, NULL, found_cb, &f);
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file://" TOP "?dir=.'");
	nixlog_line(nl, "checking access to '/nix/store/abc-source/m.nix'");
	nixlog_line(nl, "evaluating file '/nix/store/abc-source/n.nix'");
	assert_int_equal(found_kind(&f, "m.nix"), 'r');
	assert_int_equal(found_kind(&f, "n.nix"), 'r');
	assert_non_null(strstr(nixlog_approximate(nl), "not found"));
	nixlog_free(nl);
	/* A path too long for one record. */
	nl = made_up(&f, "t");
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file://" TOP "'");
	nixlog_line(nl, "\036hearth-nixtrace t o ");
	assert_non_null(strstr(nixlog_approximate(nl), "too long"));
	nixlog_free(nl);
	found_free(&f);
}

static void
test_url_is_decoded(void **state)
{
	struct found	 f = { .n = 0 };
	struct nixlog	*nl = nixlog_new("/src/my proj", "/src/my proj", "t",
	    found_cb, &f);

	(void)state;
	nixlog_line(nl, "\036hearth-nixtrace t h ");
	nixlog_line(nl, "got tree '/nix/store/abc-source' from "
	    "'git+file:///src/my%20proj?ref=main'");
	assert_null(nixlog_approximate(nl));
	nixlog_free(nl);
}

/*
 * What Nix builds now, for progress: each version's recorded log of a
 * build (tests/unit/data/nix/VERSION/builder-failed.log) names it in the
 * same words; nothing else, and no made-up line, is taken for one.
 */
static void
test_activity(void **state)
{
	static const char *const versions[] = { "2.8", "2.26", "2.34" };
	char	 line[4096], *a, *path, *found;
	FILE	*f;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof versions / sizeof *versions; i++) {
		assert_true(asprintf(&path, "tests/unit/data/nix/%s/"
		    "builder-failed.log", versions[i]) > 0);
		assert_non_null(f = fopen(path, "r"));
		found = NULL;
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if ((a = nixlog_activity(line)) == NULL)
				continue;
			assert_null(found);
			found = a;
		}
		fclose(f);
		assert_non_null(found);
		assert_string_equal(found, "building failing-tool-1.0");
		free(found);
		free(path);
	}
	assert_null(nixlog_activity("building '/nix/store/x.drv'..."));
	assert_null(nixlog_activity("building of '/nix/store/"
	    "0123456789abcdfghijklmnpqrsvwxyz-a.drv' from .drv file"));
	assert_null(nixlog_activity("building '/nix/store/"
	    "0123456789abcdfghijklmnpqrsvwxyz-a/b.drv'..."));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_probe_2_8),
	cmocka_unit_test(test_probe_2_26),
	cmocka_unit_test(test_probe_2_34),
	cmocka_unit_test(test_before_the_tree_is_fetching),
	cmocka_unit_test(test_copy_of_the_tree_is_fetching),
	cmocka_unit_test(test_forged_records_are_ignored),
	cmocka_unit_test(test_approximate_reasons),
	cmocka_unit_test(test_url_is_decoded),
	cmocka_unit_test(test_activity),
};

HARNESS_MAIN(tests)
