/*
 * Unit tests for daemon/inputs.c: the key over a shell's inputs follows
 * their contents (not their timestamps), notices files that appear or
 * vanish, covers directories (walked, or trusted while watched), and
 * names what changed.
 */
#include <sys/stat.h>

#include "hearth/buf.h"
#include "hearth/hash.h"

#include "harness.h"

#include "inputs.h"

static char	*dir;

static int
setup(void **state)
{
	(void)state;
	dir = harness_tmpdir();
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	harness_rmtree(dir);
	free(dir);
	inputs_forget();
	return (0);
}

static char *
path(const char *name)
{
	char	*p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return (p);
}

static void
put(const char *name, const char *text)
{
	char	*p = path(name);
	FILE	*f;

	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	free(p);
}

static void
test_key_follows_content(void **state)
{
	struct inputs	*in = inputs_new();
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p;
	char		 k3[HASH_HEX_SIZE];

	(void)state;
	put("flake.lock", "one");
	p = path("flake.lock");
	inputs_add(in, p);
	inputs_add(in, p);
	assert_int_equal(inputs_count(in), 1);
	inputs_key(in, "default", k1);
	/* Same content, new timestamps: same key. */
	put("flake.lock", "one");
	inputs_key(in, "default", k2);
	assert_string_equal(k1, k2);
	/* New content of the same size, in the same second: new key. */
	put("flake.lock", "two");
	inputs_key(in, "default", k2);
	assert_string_not_equal(k1, k2);
	/* Back to the old content: the old key again. */
	put("flake.lock", "one");
	inputs_key(in, "default", k3);
	assert_string_equal(k1, k3);
	/* The salt (shell, system, Nix) is part of the key. */
	inputs_key(in, "api", k3);
	assert_string_not_equal(k1, k3);
	free(p);
	inputs_free(in);
}

static void
test_missing_files_count(void **state)
{
	struct inputs	*in = inputs_new();
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p;

	(void)state;
	p = path("extra.nix");
	inputs_add(in, p);
	inputs_key(in, "s", k1);
	put("extra.nix", "");
	inputs_key(in, "s", k2);
	/* Creating a file evaluation looked for changes the key. */
	assert_string_not_equal(k1, k2);
	unlink(p);
	inputs_key(in, "s", k2);
	assert_string_equal(k1, k2);
	free(p);
	inputs_free(in);
}

static void
test_directories(void **state)
{
	struct inputs	*in = inputs_new();
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p;

	(void)state;
	p = path("src");
	assert_int_equal(mkdir(p, 0755), 0);
	put("src/a.c", "int a;");
	inputs_add(in, p);
	inputs_key(in, "s", k1);
	put("src/a.c", "int b;");
	inputs_key(in, "s", k2);
	assert_string_not_equal(k1, k2);
	put("src/a.c", "int a;");
	inputs_key(in, "s", k2);
	assert_string_equal(k1, k2);
	put("src/new.c", "");
	inputs_key(in, "s", k2);
	assert_string_not_equal(k1, k2);
	free(p);
	inputs_free(in);
}

/*
 * A watched tree's hash is trusted until a file event, then walked again;
 * an unwatched one is walked at every key.
 */
static void
test_watched_tree(void **state)
{
	struct inputs	*in = inputs_new();
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p;

	(void)state;
	p = path("src");
	assert_int_equal(mkdir(p, 0755), 0);
	put("src/a.c", "int a;");
	inputs_add(in, p);
	inputs_tree_watched(p, 1);
	inputs_key(in, "s", k1);
	/* No event told: the walk is not redone, the key stays. */
	put("src/a.c", "int b;");
	inputs_key(in, "s", k2);
	assert_string_equal(k1, k2);
	/* The event: walked again. */
	inputs_trees_changed();
	inputs_key(in, "s", k2);
	assert_string_not_equal(k1, k2);
	/* Unwatched: every key walks. */
	inputs_tree_watched(p, 0);
	put("src/a.c", "int a;");
	inputs_key(in, "s", k2);
	assert_string_equal(k1, k2);
	free(p);
	inputs_free(in);
}

static void
test_changed_and_codec(void **state)
{
	struct inputs	*in = inputs_new(), *back = inputs_new();
	struct buf	 b = BUF_INIT, names = BUF_INIT;
	char		*p, *q;

	(void)state;
	put("flake.lock", "v1");
	put("shell.nix", "{}");
	p = path("flake.lock");
	q = path("shell.nix");
	inputs_add(in, q);
	inputs_add(in, p);
	assert_string_equal(inputs_path(in, 0), p);	/* sorted */
	inputs_record(in);
	inputs_encode(in, &b);
	assert_int_equal(inputs_decode(back, b.data, b.len), 0);
	assert_int_equal(inputs_count(back), 2);
	put("flake.lock", "v2");
	inputs_changed(back, dir, NULL, &names);
	assert_string_equal(names.data, "flake.lock");
	/* Malformed encodings are refused. */
	assert_int_equal(inputs_decode(back, "relative\0h\0", 11), -1);
	assert_int_equal(inputs_decode(back, "/abs\0", 5), -1);
	buf_release(&b);
	buf_release(&names);
	free(p);
	free(q);
	inputs_free(in);
	inputs_free(back);
}

