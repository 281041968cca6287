/* Unit tests for common/envdiff.c: computing and coding environment diffs. */
#include "harness.h"

#include "hearth/envdiff.h"

/* Build a "NAME=VALUE\0" dump from a NULL-terminated list. */
static size_t
dump(char *out, const char **vars)
{
	size_t	 n = 0, l;

	for (; *vars != NULL; vars++) {
		l = strlen(*vars) + 1;
		memcpy(out + n, *vars, l);
		n += l;
	}
	return (n);
}

static const struct envdiff_entry *
find(const struct envdiff *d, const char *name)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		if (strcmp(d->entries[i].name, name) == 0)
			return (&d->entries[i]);
	}
	return (NULL);
}

static void
test_compute(void **state)
{
	const char *base[] = { "PATH=/usr/bin:/bin", "KEEP=same",
	    "GONE=x", "CHANGED=old", "HOME=/home/u", "XDG_DATA_DIRS=/usr/share",
	    NULL };
	const char *next[] = { "PATH=/nix/a/bin:/nix/b/bin:/usr/bin:/bin",
	    "KEEP=same", "CHANGED=new", "NEW=v\nwith newline",
	    "HOME=/homeless-shelter", "TMPDIR=/tmp/nix-shell.1", "SHLVL=2",
	    "XDG_DATA_DIRS=/nix/share:/usr/share", "EMPTY=",
	    "BASH_FUNC_x%%=() { :; }", "bad-name=1", "HEARTH_STATE=zz", NULL };
	char			 b[1024], n[1024];
	size_t			 bl, nl;
	struct envdiff		 d;
	const struct envdiff_entry *e;
	char			*cause = NULL;

	(void)state;
	bl = dump(b, base);
	nl = dump(n, next);
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, b, bl, n, nl, &cause), 0);

	assert_non_null(e = find(&d, "PATH"));
	assert_int_equal(e->op, ENVDIFF_PREPEND);
	assert_string_equal(e->value, "/nix/a/bin:/nix/b/bin");
	assert_non_null(e = find(&d, "XDG_DATA_DIRS"));
	assert_int_equal(e->op, ENVDIFF_PREPEND);
	assert_string_equal(e->value, "/nix/share");
	assert_non_null(e = find(&d, "CHANGED"));
	assert_int_equal(e->op, ENVDIFF_SET);
	assert_string_equal(e->value, "new");
	assert_non_null(e = find(&d, "NEW"));
	assert_string_equal(e->value, "v\nwith newline");
	assert_non_null(e = find(&d, "EMPTY"));
	assert_string_equal(e->value, "");
	assert_non_null(e = find(&d, "GONE"));
	assert_int_equal(e->op, ENVDIFF_UNSET);
	/* Unchanged, excluded and invalid names are not in the diff. */
	assert_null(find(&d, "KEEP"));
	assert_null(find(&d, "HOME"));
	assert_null(find(&d, "TMPDIR"));
	assert_null(find(&d, "SHLVL"));
	assert_null(find(&d, "HEARTH_STATE"));
	assert_null(find(&d, "bad-name"));
	assert_null(find(&d, "BASH_FUNC_x%%"));
	assert_non_null(strstr(d.skipped.data, "bad-name"));
	assert_int_equal(d.n, 6);
	envdiff_release(&d);
}

static void
test_not_a_prefix(void **state)
{
	const char *base[] = { "P=/usr/bin", NULL };
	const char *next[] = { "P=/x/usr/bin", NULL };
	char		 b[64], n[64];
	size_t		 bl, nl;
	struct envdiff	 d;
	char		*cause = NULL;

	(void)state;
	bl = dump(b, base);
	nl = dump(n, next);
	envdiff_init(&d);
	/* Ends with the base value, but not after a ':': a plain SET. */
	assert_int_equal(envdiff_compute(&d, b, bl, n, nl, &cause), 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_SET);
	envdiff_release(&d);
}

/* Compute the diff of one variable from base to next; its entries. */
static void
diff_one(struct envdiff *d, const char *base, const char *next)
{
	const char	*bv[] = { base, NULL }, *nv[] = { next, NULL };
	char		 b[256], n[256];
	size_t		 bl, nl;
	char		*cause = NULL;

	bl = base != NULL ? dump(b, bv) : 0;
	nl = dump(n, nv);
	envdiff_init(d);
	assert_int_equal(envdiff_compute(d, b, bl, n, nl, &cause), 0);
}

