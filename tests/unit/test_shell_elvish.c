/*
 * Unit tests for client/shell-elvish.c and its hook: what `hearth export
 * elvish` prints, applied by the hook's own _hearth_apply in a real
 * elvish, gives back every value byte for byte, both as elvish holds it
 * and as a child gets it; no value runs code (tricky and randomized
 * values, the property test the other shells have); $paths follows PATH;
 * an unset unsets; a value that is not UTF-8 is refused by the table and,
 * if one reaches the hook (a restored value), gets U+FFFD and breaks
 * nothing; the hook's placeholders hold any path.
 */
#include "harness.h"

#include <unistd.h>

#include "hearth/shellname.h"
#include "hearth.h"

#define MARKER	"/tmp/hearth-pwned-elvish"

static const struct shell *
elvish_shell(void)
{
	const struct shell	*sh;
	char			*cause = NULL;

	assert_non_null(sh = shell_find("elvish", &cause));
	return (sh);
}

static char *
write_file(const char *data, size_t len)
{
	char	 path[] = "/tmp/hearth-unit-elvish.XXXXXX";
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return (strdup(path));
}

/*
 * Run an elvish script after the hook's functions (not its hooks: this
 * is no interactive shell) have applied code.
 */
static char *
elvish_run(const struct buf *code, const char *script, size_t *len)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 out = BUF_INIT, text = BUF_INIT;
	const char		*p, *at, *stop;
	char			*cf, *sf, *cmd, chunk[65536];
	FILE			*f;
	size_t			 n;

	cf = write_file(code->data, code->len);
	/* All but the lines that add the hooks: edit: is interactive. */
	assert_non_null(stop = strstr(sh->hook, "\nset edit:before-readline"));
	for (p = sh->hook; (at = strchr(p, '@')) != NULL && at < stop;
	    p = at) {
		buf_add(&text, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0) {
			sh->quote(&text, "/bin/false");
			at += 8;
		} else if (strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(&text, "/nonexistent/it's gen");
			at += 9;
		} else
			buf_addc(&text, *at++);
	}
	buf_add(&text, p, stop - p);
	buf_addf(&text, "\nnop (_hearth_apply (slurp < %s))\n%s\n", cf, script);
	sf = write_file(text.data, text.len);
	assert_true(asprintf(&cmd, "elvish -norc %s", sf) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	unlink(cf);
	unlink(sf);
	free(cf);
	free(sf);
	free(cmd);
	buf_release(&text);
	return (buf_detach(&out, len));
}

/* Set V0..Vn-1; elvish and a child must each have them byte for byte. */
static void
check_values(const char *const *values, size_t n)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 code = BUF_INIT;
	char			 name[32], *got, *script, *p, *end, *e;
	size_t			 i, len, vlen, found = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "V%zu", i);
		sh->set(&code, name, values[i]);
	}
	unlink(MARKER);
	assert_true(asprintf(&script, "range %zu | each {|i| print "
	    "(get-env V$i); print \"\\000\" }\n/usr/bin/env -0", n) > 0);
	got = elvish_run(&code, script, &len);
	free(script);		/* script is strtoul's end pointer below */
	p = got;
	end = got + len;
	for (i = 0; i < n; i++) {
		vlen = strlen(values[i]);
		assert_true((size_t)(end - p) > vlen);
		if (memcmp(p, values[i], vlen) != 0 || p[vlen] != '\0')
			fail_msg("elvish holds V%zu wrong", i);
		p += vlen + 1;
	}
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
	"(touch " MARKER ")", "{|| touch " MARKER " }",
	"\"]\n[\"s\",\"X\",\"(touch " MARKER ")\"]", "line1\nline2\n",
	"\n\n", "tab\there", "\x01\x1b[31m\x7f", "héllo wörld ☃ 日本",
	"\xf0\x9f\x98\x80", "-n", "*", "a;b&&c|d", "&sep=x", "#",
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

/* The property test: random values, shell syntax mixed in. */
static void
test_random_values(void **state)
{
	static const char	 traps[] = "'\"$()`{}[]|;#&^\\\n\r\t ";
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
		assert_true(shellname_holds("elvish", v[i]));
	}
	check_values(v, 60);
	for (i = 0; i < 60; i++)
		buf_release(&b[i]);
}

static void
test_invalid_utf8(void **state)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	assert_false(shellname_holds("elvish", "\xff\xfe"));
	sh->set(&code, "BAD", "a\xff" "b");
	sh->set(&code, "GOOD", "g");
	got = elvish_run(&code, "print $E:BAD'|'$E:GOOD", &len);
	assert_string_equal(got, "a\xef\xbf\xbd" "b|g");
	free(got);
	buf_release(&code);
}

static void
test_paths(void **state)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&code, "PATH", "/nix/a/bin:/usr/bin:/bin");
	got = elvish_run(&code, "print (count $paths)'|'$paths[0]'|'"
	    "(/usr/bin/printenv PATH)", &len);
	assert_string_equal(got, "3|/nix/a/bin|/nix/a/bin:/usr/bin:/bin");
	free(got);
	buf_release(&code);
}

static void
test_unset(void **state)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	setenv("NAME_1", "x", 1);
	sh->set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "[\"s\",\"NAME_1\",null]\n");
	got = elvish_run(&code, "print (to-string (has-env NAME_1))'|'; "
	    "/bin/sh -c 'echo ${NAME_1-unset}'", &len);
	assert_string_equal(got, "$false|unset\n");
	free(got);
	buf_release(&code);
	unsetenv("NAME_1");
}

static void
test_quote(void **state)
{
	const struct shell	*sh = elvish_shell();
	struct buf		 b = BUF_INIT;

	(void)state;
	sh->quote(&b, "/a b/it's $x");
	assert_string_equal(b.data, "'/a b/it''s $x'");
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_invalid_utf8),
	cmocka_unit_test(test_paths),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_quote),
};

HARNESS_MAIN(tests)