/* A STAT input counts only existence and type, not content. */
static void
test_stat_kind(void **state)
{
	struct inputs	*in = inputs_new();
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p, *d;

	(void)state;
	put("looked.nix", "{ a = 1; }");
	p = path("looked.nix");
	d = path("sub");
	assert_int_equal(mkdir(d, 0755), 0);
	inputs_add_kind(in, p, INPUTS_STAT);
	inputs_add_kind(in, d, INPUTS_STAT);
	assert_int_equal(inputs_kind(in, 0), INPUTS_STAT);
	inputs_key(in, "s", k1);
	put("looked.nix", "{ a = 2; }");
	put("sub/new", "x");
	inputs_key(in, "s", k2);
	assert_string_equal(k1, k2);
	assert_int_equal(unlink(p), 0);
	inputs_key(in, "s", k2);
	assert_string_not_equal(k1, k2);
	/* The same path read is another input, with another key. */
	inputs_add(in, d);
	assert_int_equal(inputs_count(in), 3);
	free(p);
	free(d);
	inputs_free(in);
}

/* Inputs inside a directory whose whole tree is an input add nothing. */
static void
test_prune_trees(void **state)
{
	struct inputs	*in = inputs_new();
	char		*a, *ab, *abc, *ax, *b;

	(void)state;
	a = path("a");
	ab = path("a/b");
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(mkdir(ab, 0755), 0);
	put("a/b/c", "1");
	put("a-x", "2");
	put("b", "3");
	abc = path("a/b/c");
	ax = path("a-x");
	b = path("b");
	inputs_add(in, abc);
	inputs_add(in, ab);		/* a tree inside a tree */
	inputs_add(in, a);
	inputs_add_kind(in, ab, INPUTS_STAT);
	inputs_add(in, ax);
	inputs_add_kind(in, b, INPUTS_STAT);
	inputs_add_kind(in, dir, INPUTS_TRACKED);
	inputs_prune_trees(in);
	assert_int_equal(inputs_count(in), 4);
	assert_string_equal(inputs_path(in, 0), dir);
	assert_string_equal(inputs_path(in, 1), a);
	assert_string_equal(inputs_path(in, 2), ax);
	assert_string_equal(inputs_path(in, 3), b);
	free(a);
	free(ab);
	free(abc);
	free(ax);
	free(b);
	inputs_free(in);
}

/* Kinds and the reason a set is approximate survive the store's codec. */
static void
test_codec_kinds_and_approx(void **state)
{
	struct inputs	*in = inputs_new(), *back = inputs_new();
	struct buf	 b = BUF_INIT;
	char		 k1[HASH_HEX_SIZE], k2[HASH_HEX_SIZE], *p;

	(void)state;
	put("x.nix", "1");
	p = path("x.nix");
	inputs_add(in, p);
	inputs_add_kind(in, p, INPUTS_STAT);
	inputs_set_approx(in, "no tracer");
	inputs_set_approx(in, "a second reason is not kept");
	inputs_record(in);
	inputs_encode(in, &b);
	assert_int_equal(inputs_decode(back, b.data, b.len), 0);
	assert_int_equal(inputs_count(back), 2);
	assert_int_equal(inputs_kind(back, 0) == INPUTS_STAT ||
	    inputs_kind(back, 1) == INPUTS_STAT, 1);
	assert_string_equal(inputs_approx(back), "no tracer");
	inputs_key(in, "s", k1);
	inputs_key(back, "s", k2);
	assert_string_equal(k1, k2);
	/* Schema 2's plain pairs still decode, as READ inputs. */
	inputs_free(back);
	back = inputs_new();
	assert_int_equal(inputs_decode(back, "/abs\0h\0", 7), 0);
	assert_int_equal(inputs_kind(back, 0), INPUTS_READ);
	assert_null(inputs_approx(back));
	assert_int_equal(inputs_decode(back, "!other\0h\0", 9), -1);
	buf_release(&b);
	free(p);
	inputs_free(in);
	inputs_free(back);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_stat_kind, setup, teardown),
	cmocka_unit_test_setup_teardown(test_prune_trees, setup, teardown),
	cmocka_unit_test_setup_teardown(test_codec_kinds_and_approx, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_key_follows_content, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_missing_files_count, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
	cmocka_unit_test_setup_teardown(test_watched_tree, setup, teardown),
	cmocka_unit_test_setup_teardown(test_changed_and_codec, setup,
	    teardown),
};

HARNESS_MAIN(tests)
