/*
 * Unit tests for client/shell-nu.c and its hook: what `hearth export nu`
 * prints, applied by the hook's own _hearth_apply in a real nushell,
 * gives back every value byte for byte, both as nushell holds it and as a
 * child gets it; no value or name runs code (tricky and randomized
 * values, the property test the other shells have); PATH becomes a list
 * and a child gets it joined; an unset unsets; a value nushell cannot
 * hold (not UTF-8) is refused by the table, and one that reaches the
 * hook anyway (a restored value) gets U+FFFD and breaks nothing.
 */
#include "harness.h"

#include <unistd.h>

#include "hearth/shellname.h"
#include "hearth.h"

#define MARKER	"/tmp/hearth-pwned-nu"

/* The nu deps.sh installs, as the integration tests find it. */
static char *
nu_path(void)
{
	static const char	 data[] = HEARTH_TEST_DATA;
	const char		*env = getenv("HEARTH_NU");
	char			*path;

	if (env != NULL && *env != '\0')
		return (strdup(env));
	assert_true(asprintf(&path, "%.*s/.deps/bin/nu",
	    (int)(sizeof data - 1 - strlen("/tests/unit/data")), data) > 0);
	return (path);
}

static const struct shell *
nu_shell(void)
{
	const struct shell	*sh;
	char			*cause = NULL;

	assert_non_null(sh = shell_find("nu", &cause));
	return (sh);
}

static char *
write_file(const char *data, size_t len)
{
	char	 path[] = "/tmp/hearth-unit-nu.XXXXXX";
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return (strdup(path));
}

/* The hook, with the client /bin/false and a missing generation file. */
static char *
hook_file(void)
{
	const struct shell	*sh = nu_shell();
	struct buf		 b = BUF_INIT;
	const char		*p, *at;
	char			*f;

	for (p = sh->hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&b, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0) {
			sh->quote(&b, "/bin/false");
			at += 8;
		} else if (strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(&b, "/nonexistent/it's'#gen");
			at += 9;
		} else
			buf_addc(&b, *at++);
	}
	buf_adds(&b, p);
	f = write_file(b.data, b.len);
	buf_release(&b);
	return (f);
}

/* Run a nu script (after the hook and applying code) in a file. */
static char *
nu_run(const struct buf *code, const char *script, size_t *len)
{
	struct buf	 out = BUF_INIT, text = BUF_INIT;
	char		*nu = nu_path(), *hook = hook_file(), *cf, *sf, *cmd;
	char		 chunk[65536];
	FILE		*f;
	size_t		 n;

	cf = write_file(code->data, code->len);
	buf_addf(&text, "source '%s'\n_hearth_apply (open --raw '%s' | "
	    "decode)\n%s\n", hook, cf, script);
	sf = write_file(text.data, text.len);
	assert_true(asprintf(&cmd, "%s -n --no-std-lib %s", nu, sf) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(cf);
	unlink(sf);
	unlink(hook);
	free(cf);
	free(sf);
	free(hook);
	free(cmd);
	free(nu);
	buf_release(&text);
	return (buf_detach(&out, len));
}

/*
 * Set V0..Vn-1 to the values; nushell must hold each (printed, each
 * followed by NUL) and a child must get each (env -0), byte for byte. No
 * value may create MARKER.
 */
static void
check_values(const char *const *values, size_t n)
{
	const struct shell	*sh = nu_shell();
	struct buf		 code = BUF_INIT;
	char			 name[32], *got, *script, *p, *end, *e;
	size_t			 i, len, vlen, found = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "V%zu", i);
		sh->set(&code, name, values[i]);
	}
	unlink(MARKER);
	assert_true(asprintf(&script, "for i in 0..<%zu { print -n ($env | "
	    "get $'V($i)'); print -n (char nul) }\n^/usr/bin/env -0", n) > 0);
	got = nu_run(&code, script, &len);
	free(script);		/* script is strtoul's end pointer below */
	p = got;
	end = got + len;
	for (i = 0; i < n; i++) {
		vlen = strlen(values[i]);
		assert_true((size_t)(end - p) > vlen);
		if (memcmp(p, values[i], vlen) != 0 || p[vlen] != '\0')
			fail_msg("nushell holds V%zu wrong", i);
		p += vlen + 1;
	}
	/* The child's environment: each V<i>=value once. */
	for (; p < end; p = e + 1) {
		assert_non_null(e = memchr(p, '\0', end - p));
		if (p[0] != 'V' || (i = strtoul(p + 1, &script, 10),
		    script == p + 1) || *script != '=')
			continue;
		assert_true(i < n);
		if (strcmp(script + 1, values[i]) != 0)
			fail_msg("a child gets V%zu wrong", i);
		found++;
	}
	assert_int_equal(found, n);
	assert_int_equal(access(MARKER, F_OK), -1);
	free(got);
	buf_release(&code);
}

static const char *const tricky[] = {
	"", "plain", "it's", "''", "\"dq\"", "back\\slash\\",
	"$HOME ${HOME} $(touch " MARKER ") `touch " MARKER "`",
	"(touch " MARKER ")", "^touch " MARKER, "{|| touch " MARKER " }",
	"\"]\n[\"s\",\"X\",\"(touch " MARKER ")\"]", "line1\nline2\n",
	"\n\n", "tab\there", "\x01\x1b[31m\x7f", "héllo wörld ☃ 日本",
	"\xf0\x9f\x98\x80", "-n", "*", "a;b&&c|d", "r#'x'#", "#",
	/* Line ends to some readers, not to JSON. */
	"\xc2\x85 \xe2\x80\xa8 \xe2\x80\xa9 \x0b \x0c \x1c \r", NULL,
};