/*
 * A list variable keeps the user's entries wherever the dev shell put
 * its own: in front (`nix develop`), after (a shellHook's
 * PATH="$PATH:$PWD/node_modules/.bin"), or both.
 */
static void
test_list_around(void **state)
{
	struct envdiff	 d;

	(void)state;
	diff_one(&d, "PATH=/u/bin:/bin", "PATH=/u/bin:/bin:/ws/node/.bin");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_APPEND);
	assert_string_equal(d.entries[0].value, "/ws/node/.bin");
	envdiff_release(&d);

	diff_one(&d, "PATH=/u/bin:/bin",
	    "PATH=/nix/a/bin:/nix/b/bin:/u/bin:/bin:/ws/x:/ws/y");
	assert_int_equal(d.n, 2);
	assert_int_equal(d.entries[0].op, ENVDIFF_PREPEND);
	assert_string_equal(d.entries[0].value, "/nix/a/bin:/nix/b/bin");
	assert_int_equal(d.entries[1].op, ENVDIFF_APPEND);
	assert_string_equal(d.entries[1].value, "/ws/x:/ws/y");
	envdiff_release(&d);

	diff_one(&d, "PATH=/u/bin:/bin", "PATH=/nix/a/bin:/u/bin:/bin");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_PREPEND);
	assert_string_equal(d.entries[0].value, "/nix/a/bin");
	envdiff_release(&d);

	/* Not whole elements: the dev shell's own value. */
	diff_one(&d, "PATH=/u/bin:/bin", "PATH=/u/bin:/binx");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_SET);
	envdiff_release(&d);

	/*
	 * XDG_DATA_DIRS, which the base does not hold: `nix develop` merges
	 * it with the user's (Nix 2.10 to 2.14 leave a trailing colon).
	 */
	diff_one(&d, NULL, "XDG_DATA_DIRS=/nix/share:");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_PREPEND);
	assert_string_equal(d.entries[0].value, "/nix/share");
	envdiff_release(&d);
	diff_one(&d, NULL, "XDG_DATA_DIRS=");
	assert_int_equal(d.n, 0);
	envdiff_release(&d);
	/* Any other variable without a base value is set as it is. */
	diff_one(&d, NULL, "MANPATH=/nix/man:");
	assert_int_equal(d.n, 1);
	assert_int_equal(d.entries[0].op, ENVDIFF_SET);
	assert_string_equal(d.entries[0].value, "/nix/man:");
	envdiff_release(&d);
}

/*
 * Only hearth's own names and the prompt's are kept from a dev shell, and
 * named; other HEARTH_ names are the dev shell's. Exported functions are
 * named too.
 */
static void
test_reserved_and_functions(void **state)
{
	const char *base[] = { "PATH=/bin", "BASH_FUNC_old%%=", NULL };
	const char *next[] = { "PATH=/bin", "BASH_FUNC_old%%=",
	    "BASH_FUNC_myfn%%=myfn () \n{ \n    echo hi\n}\n",
	    "BASH_FUNC_a-b%%=a-b () \n{ \n    :\n}\n",
	    "BASH_FUNC_other%%=not a definition", "HEARTH_STATE=evil",
	    "HEARTH_PROJECT=mine", "HEARTH_NIXTRACE_SO=x",
	    "PROMPT_COMMAND=echo dev", "PS0=dev> ", "PS1=$ ", NULL };
	char		 b[512], n[512];
	size_t		 bl, nl;
	struct envdiff	 d;
	const struct envdiff_entry *e;
	char		*cause = NULL;

	(void)state;
	bl = dump(b, base);
	nl = dump(n, next);
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, b, bl, n, nl, &cause), 0);
	assert_int_equal(d.n, 2);
	assert_non_null(e = find(&d, "HEARTH_PROJECT"));
	assert_string_equal(e->value, "mine");
	/* Kept as the environment holds it, which bash reads back. */
	assert_non_null(e = find(&d, "BASH_FUNC_myfn%%"));
	assert_int_equal(e->op, ENVDIFF_SET);
	assert_string_equal(e->value, "() { \n    echo hi\n}\n");
	assert_string_equal(d.reserved.data,
	    "HEARTH_NIXTRACE_SO HEARTH_STATE PROMPT_COMMAND PS0 PS1");
	/* Not identifiers, or not definitions: named, left out. */
	assert_string_equal(d.functions.data, "a-b other");
	envdiff_release(&d);
	assert_true(envdiff_reserved("HEARTH_TIMEOUT_MS"));
	assert_true(envdiff_reserved("PROMPT_COMMAND"));
	assert_false(envdiff_reserved("HEARTH_PROJECT"));
	assert_false(envdiff_excluded("HEARTH_PROJECT"));
	assert_true(envdiff_function_key("BASH_FUNC_myfn%%"));
	assert_false(envdiff_function_key("BASH_FUNC_a-b%%"));
	assert_false(envdiff_function_key("BASH_FUNC_%%"));
	assert_false(envdiff_excluded("BASH_FUNC_myfn%%"));
	assert_true(envdiff_excluded("BASH_VERSINFO"));
}

