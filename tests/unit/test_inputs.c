/*
 * Unit tests for daemon/inputs.c: the key over a shell's inputs follows
 * their contents (not their timestamps), notices files that appear or
 * vanish, covers directories (walked, or trusted while watched), and
 * names what changed.
 */
#include <sys/stat.h>

#include "harness.h"

#include "hearthd.h"

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
	inputs_changed(back, dir, &names);
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

static const struct CMUnitTest tests[] = {
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
