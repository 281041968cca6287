/*
 * Unit tests for client/shell-xonsh.c and its hook: what `hearth export
 * xonsh` prints, applied by the hook's own _hearth_apply in a real xonsh,
 * gives back every value byte for byte, both as xonsh holds it and as a
 * child gets it; no value runs code (tricky and randomized values, the
 * property test the other shells have); PATH becomes xonsh's list; an
 * unset unsets; output cut short applies nothing; one of xonsh's own
 * settings is left alone; a value that is not UTF-8 is refused by the
 * table and, if one reaches the hook, gets U+FFFD and breaks nothing; the
 * hook's placeholders hold any path.
 */
#include "harness.h"

#include <unistd.h>

#include "hearth/shellname.h"
#include "hearth.h"

#define MARKER	"/tmp/hearth-pwned-xonsh"

static const struct shell *
xonsh_shell(void)
{
	const struct shell	*sh;
	char			*cause = NULL;

	assert_non_null(sh = shell_find("xonsh", &cause));
	return (sh);
}

static char *
write_file(const char *data, size_t len)
{
	char	 path[] = "/tmp/hearth-unit-xonsh.XXXXXX";
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, data, len) == (ssize_t)len);
	close(fd);
	return (strdup(path));
}

/* Run a xonsh script after the hook has applied code. */
static char *
xonsh_run(const struct buf *code, const char *script, size_t *len)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 out = BUF_INIT, text = BUF_INIT;
	const char		*p, *at;
	char			*cf, *sf, *cmd, chunk[65536];
	FILE			*f;
	size_t			 n;

	cf = write_file(code->data, code->len);
	for (p = sh->hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&text, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0) {
			sh->quote(&text, "/bin/false");
			at += 8;
		} else if (strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(&text, "/nonexistent/it's \"gen\"");
			at += 9;
		} else
			buf_addc(&text, *at++);
	}
	buf_adds(&text, p);
	buf_addf(&text, "\n_hearth_apply(open('%s', encoding='utf-8').read())\n"
	    "%s\n", cf, script);
	sf = write_file(text.data, text.len);
	assert_true(asprintf(&cmd, "xonsh --no-rc %s", sf) > 0);
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

/* Set V0..Vn-1; xonsh and a child must each have them byte for byte. */
static void
check_values(const char *const *values, size_t n)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 code = BUF_INIT;
	char			 name[32], *got, *script, *p, *end, *e;
	size_t			 i, len, vlen, found = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "V%zu", i);
		sh->set(&code, name, values[i]);
	}
	unlink(MARKER);
	assert_true(asprintf(&script, "import sys\nfor i in range(%zu):\n"
	    "    sys.stdout.buffer.write(__xonsh__.env['V%%d' %% i]"
	    ".encode() + b'\\0')\nsys.stdout.flush()\n/usr/bin/env -0", n) > 0);
	got = xonsh_run(&code, script, &len);
	free(script);		/* script is strtoul's end pointer below */
	p = got;
	end = got + len;
	for (i = 0; i < n; i++) {
		vlen = strlen(values[i]);
		assert_true((size_t)(end - p) > vlen);
		if (memcmp(p, values[i], vlen) != 0 || p[vlen] != '\0')
			fail_msg("xonsh holds V%zu wrong", i);
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
	"(touch " MARKER ")", "@(__import__('os').system('touch " MARKER "'))",
	"!(touch " MARKER ")", "\"\"\"; __import__('os').system('touch " MARKER "') #",
	"\"]\n[\"s\",\"X\",\"(touch " MARKER ")\"]", "line1\nline2\n",
	"\n\n", "tab\there", "\x01\x1b[31m\x7f", "héllo wörld ☃ 日本",
	"\xf0\x9f\x98\x80", "-n", "*", "a;b&&c|d", "{x}", "%s %d", "#",
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
		assert_true(shellname_holds("xonsh", v[i]));
	}
	check_values(v, 60);
	for (i = 0; i < 60; i++)
		buf_release(&b[i]);
}

static void
test_invalid_utf8(void **state)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	assert_false(shellname_holds("xonsh", "\xff\xfe"));
	sh->set(&code, "BAD", "a\xff" "b");
	sh->set(&code, "GOOD", "g");
	got = xonsh_run(&code, "print($BAD + '|' + $GOOD, end='')", &len);
	assert_string_equal(got, "a\xef\xbf\xbd" "b|g");
	free(got);
	buf_release(&code);
}

static void
test_paths(void **state)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&code, "PATH", "/nix/a/bin:/usr/bin:/bin");
	got = xonsh_run(&code, "print(type($PATH).__name__, len($PATH), "
	    "$PATH[0], $(/usr/bin/printenv PATH).strip(), sep='|', end='')",
	    &len);
	assert_string_equal(got,
	    "EnvPath|3|/nix/a/bin|/nix/a/bin:/usr/bin:/bin");
	free(got);
	buf_release(&code);
}

/* One of xonsh's own settings is left alone; data cut short, all of it. */
static void
test_settings_and_cut(void **state)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&code, "AUTO_CD", "yes");
	sh->set(&code, "OK_VAR", "ok");
	got = xonsh_run(&code, "print($AUTO_CD, $OK_VAR, sep='|', end='')",
	    &len);
	assert_string_equal(got, "False|ok");
	free(got);
	buf_reset(&code);
	sh->set(&code, "CUT_A", "a");
	buf_adds(&code, "[\"s\",\"CUT_B\",\"b");
	got = xonsh_run(&code, "print('CUT_A' in __xonsh__.env, end='')",
	    &len);
	assert_string_equal(got, "False");
	free(got);
	buf_release(&code);
}

static void
test_unset(void **state)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	setenv("NAME_1", "x", 1);
	sh->set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, "[\"s\",\"NAME_1\",null]\n");
	got = xonsh_run(&code, "print('NAME_1' in __xonsh__.env, end='|', "
	    "flush=True)\n"
	    "/bin/sh -c 'echo ${NAME_1-unset}'", &len);
	assert_string_equal(got, "False|unset\n");
	free(got);
	buf_release(&code);
	unsetenv("NAME_1");
}

static void
test_quote(void **state)
{
	const struct shell	*sh = xonsh_shell();
	struct buf		 b = BUF_INIT;

	(void)state;
	sh->quote(&b, "/a b/it's \"q\" \\ $x");
	assert_string_equal(b.data, "\"/a b/it's \\\"q\\\" \\\\ $x\"");
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_invalid_utf8),
	cmocka_unit_test(test_paths),
	cmocka_unit_test(test_settings_and_cut),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_quote),
};

HARNESS_MAIN(tests)