static void
test_malformed_dumps(void **state)
{
	struct envdiff	 d;
	char		*cause = NULL;

	(void)state;
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, "A=1", 3, "", 0, &cause), -1);
	assert_non_null(strstr(cause, "truncated"));
	free(cause);
	assert_int_equal(envdiff_compute(&d, "NOEQUALS\0", 9, "", 0, &cause),
	    -1);
	free(cause);
	assert_int_equal(envdiff_compute(&d, "=v\0", 3, "", 0, &cause), -1);
	free(cause);
	envdiff_release(&d);
}

static void
test_encode_decode(void **state)
{
	struct envdiff	 d, back;
	struct buf	 b = BUF_INIT;
	char		*cause = NULL;
	size_t		 i;

	(void)state;
	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "A", "quote ' dq \" nl \n tab \t $x `y`");
	envdiff_add(&d, ENVDIFF_UNSET, "B", NULL);
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/store/x/bin");
	envdiff_add(&d, ENVDIFF_APPEND, "PATH", "/ws/node_modules/.bin");
	envdiff_add(&d, ENVDIFF_SET, "E", "");
	envdiff_add(&d, ENVDIFF_SET, "U", "\xff\xfe invalid utf-8");
	envdiff_encode(&d, &b);
	envdiff_init(&back);
	assert_int_equal(envdiff_decode(&back, b.data, b.len, &cause), 0);
	assert_int_equal(back.n, d.n);
	for (i = 0; i < d.n; i++) {
		assert_int_equal(back.entries[i].op, d.entries[i].op);
		assert_string_equal(back.entries[i].name, d.entries[i].name);
		assert_string_equal(back.entries[i].value, d.entries[i].value);
	}
	envdiff_release(&d);
	envdiff_release(&back);
	buf_release(&b);
}

static void
test_decode_rejects(void **state)
{
	static const struct {
		const char	*p;
		size_t		 len;
	} bad[] = {
		{ "S\0A\0", 4 },		/* missing value */
		{ "X\0A\0v\0", 6 },		/* unknown op */
		{ "SS\0A\0v\0", 7 },		/* op too long */
		{ "S\0A-B\0v\0", 8 },		/* not a shell name */
		{ "S\0\0v\0", 5 },		/* empty name */
		{ "S\0A\0v", 5 },		/* unterminated */
	};
	struct envdiff	 d;
	char		*cause;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof *bad; i++) {
		envdiff_init(&d);
		cause = NULL;
		assert_int_equal(envdiff_decode(&d, bad[i].p, bad[i].len,
		    &cause), -1);
		assert_non_null(cause);
		assert_int_equal(d.n, 0);
		free(cause);
		envdiff_release(&d);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(envdiff_valid_name("PATH"));
	assert_true(envdiff_valid_name("_x9"));
	assert_false(envdiff_valid_name("9x"));
	assert_false(envdiff_valid_name(""));
	assert_false(envdiff_valid_name("a.b"));
	assert_true(envdiff_excluded("TMPDIR"));
	assert_true(envdiff_excluded("BASH_VERSINFO"));
	assert_true(envdiff_excluded("HEARTH_STATE"));
	assert_false(envdiff_excluded("PATH"));
	assert_false(envdiff_excluded("IN_NIX_SHELL"));
}

