/*
 * Unit tests for client/shell.c, the shell table: every entry is complete
 * (hook text, exporter, rc files, install line, reserved names, package),
 * its hook is the file in shell-hooks/ and it has its own exporter tests.
 * The places outside the C code that must list the shells (deps.sh's
 * packages, the bench's default, the completions, the man page, the
 * README, the conformance test) are checked against the table here, so a
 * shell added to the table and not there fails this test.
 */
#include "harness.h"

#include "hearth/envdiff.h"
#include "hearth/shellname.h"
#include "hearth.h"

/* The path of a file of the source tree. */
static char *
source_path(const char *rel)
{
	static const char	 data[] = HEARTH_TEST_DATA;
	char			*path;

	/* HEARTH_TEST_DATA is TOP/tests/unit/data. */
	assert_true(asprintf(&path, "%.*s/%s",
	    (int)(sizeof data - 1 - strlen("/tests/unit/data")), data,
	    rel) > 0);
	return (path);
}

/* A file of the source tree, as a new string. */
static char *
source_file(const char *rel)
{
	char	*path, *text;
	FILE	*f;
	long	 n;

	path = source_path(rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("%s: cannot open", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	assert_true((n = ftell(f)) >= 0);
	rewind(f);
	assert_non_null(text = calloc(1, n + 1));
	assert_int_equal(fread(text, 1, n, f), (size_t)n);
	fclose(f);
	free(path);
	return (text);
}

/* Fail unless file holds s. */
static void
assert_file_has(const char *file, const char *s)
{
	char	*text = source_file(file);

	if (strstr(text, s) == NULL)
		fail_msg("%s does not have \"%s\", which the shell table "
		    "(client/shell.c) makes", file, s);
	free(text);
}

static void
test_entries_complete(void **state)
{
	const struct shell	*sh;
	const char *const	*p;
	struct buf		 b = BUF_INIT;
	char			*want, *text, *cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; (sh = shell_get(i)) != NULL; i++) {
		assert_non_null(sh->name);
		assert_string_equal(shellname_shells[i], sh->name);
		assert_ptr_equal(shell_find(sh->name, &cause), sh);
		assert_non_null(sh->package);
		assert_true(*sh->package != '\0');

		/* The hook is its file, and runs this shell's export. */
		assert_non_null(sh->hook);
		assert_true(asprintf(&want, "shell-hooks/hearth.%s",
		    sh->name) > 0);
		text = source_file(want);
		assert_string_equal(sh->hook, text);
		free(text);
		free(want);
		/* tcsh's keeps @HEARTH@ in a variable its alias runs. */
		assert_true(asprintf(&want, "@HEARTH@ export %s",
		    sh->name) > 0);
		if (strstr(sh->hook, want) == NULL) {
			free(want);
			assert_true(asprintf(&want, "\" export %s",
			    sh->name) > 0);
			assert_non_null(strstr(sh->hook, want));
			assert_non_null(strstr(sh->hook, "@HEARTH@"));
		}
		free(want);
		assert_non_null(strstr(sh->hook, "@GENFILE@"));

		/* The install line runs this hook; doctor looks for it. */
		assert_true(asprintf(&want, "hearth hook %s", sh->name) > 0);
		assert_non_null(sh->install);
		assert_non_null(strstr(sh->install, want));
		assert_null(strchr(sh->install, '\''));
		free(want);
		assert_non_null(sh->rcfiles);
		assert_non_null(sh->rcfiles[0]);
		assert_null(strchr(sh->rcfiles[0], '*'));

		assert_non_null(sh->reserved);
		for (p = sh->reserved; *p != NULL; p++) {
			assert_true(envdiff_valid_name(*p));
			assert_false(shellname_settable(sh->name, *p));
		}
		assert_non_null(sh->state_prefixes);
		for (p = sh->state_prefixes; *p != NULL; p++) {
			assert_true(asprintf(&want, "%sX", *p) > 0);
			if (!envdiff_excluded(want))
				fail_msg("%s's %s* is not excluded by "
				    "common/envdiff.c", sh->name, *p);
			free(want);
		}

		/* The exporter writes something for each call. */
		assert_non_null(sh->set);
		assert_non_null(sh->setvar);
		assert_non_null(sh->guard);
		assert_non_null(sh->quote);
		sh->set(&b, "A", "1");
		sh->set(&b, "A", NULL);
		sh->setvar(&b, "_hearth_root", "/");
		sh->guard(&b, "A", "1");
		sh->quote(&b, "x");
		assert_true(b.len > 0);
		buf_reset(&b);

		/* Its own exporter tests. */
		assert_true(asprintf(&want, "tests/unit/test_shell_%s.c",
		    sh->name) > 0);
		text = source_file(want);
		free(text);
		free(want);
	}
	assert_true(i > 0);
	assert_null(shellname_shells[i]);
	buf_release(&b);
}

static void
test_find_lists_all(void **state)
{
	const struct shell	*sh;
	char			*cause = NULL;
	size_t			 i;

	(void)state;
	assert_null(shell_find("powershell", &cause));
	for (i = 0; (sh = shell_get(i)) != NULL; i++)
		assert_non_null(strstr(cause, sh->name));
	free(cause);
}

/*
 * The output formats (json, gha): export finds them, nothing else does;
 * each has its exporter and its tests, and no hook or rc file.
 */
static void
test_formats(void **state)
{
	const struct shell	*sh;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL, *text;
	size_t			 i;

	(void)state;
	text = source_file("tests/unit/test_export_formats.c");
	for (i = 0; (sh = shell_format_get(i)) != NULL; i++) {
		assert_string_equal(shellname_formats[i], sh->name);
		assert_ptr_equal(shell_find_export(sh->name, &cause), sh);
		assert_null(shell_find(sh->name, &cause));
		free(cause);
		cause = NULL;
		assert_null(sh->hook);
		assert_null(sh->rcfiles);
		assert_non_null(sh->set);
		assert_non_null(sh->quote);
		sh->set(&b, "A", "1");
		assert_true(b.len > 0);
		buf_reset(&b);
		if (strstr(text, sh->name) == NULL)
			fail_msg("tests/unit/test_export_formats.c does not "
			    "test %s", sh->name);
		/* Named in the README and the man page. */
		buf_addf(&b, "hearth export %s", sh->name);
		assert_file_has("README.md", b.data);
		assert_file_has("docs/hearth.1.scd", b.data);
		buf_reset(&b);
	}
	assert_true(i > 0);
	assert_null(shellname_formats[i]);
	for (i = 0; (sh = shell_get(i)) != NULL; i++)
		assert_ptr_equal(shell_find_export(sh->name, &cause), sh);
	assert_null(shell_find_export("nosuch", &cause));
	assert_non_null(strstr(cause, "json, gha"));
	free(cause);
	free(text);
	buf_release(&b);
}

static void
test_settable(void **state)
{
	(void)state;
	assert_true(shellname_settable("bash", "path"));
	assert_false(shellname_settable("zsh", "path"));
	assert_false(shellname_settable("fish", "status"));
	assert_false(shellname_settable("bash", "BASH_VERSINFO"));
	assert_false(shellname_settable("bash", "1X"));
	assert_false(shellname_settable("nosuch", "A-B"));
	assert_true(shellname_settable("nosuch", "status"));
}

static void
test_rcfile_shown(void **state)
{
	char	*s;

	(void)state;
	s = shell_rcfile_shown("~/.bashrc");
	assert_string_equal(s, "~/.bashrc");
	free(s);
	s = shell_rcfile_shown("${ZDOTDIR:-~}/.zshrc");
	assert_string_equal(s, "~/.zshrc");
	free(s);
	s = shell_rcfile_shown("${XDG_CONFIG_HOME:-~/.config}/fish/x.fish");
	assert_string_equal(s, "~/.config/fish/x.fish");
	free(s);
}

static void
test_rcfile_path(void **state)
{
	char	*s;

	(void)state;
	setenv("HOME", "/h", 1);
	s = shell_rcfile_path("~/.bashrc");
	assert_string_equal(s, "/h/.bashrc");
	free(s);
	unsetenv("ZDOTDIR");
	s = shell_rcfile_path("${ZDOTDIR:-~}/.zshrc");
	assert_string_equal(s, "/h/.zshrc");
	free(s);
	setenv("ZDOTDIR", "/z", 1);
	s = shell_rcfile_path("${ZDOTDIR:-~}/.zshrc");
	assert_string_equal(s, "/z/.zshrc");
	free(s);
	/* A relative value is ignored, as the XDG spec says. */
	setenv("XDG_CONFIG_HOME", "rel", 1);
	s = shell_rcfile_path("${XDG_CONFIG_HOME:-~/.config}/fish/*.fish");
	assert_string_equal(s, "/h/.config/fish/*.fish");
	free(s);
}

/*
 * The lists outside the C code: each must name every shell of the table,
 * in its order. deps.sh runs before anything is built, and the others are
 * files that ship or run on their own, so they are checked, not made.
 */
static void
test_lists_agree(void **state)
{
	const struct shell	*sh;
	struct buf		 names = BUF_INIT, b = BUF_INIT;
	char			*script, *cmd, *deps, *w;
	FILE			*f;
	size_t			 i, len;

	(void)state;
	shell_list(&names, " ", " ");

	/* deps.sh --list (its default packages) has every package. */
	script = source_path("tests/tools/deps.sh");
	assert_true(asprintf(&cmd, "printf ' '; sh '%s' --list | tr '\\n' "
	    "' '", script) > 0);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(deps = calloc(1, 4096));
	len = fread(deps, 1, 4095, f);
	assert_int_equal(pclose(f), 0);
	assert_true(len > 0 && len < 4095);
	free(cmd);
	free(script);
	for (i = 0; (sh = shell_get(i)) != NULL; i++) {
		/* An npm package (nushell's): deps.sh installs it by name. */
		if (sh->package[0] == '@') {
			assert_file_has("tests/tools/deps.sh", sh->package);
			continue;
		}
		assert_true(asprintf(&w, " %s ", sh->package) > 0);
		if (strstr(deps, w) == NULL)
			fail_msg("tests/tools/deps.sh does not install %s "
			    "(the %s shell's package)", sh->package,
			    sh->name);
		free(w);
	}
	free(deps);

	buf_addf(&b, "BENCH_SHELLS=${BENCH_SHELLS:-%s}", names.data);
	assert_file_has("bench/shells.sh", b.data);
	buf_reset(&b);
	buf_addf(&b, "for sh in %s; do", names.data);
	assert_file_has("tests/integration/t-conformance.sh", b.data);
	buf_reset(&b);
	/*
	 * The completions are made from the command table (t-cli checks
	 * the committed files against it): its SHELL words must be ours.
	 */
	assert_string_equal(cmd_find("hook", NULL)->words, names.data);
	/* export takes the output formats too, after the shells. */
	buf_adds(&b, names.data);
	for (i = 0; (sh = shell_format_get(i)) != NULL; i++)
		buf_addf(&b, " %s", sh->name);
	assert_string_equal(cmd_find("export", NULL)->words, b.data);
	buf_reset(&b);
	buf_addf(&b, "words=\"%s\"", names.data);
	assert_file_has("contrib/completions/hearth.bash", b.data);
	buf_reset(&b);
	buf_addf(&b, "'1:SHELL:(%s)'", names.data);
	assert_file_has("contrib/completions/_hearth", b.data);
	buf_reset(&b);
	buf_addf(&b, "-a '%s'", names.data);
	assert_file_has("contrib/completions/hearth.fish", b.data);

	/* The man page: the SHELL list and each install line. */
	buf_reset(&b);
	for (i = 0; (sh = shell_get(i)) != NULL; i++) {
		if (i > 0)
			buf_adds(&b, shell_get(i + 1) == NULL ? " or " : ", ");
		buf_addf(&b, "*%s*", sh->name);
	}
	assert_file_has("docs/hearth.1.scd", b.data);
	for (i = 0; (sh = shell_get(i)) != NULL; i++)
		assert_file_has("docs/hearth.1.scd", sh->install);
	buf_reset(&b);
	buf_adds(&b, "`hearth hook ");
	shell_list(&b, "\\|", "\\|");
	assert_file_has("README.md", b.data);
	buf_release(&b);
	buf_release(&names);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_entries_complete),
	cmocka_unit_test(test_find_lists_all),
	cmocka_unit_test(test_formats),
	cmocka_unit_test(test_settable),
	cmocka_unit_test(test_rcfile_shown),
	cmocka_unit_test(test_rcfile_path),
	cmocka_unit_test(test_lists_agree),
};

HARNESS_MAIN(tests)
