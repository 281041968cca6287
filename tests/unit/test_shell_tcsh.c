/*
 * Unit tests for client/shell-tcsh.c and its hook: what `hearth export
 * tcsh` prints, applied by the hook itself (installed as its install line
 * does, with eval, and run as precmd runs it) in a real tcsh, gives back
 * every value byte for byte, both as tcsh holds it and as a child gets
 * it; no value runs code (tricky and randomized values of any bytes but
 * NUL, the property test the other shells have), with history
 * substitution on as in an interactive tcsh; histchars and $status are
 * the user's again after; a client that fails applies nothing; an unset
 * unsets; the hook's placeholders hold any path.
 */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#include "hearth/shellname.h"
#include "hearth.h"

#define MARKER	"/tmp/hearth-pwned-tcsh"

static const struct shell *
tcsh_shell(void)
{
	const struct shell	*sh;
	char			*cause = NULL;

	assert_non_null(sh = shell_find("tcsh", &cause));
	return (sh);
}

static void
write_path(const char *path, const char *data, size_t len, mode_t mode)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	assert_true(fwrite(data, 1, len, f) == len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/*
 * Run a tcsh script after the hook has applied code: the hook's client is
 * a script that prints the code and exits with status rc. The directory's
 * name is hostile, so the placeholders' quoting is tested too.
 */
static char *
tcsh_run(const struct buf *code, int rc, const char *script, size_t *len)
{
	const struct shell	*sh = tcsh_shell();
	struct buf		 out = BUF_INIT, text = BUF_INIT;
	const char		*p, *at;
	char			 tmpl[] = "/tmp/hearth-unit-tcsh.XXXXXX";
	char			*dir, *sub, *client, *cf, *hf, *sf, *gen, *cmd;
	char			 chunk[65536];
	FILE			*f;
	size_t			 n;

	assert_non_null(dir = mkdtemp(tmpl));
	assert_true(asprintf(&sub, "%s/it's \"a\" $dir !x", dir) > 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_true(asprintf(&cf, "%s/code", dir) > 0);
	write_path(cf, code->data != NULL ? code->data : "", code->len, 0600);
	assert_true(asprintf(&client, "%s/client", sub) > 0);
	buf_addf(&text, "#!/bin/sh\ncat %s\nexit %d\n", cf, rc);
	write_path(client, text.data, text.len, 0700);
	buf_reset(&text);
	assert_true(asprintf(&gen, "%s/generation", sub) > 0);
	for (p = sh->hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(&text, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0) {
			sh->quote(&text, client);
			at += 8;
		} else if (strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(&text, gen);
			at += 9;
		} else
			buf_addc(&text, *at++);
	}
	buf_adds(&text, p);
	assert_true(asprintf(&hf, "%s/hook", dir) > 0);
	write_path(hf, text.data, text.len, 0600);
	buf_reset(&text);
	/* As the install line has it, then as precmd runs it. */
	buf_addf(&text, "set histchars = '\\!^'\n"
	    "eval \"`grep -v '^#' %s`\"\nfalse\n_hearth_hook\n"
	    "echo -n \"$status|$histchars|\"\n%s\n", hf, script);
	assert_true(asprintf(&sf, "%s/script", dir) > 0);
	write_path(sf, text.data, text.len, 0600);
	assert_true(asprintf(&cmd, "cd / && tcsh -f %s", sf) > 0);
	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	free(cmd);
	assert_true(asprintf(&cmd, "rm -rf %s", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(sub);
	free(client);
	free(cf);
	free(hf);
	free(sf);
	free(gen);
	buf_release(&text);
	return (buf_detach(&out, len));
}

/* Set V0..Vn-1; tcsh and a child must each have them byte for byte. */
static void
check_values(const char *const *values, size_t n)
{
	const struct shell	*sh = tcsh_shell();
	struct buf		 code = BUF_INIT, script = BUF_INIT;
	struct buf		 want = BUF_INIT;
	char			 name[32], *got, *p, *end, *e, *num;
	size_t			 i, len, found = 0;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof name, "V%zu", i);
		sh->set(&code, name, values[i]);
		/* printenv, a builtin: the value tcsh holds, and a newline. */
		buf_addf(&script, "printenv V%zu\n", i);
		buf_adds(&want, values[i]);
		buf_addc(&want, '\n');
	}
	buf_adds(&script, "/usr/bin/env -0");
	unlink(MARKER);
	got = tcsh_run(&code, 0, script.data, &len);
	assert_true(len > 7);
	if (memcmp(got, "1|!^|", 5) != 0)
		fail_msg("$status or histchars not given back: %.20s", got);
	p = got + 5;
	end = got + len;
	assert_true((size_t)(end - p) >= want.len);
	if (memcmp(p, want.data, want.len) != 0)
		fail_msg("tcsh holds a value wrong");
	for (p += want.len; p < end; p = e + 1) {
		assert_non_null(e = memchr(p, '\0', end - p));
		if (p[0] != 'V' || (i = strtoul(p + 1, &num, 10),
		    num == p + 1) || *num != '=')
			continue;
		assert_true(i < n);
		if (strcmp(num + 1, values[i]) != 0)
			fail_msg("a child gets V%zu wrong", i);
		found++;
	}
	assert_int_equal(found, n);
	assert_int_equal(access(MARKER, F_OK), -1);
	free(got);
	buf_release(&code);
	buf_release(&script);
	buf_release(&want);
}

static const char *const tricky[] = {
	"", "plain", "it's", "''", "'\\''", "\"dq\"", "back\\slash\\", "\\",
	"$HOME ${HOME} $(touch " MARKER ") `touch " MARKER "`",
	"\"`touch " MARKER "`\"", "'`touch " MARKER "`'",
	"!! !-1 !$ !touch !# ^a^b \\! \\!!", "!", "x!y", "!\n!",
	"\n^x^touch " MARKER "\n", "line1\nline2\n", "\n\n", "end\\\n",
	"a\\\nb", "'\n'; touch " MARKER "; echo '", "tab\there",
	"\x01\x1b[31m\x7f\r", "héllo wörld ☃ 日本", "\xf0\x9f\x98\x80",
	"not utf-8 \xff\xfe\xc3 \x80", "-n", "*", "~", "~root", "a;b&&c|d",
	"{x,y}", "%s %d", "#", "# comment\ntouch " MARKER, "=:q:h", NULL,
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

/* The property test: random bytes but NUL, shell syntax mixed in. */
static void
test_random_values(void **state)
{
	static const char	 traps[] = "'\"$()`{}[]|;#&^!~*?\\\n\r\t ";
	struct buf		 b[60];
	const char		*v[60];
	int			 i, j, len, round;

	(void)state;
	srandom(20261203);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 60; i++) {
			buf_init(&b[i]);
			len = random() % 100;
			for (j = 0; j < len; j++) {
				if (random() % 2 == 0)
					buf_addc(&b[i], traps[random() %
					    (sizeof traps - 1)]);
				else
					buf_addc(&b[i],
					    (char)(1 + random() % 255));
			}
			v[i] = b[i].data != NULL ? b[i].data : "";
			assert_true(shellname_holds("tcsh", v[i]));
		}
		check_values(v, 60);
		for (i = 0; i < 60; i++)
			buf_release(&b[i]);
	}
}

/* A value far longer than a line or a word: tcsh has no limit of its own. */
static void
test_long_value(void **state)
{
	struct buf	 b = BUF_INIT;
	const char	*v[1];
	int		 i;

	(void)state;
	for (i = 0; i < 10000; i++)
		buf_adds(&b, "ab'!\n$`");
	v[0] = b.data;
	check_values(v, 1);
	buf_release(&b);
}

/* A client that fails (cut short, Ctrl-C) applies nothing. */
static void
test_failed_client(void **state)
{
	const struct shell	*sh = tcsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	sh->set(&code, "CUT_A", "a");
	got = tcsh_run(&code, 1, "echo \"$?CUT_A|$_hearth_gen\"", &len);
	assert_string_equal(got, "1|!^|0|-\n");
	free(got);
	buf_release(&code);
}

static void
test_unset(void **state)
{
	const struct shell	*sh = tcsh_shell();
	struct buf		 code = BUF_INIT;
	char			*got;
	size_t			 len;

	(void)state;
	setenv("NAME_1", "x", 1);
	sh->set(&code, "NAME_1", NULL);
	sh->set(&code, "_hearth_gen", NULL);
	assert_string_equal(code.data, "unsetenv NAME_1\nunset _hearth_gen\n");
	got = tcsh_run(&code, 0, "echo \"$?NAME_1|$?_hearth_gen\"\n"
	    "/bin/sh -c 'echo ${NAME_1-unset}'", &len);
	assert_string_equal(got, "1|!^|0|0\nunset\n");
	free(got);
	buf_release(&code);
	unsetenv("NAME_1");
}

static void
test_quote(void **state)
{
	const struct shell	*sh = tcsh_shell();
	struct buf		 b = BUF_INIT;

	(void)state;
	sh->quote(&b, "/a b/it's\n$x!");
	assert_string_equal(b.data, "'/a b/it'\\''s\\\n$x\\!'");
	buf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_tricky_values),
	cmocka_unit_test(test_random_values),
	cmocka_unit_test(test_long_value),
	cmocka_unit_test(test_failed_client),
	cmocka_unit_test(test_unset),
	cmocka_unit_test(test_quote),
};

HARNESS_MAIN(tests)