/*
 * The entry limit: a dev shell that sets ENVDIFF_MAX_ENTRIES variables is
 * stored, one more is refused at compute with a reason, and the decoder
 * refuses what it would not have stored. (Out of the fuzz corpus, where
 * a 4097-variable seed made every run of the envdiff fuzzer slow.)
 */
static void
test_entry_limit(void **state)
{
	struct envdiff	 d, back;
	struct buf	 base = BUF_INIT, next = BUF_INIT, enc = BUF_INIT;
	char		*cause = NULL;
	unsigned	 i;

	(void)state;
	for (i = 0; i < ENVDIFF_MAX_ENTRIES; i++)
		buf_addf(&next, "V%u=x%c", i, '\0');
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, "", 0, next.data, next.len,
	    &cause), 0);
	assert_int_equal(d.n, ENVDIFF_MAX_ENTRIES);
	envdiff_encode(&d, &enc);
	envdiff_release(&d);

	/* A dump of one variable more is refused as such. */
	buf_addf(&next, "V%u=x%c", i, '\0');
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, "", 0, next.data, next.len,
	    &cause), -1);
	assert_non_null(strstr(cause, "too many environment variables"));
	free(cause);
	cause = NULL;
	envdiff_release(&d);

	/* Two dumps within the limit whose diff is not: 2100 go, 2100 come. */
	buf_reset(&base);
	buf_reset(&next);
	for (i = 0; i < 2100; i++) {
		buf_addf(&base, "OLD%u=x%c", i, '\0');
		buf_addf(&next, "NEW%u=x%c", i, '\0');
	}
	envdiff_init(&d);
	assert_int_equal(envdiff_compute(&d, base.data, base.len, next.data,
	    next.len, &cause), -1);
	assert_non_null(strstr(cause, "changes too much"));
	free(cause);
	cause = NULL;
	envdiff_release(&d);

	/* The decoder takes the limit, and refuses one entry more. */
	envdiff_init(&back);
	assert_int_equal(envdiff_decode(&back, enc.data, enc.len, &cause), 0);
	assert_int_equal(back.n, ENVDIFF_MAX_ENTRIES);
	envdiff_release(&back);
	buf_addc(&enc, (char)ENVDIFF_SET);
	buf_add(&enc, "\0EXTRA\0x\0", 10);
	envdiff_init(&back);
	assert_int_equal(envdiff_decode(&back, enc.data, enc.len, &cause),
	    -1);
	free(cause);
	envdiff_release(&back);
	buf_release(&base);
	buf_release(&next);
	buf_release(&enc);
}

static void
test_dump_get(void **state)
{
	const char *vars[] = { "A=1", "AB=2", "NIX_BUILD_TOP=/tmp/nix-shell.x",
	    "E=", "C=x=y", NULL };
	char		 b[256];
	size_t		 bl;
	struct envdiff	 d;
	struct buf	 enc = BUF_INIT;

	(void)state;
	bl = dump(b, vars);
	assert_string_equal(envdiff_dump_get(b, bl, "A"), "1");
	assert_string_equal(envdiff_dump_get(b, bl, "AB"), "2");
	assert_string_equal(envdiff_dump_get(b, bl, "NIX_BUILD_TOP"),
	    "/tmp/nix-shell.x");
	assert_string_equal(envdiff_dump_get(b, bl, "E"), "");
	assert_string_equal(envdiff_dump_get(b, bl, "C"), "x=y");
	assert_null(envdiff_dump_get(b, bl, "x"));
	assert_null(envdiff_dump_get(b, bl, "B"));
	/* A record cut short (no NUL) is not read. */
	assert_null(envdiff_dump_get("A=1", 3, "A"));

	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_UNSET, "GONE", "");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH", "/nix/a/bin");
	envdiff_add(&d, ENVDIFF_SET, "NIX_ATTRS_JSON_FILE", "/s/.attrs.json");
	/* A value spelling a name is still a value. */
	envdiff_add(&d, ENVDIFF_SET, "X", "NIX_ATTRS_SH_FILE");
	envdiff_encode(&d, &enc);
	assert_string_equal(envdiff_encoded_get(enc.data, enc.len,
	    "NIX_ATTRS_JSON_FILE"), "/s/.attrs.json");
	assert_string_equal(envdiff_encoded_get(enc.data, enc.len, "X"),
	    "NIX_ATTRS_SH_FILE");
	assert_null(envdiff_encoded_get(enc.data, enc.len,
	    "NIX_ATTRS_SH_FILE"));
	assert_null(envdiff_encoded_get(enc.data, enc.len, "PATH"));
	assert_null(envdiff_encoded_get(enc.data, enc.len, "GONE"));
	assert_null(envdiff_encoded_get(enc.data, enc.len - 1, "X"));
	envdiff_release(&d);
	buf_release(&enc);
}