static void
test_tricky_values(void **state)
{
	size_t	 n;

	(void)state;
	for (n = 0; tricky[n] != NULL; n++)
		;
	check_values(tricky, n);
}

/* Append one random code point (no NUL, no surrogate) as UTF-8. */
static void
random_char(struct buf *b)
{
	unsigned long	 c;

	switch (random() % 4) {
	case 0:
		c = 1 + random() % 0x7f;
		break;
	case 1:
		c = 0x80 + random() % (0x800 - 0x80);
		break;
	case 2:
		do
			c = 0x800 + random() % (0x10000 - 0x800);
		while (c >= 0xd800 && c <= 0xdfff);
		break;
	default:
		c = 0x10000 + random() % (0x110000 - 0x10000);
		break;
	}
	if (c < 0x80)
		buf_addc(b, (char)c);
	else if (c < 0x800) {
		buf_addc(b, (char)(0xc0 | c >> 6));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(b, (char)(0xe0 | c >> 12));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | c >> 18));
		buf_addc(b, (char)(0x80 | ((c >> 12) & 0x3f)));
		buf_addc(b, (char)(0x80 | ((c >> 6) & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/*
 * The property test: random values of any code points, and bytes of any
 * kind mixed in (quotes, $, parentheses, newlines), come back exactly.
 */
static void
test_random_values(void **state)
{
	static const char	 traps[] = "'\"$()`{}[]|;#^\\\n\r\t ";
	struct buf		 b[60];
	const char		*v[60];
	int			 i, j, len;

	(void)state;
	srandom(20261203);
	for (i = 0; i < 60; i++) {
		buf_init(&b[i]);
		len = random() % 100;
		for (j = 0; j < len; j++) {
			if (random() % 3 == 0)
				buf_addc(&b[i], traps[random() %
				    (sizeof traps - 1)]);
			else
				random_char(&b[i]);
		}
		v[i] = b[i].data != NULL ? b[i].data : "";
		assert_true(shell_utf8_valid(v[i]));
		assert_true(shellname_holds("nu", v[i]));
	}
	check_values(v, 60);
	for (i = 0; i < 60; i++)
		buf_release(&b[i]);
}

/*
 * Not UTF-8: the table refuses it for nu; if one reaches the hook (a
 * value the shell had, restored), it becomes U+FFFD, and the rest of the
 * lines still apply.
 */
static void
test_invalid_utf8(void **state)
{
	const struct shell	*sh = nu_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	assert_false(shellname_holds("nu", "\xff\xfe"));
	sh->set(&code, "BAD", "a\xff" "b");
	sh->set(&code, "GOOD", "g");
	got = nu_run(&code, "print -n $'($env.BAD)|($env.GOOD)'", &len);
	assert_string_equal(got, "a\xef\xbf\xbd" "b|g");
	free(got);
	buf_release(&code);
}

/* PATH is a list in nushell, and a child gets it joined with ':'. */
static void
test_path_list(void **state)
{
	const struct shell	*sh = nu_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&code, "PATH", "/nix/a/bin:/usr/bin:/bin");
	got = nu_run(&code, "print -n $'($env.PATH | describe)|"
	    "($env.PATH | length)|(^/usr/bin/printenv PATH)'", &len);
	assert_string_equal(got, "list<string>|3|/nix/a/bin:/usr/bin:/bin");
	free(got);
	buf_release(&code);
}

/* An unset unsets, for nushell and a child; a later set wins. */
static void
test_unset(void **state)
{
	const struct shell	*sh = nu_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	setenv("NAME_1", "x", 1);
	setenv("NAME_2", "x", 1);
	sh->set(&code, "NAME_1", NULL);
	sh->set(&code, "NAME_2", NULL);
	sh->set(&code, "NAME_2", "back");
	assert_string_equal(code.data, "[\"s\",\"NAME_1\",null]\n"
	    "[\"s\",\"NAME_2\",null]\n[\"s\",\"NAME_2\",\"back\"]\n");
	got = nu_run(&code, "print -n $'($env.NAME_1? | default unset)|"
	    "($env.NAME_2)|'; ^/bin/sh -c 'echo ${NAME_1-unset}'", &len);
	assert_string_equal(got, "unset|back|unset\n");
	free(got);
	buf_release(&code);
	unsetenv("NAME_1");
	unsetenv("NAME_2");
}

/* The hook's placeholders: a raw string holds any path. */
static void
test_quote(void **state)
{
	const struct shell	*sh = nu_shell();
	struct buf		 b = BUF_INIT;

	(void)state;
	sh->quote(&b, "/a b/it's");
	assert_string_equal(b.data, "r#'/a b/it's'#");
	buf_reset(&b);
	sh->quote(&b, "x'#y'##z");
	assert_string_equal(b.data, "r###'x'#y'##z'###");
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_invalid_utf8),
	cmocka_unit_test(test_path_list),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_quote),
};

HARNESS_MAIN(tests)