static void
test_dirs(void **state)
{
	struct envdiff		 d;
	struct buf		 names = BUF_INIT;
	const struct envdiff_entry *e;
	const char		*top = "/tmp/nix-shell.AbC12";

	(void)state;
	assert_true(envdiff_names_dir("/tmp/nix-shell.AbC12", top));
	assert_true(envdiff_names_dir("/tmp/nix-shell.AbC12/x", top));
	assert_true(envdiff_names_dir("a:/tmp/nix-shell.AbC12:b", top));
	assert_true(envdiff_names_dir("--dir=/tmp/nix-shell.AbC12 -v",
	    "/tmp/nix-shell.AbC12/"));
	assert_false(envdiff_names_dir("/tmp/nix-shell.AbC123", top));
	assert_false(envdiff_names_dir("/tmp/nix-shell.AbC12-x", top));
	assert_false(envdiff_names_dir("/tmp/nix-shell.AbC", top));
	assert_false(envdiff_names_dir("/anything", "/"));
	assert_false(envdiff_names_dir("/anything", ""));

	envdiff_init(&d);
	envdiff_add(&d, ENVDIFF_SET, "NIX_ATTRS_JSON_FILE",
	    "/tmp/nix-dev-env-7-0/.attrs.json");
	envdiff_add(&d, ENVDIFF_SET, "BOTH",
	    "/tmp/nix-dev-env-7-0:/tmp/nix-dev-env-7-01/x:/tmp/nix-dev-env-7-0/y");
	envdiff_add(&d, ENVDIFF_UNSET, "GONE", "");
	envdiff_add(&d, ENVDIFF_SET, "CACHE", "/tmp/nix-shell.AbC12/cache");
	envdiff_add(&d, ENVDIFF_PREPEND, "PATH",
	    "/nix/a/bin:/tmp/nix-shell.AbC12/bin::/nix/b/bin");
	envdiff_add(&d, ENVDIFF_PREPEND, "ONLY", "/tmp/nix-shell.AbC12/bin");
	envdiff_add(&d, ENVDIFF_SET, "KEEP", "/tmp/nix-shell.AbC12x");

	envdiff_move_dir(&d, "/tmp/nix-dev-env-7-0", "/s/attrs/g-1-link");
	assert_non_null(e = find(&d, "NIX_ATTRS_JSON_FILE"));
	assert_string_equal(e->value, "/s/attrs/g-1-link/.attrs.json");
	assert_non_null(e = find(&d, "BOTH"));
	assert_string_equal(e->value,
	    "/s/attrs/g-1-link:/tmp/nix-dev-env-7-01/x:/s/attrs/g-1-link/y");

	envdiff_drop_dir(&d, top, &names);
	assert_string_equal(names.data, "CACHE PATH ONLY");
	assert_null(find(&d, "CACHE"));
	assert_null(find(&d, "ONLY"));
	assert_non_null(e = find(&d, "PATH"));
	assert_int_equal(e->op, ENVDIFF_PREPEND);
	assert_string_equal(e->value, "/nix/a/bin::/nix/b/bin");
	assert_non_null(e = find(&d, "KEEP"));
	assert_non_null(e = find(&d, "GONE"));
	assert_int_equal(d.n, 5);
	/* The order of what is left is kept. */
	assert_string_equal(d.entries[0].name, "NIX_ATTRS_JSON_FILE");
	assert_string_equal(d.entries[4].name, "KEEP");
	envdiff_release(&d);
	buf_release(&names);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_compute),
	cmocka_unit_test(test_not_a_prefix),
	cmocka_unit_test(test_list_around),
	cmocka_unit_test(test_reserved_and_functions),
	cmocka_unit_test(test_malformed_dumps),
	cmocka_unit_test(test_encode_decode),
	cmocka_unit_test(test_decode_rejects),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_entry_limit),
	cmocka_unit_test(test_dump_get),
	cmocka_unit_test(test_dirs),
};

HARNESS_MAIN(tests)
