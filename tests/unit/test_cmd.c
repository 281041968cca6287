/*
 * Unit tests for client/cmd.c: finding a command by exact name or unique
 * prefix, the errors for ambiguous and unknown names and the suggestion
 * for a mistyped one, the shape of every table entry, the option parser
 * on each form it reads, and the directory a command acts on.
 */
#include "harness.h"

#include <sys/stat.h>

#include <fcntl.h>

#include "hearth.h"

/* Look a name up and expect the command with the given name. */
static void
expect_found(const char *name, const char *want)
{
	const struct cmd_entry	*e;
	char			*cause = NULL;

	e = cmd_find(name, &cause);
	if (e == NULL)
		fail_msg("cmd_find(\"%s\"): %s", name, cause);
	assert_null(cause);
	assert_string_equal(e->name, want);
}

/* Look a name up and expect a failure whose cause holds a string. */
static void
expect_missing(const char *name, const char *in_cause)
{
	char	*cause = NULL;

	assert_null(cmd_find(name, &cause));
	assert_non_null(cause);
	if (strstr(cause, in_cause) == NULL)
		fail_msg("cause \"%s\" lacks \"%s\"", cause, in_cause);
	free(cause);
}

static void
test_find_exact(void **state)
{
	(void)state;
	expect_found("allow", "allow");
	expect_found("status", "status");
	expect_found("daemon", "daemon");
	expect_found("deny", "deny");
}

static void
test_find_prefix(void **state)
{
	(void)state;
	expect_found("statu", "status");
	expect_found("li", "list");
	expect_found("r", "reload");
	expect_found("g", "gc");
	expect_found("w", "wait");
	expect_found("da", "daemon");
	expect_found("de", "deny");
	expect_found("exp", "export");
	expect_found("exe", "exec");
	expect_found("h", "hook");
	expect_found("a", "allow");
}

static void
test_find_ambiguous(void **state)
{
	(void)state;
	expect_missing("d", "daemon, deny");
	expect_missing("st", "stats, status");
	expect_missing("ex", "exec, export");
	expect_missing("d", "ambiguous");
}

static void
test_find_unknown(void **state)
{
	(void)state;
	expect_missing("zzz", "hearth --help");
	expect_missing("zzz", "zzz");
	/* A name longer than a command is not a prefix of it. */
	expect_missing("statuses", "hearth --help");
	/* Prefix matching is case-sensitive. */
	expect_missing("STATUS", "hearth --help");
	/* Hidden commands are found by their whole name only. */
	expect_missing("__c", "unknown command");
	expect_found("__complete", "__complete");
}

static void
test_find_did_you_mean(void **state)
{
	char	*cause = NULL;

	(void)state;
	/* As close to both: both named. */
	expect_missing("stauts", "did you mean stats or status?");
	expect_missing("statsu", "did you mean stats or status?");
	expect_missing("alow", "did you mean allow?");
	expect_missing("doctr", "did you mean doctor?");
	expect_missing("rload", "did you mean reload?");
	expect_missing("exce", "did you mean exec?");
	expect_missing("tols", "did you mean tools?");
	/* Too far from every name: no suggestion. */
	assert_null(cmd_find("frobnicate", &cause));
	assert_null(strstr(cause, "did you mean"));
	free(cause);
	assert_null(cmd_find("zz", &cause));
	assert_null(strstr(cause, "did you mean"));
	free(cause);
}

static void
test_closest(void **state)
{
	const char	*names[] = { "timeout", "write", "junit", "help" };

	(void)state;
	assert_string_equal(cmd_closest("timeot", names, 4), "timeout");
	assert_string_equal(cmd_closest("wirte", names, 4), "write");
	assert_string_equal(cmd_closest("hlep", names, 4), "help");
	assert_string_equal(cmd_closest("junit", names, 4), "junit");
	assert_null(cmd_closest("json", names, 4));
	assert_null(cmd_closest("", names, 4));
	assert_null(cmd_closest("x", names, 0));
}

static void
test_find_empty(void **state)
{
	char	*cause = NULL;

	(void)state;
	assert_null(cmd_find("", &cause));
	assert_non_null(cause);
	free(cause);
}

/* Send stderr to /dev/null (usage errors); the saved descriptor. */
static int
stderr_mute(void)
{
	int	 saved, fd;

	fflush(stderr);
	assert_true((saved = dup(2)) != -1);
	assert_true((fd = open("/dev/null", O_WRONLY)) != -1);
	dup2(fd, 2);
	close(fd);
	return (saved);
}

static void
stderr_restore(int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
}

/* Every entry in the table is well formed and found by its name. */
static void
test_table(void **state)
{
	const struct cmd_entry	*e;
	const struct cmd_option	*o, *o2;
	struct buf		 b = BUF_INIT;
	char			*cause = NULL;
	size_t			 i, k, j, visible = 0;

	(void)state;
	assert_true(cmd_count() >= 17);
	assert_null(cmd_at(cmd_count()));
	for (i = 0; i < cmd_count(); i++) {
		e = cmd_at(i);
		assert_non_null(e);
		assert_ptr_equal(cmd_find(e->name, &cause), e);
		assert_null(cause);
		/* In order, so that help and completions list them sorted. */
		if (i > 0 && !e->hidden && !cmd_at(i - 1)->hidden)
			assert_true(strcmp(cmd_at(i - 1)->name, e->name) < 0);
		assert_non_null(e->args);
		assert_non_null(e->summary);
		assert_true(*e->summary != '\0');
		assert_null(strchr(e->summary, '\n'));
		assert_non_null(e->exec);
		assert_true(e->min_args >= 0);
		assert_true(e->max_args == -1 || e->max_args >= e->min_args);
		/* The usage names arguments exactly when it takes some. */
		assert_int_equal(*e->args != '\0',
		    e->max_args != 0 || e->dashdash);
		if (e->complete == CMD_COMPLETE_WORDS)
			assert_non_null(e->words);
		for (k = 0; k < CMD_MAX_OPTIONS; k++) {
			o = &e->options[k];
			if (o->name == NULL)
				break;
			assert_non_null(o->help);
			assert_null(strchr(o->help, '\n'));
			assert_true(strcmp(o->name, "help") != 0);
			assert_true(o->letter != 'h');
			assert_null(strchr(o->name, '='));
			/* -t/--timeout SECONDS means the same everywhere. */
			if (strcmp(o->name, "timeout") == 0 || o->letter == 't') {
				assert_string_equal(o->name, "timeout");
				assert_int_equal(o->letter, 't');
				assert_string_equal(o->value, "SECONDS");
			}
			for (j = 0; j < k; j++) {
				o2 = &e->options[j];
				assert_true(strcmp(o->name, o2->name) != 0);
				assert_true(o->letter == 0 ||
				    o->letter != o2->letter);
			}
		}
		/* The synopsis shows every option. */
		buf_reset(&b);
		cmd_synopsis(e, &b);
		for (k = 0; k < CMD_MAX_OPTIONS && e->options[k].name; k++) {
			o = &e->options[k];
			if (o->value != NULL)
				assert_non_null(strstr(b.data, o->value));
		}
		visible += !e->hidden;
	}
	assert_int_equal(visible, cmd_count() - 1);
	buf_release(&b);
}

/* --help and a bad command line, for every command: exit 0 and 2. */
static void
test_table_usage(void **state)
{
	const struct cmd_entry	*e;
	struct cmd_parsed	 p;
	char			*argv[4], *cause = NULL;
	size_t			 i;
	int			 saved;

	(void)state;
	saved = stderr_mute();
	for (i = 0; i < cmd_count(); i++) {
		e = cmd_at(i);
		argv[0] = (char *)e->name;
		argv[1] = (char *)"--help";
		argv[2] = NULL;
		assert_int_equal(cmd_parse(e, 2, argv, &p, &cause), 1);
		argv[1] = (char *)"-h";
		assert_int_equal(cmd_parse(e, 2, argv, &p, &cause), 1);
		argv[1] = (char *)"--no-such-option";
		assert_int_equal(cmd_parse(e, 2, argv, &p, &cause), -1);
		assert_non_null(strstr(cause, "unknown option: "
		    "--no-such-option"));
		free(cause);
		cause = NULL;
		argv[1] = (char *)"-Z";
		assert_int_equal(cmd_parse(e, 2, argv, &p, &cause), -1);
		assert_string_equal(cause, "unknown option: -Z");
		free(cause);
		cause = NULL;
		if (e->max_args >= 0 && !e->dashdash) {
			argv[1] = (char *)"a";
			argv[2] = (char *)"b";
			argv[3] = (char *)"c";
			assert_int_equal(cmd_parse(e, 4, argv, &p, &cause),
			    -1);
			assert_non_null(strstr(cause, "unexpected argument"));
			free(cause);
			cause = NULL;
		}
		assert_int_equal(cmd_run(e, 2, (char *[]){ (char *)e->name,
		    (char *)"--bad", NULL }), EXIT_USAGE);
	}
	stderr_restore(saved);
}

static int
fake_exec(const struct cmd_parsed *p)
{
	(void)p;
	return (EXIT_OK);
}

static const struct cmd_entry fake_entry = {
	.name = "fake",
	.args = "[DIR]",
	.max_args = 1,
	.complete = CMD_COMPLETE_DIR,
	.summary = "a command for the parser's tests",
	.options = {
	    { "write", 'w', NULL, "a flag" },
	    CMD_OPTION_TIMEOUT("a number of seconds"),
	    { "junit", 0, "FILE", "a value with no letter" },
	},
	.exec = fake_exec,
};

static const struct cmd_entry fake_dd_entry = {
	.name = "run",
	.args = "[DIR] -- CMD [ARGS...]",
	.max_args = 1,
	.dashdash = 1,
	.summary = "a command that runs a command",
	.exec = fake_exec,
};

static const struct cmd_entry fake_one_entry = {
	.name = "one",
	.args = "SHELL",
	.min_args = 1,
	.max_args = 1,
	.summary = "a command with one required argument",
	.exec = fake_exec,
};

/*
 * Parse a command line given as words separated by spaces; returns what
 * cmd_parse returned. The words live in a static copy of the line.
 */
static int
parse(const struct cmd_entry *e, const char *line, struct cmd_parsed *p,
    char **cause)
{
	static char	 copy[256];
	static char	*argv[32];
	char		*w, *save = NULL;
	int		 argc = 0;

	assert_true(strlen(line) < sizeof copy);
	strcpy(copy, line);
	for (w = strtok_r(copy, " ", &save); w != NULL;
	    w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	*cause = NULL;
	return (cmd_parse(e, argc, argv, p, cause));
}

/* Parse a line that must be good. */
static void
parse_ok(const struct cmd_entry *e, const char *line, struct cmd_parsed *p)
{
	char	*cause;

	if (parse(e, line, p, &cause) != 0)
		fail_msg("\"%s\": %s", line, cause ? cause : "help");
}

/* Parse a line that must be bad, with a cause holding a string. */
static void
parse_bad(const struct cmd_entry *e, const char *line, const char *want)
{
	struct cmd_parsed	 p;
	char			*cause;

	if (parse(e, line, &p, &cause) != -1)
		fail_msg("\"%s\" was not refused", line);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\": cause \"%s\" lacks \"%s\"", line, cause,
		    want);
	free(cause);
}

static void
test_parse_forms(void **state)
{
	struct cmd_parsed	 p;
	const char		*lines[] = {
		"fake --timeout=5 dir", "fake --timeout 5 dir",
		"fake -t 5 dir", "fake -t5 dir", "fake dir -t 5",
		"fake dir --timeout=5",
	};
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof lines / sizeof *lines; i++) {
		parse_ok(&fake_entry, lines[i], &p);
		assert_string_equal(cmd_get(&p, "timeout"), "5");
		assert_null(cmd_get(&p, "write"));
		assert_null(cmd_get(&p, "junit"));
		assert_int_equal(p.argc, 1);
		assert_string_equal(cmd_arg(&p, 0), "dir");
		assert_null(cmd_arg(&p, 1));
		cmd_parsed_release(&p);
	}

	/* Flags, alone and in a cluster that ends with a value. */
	parse_ok(&fake_entry, "fake -w", &p);
	assert_string_equal(cmd_get(&p, "write"), "");
	assert_int_equal(p.argc, 0);
	assert_null(cmd_arg(&p, 0));
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake -wt 7", &p);
	assert_string_equal(cmd_get(&p, "write"), "");
	assert_string_equal(cmd_get(&p, "timeout"), "7");
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake --write --junit out.xml", &p);
	assert_string_equal(cmd_get(&p, "write"), "");
	assert_string_equal(cmd_get(&p, "junit"), "out.xml");
	cmd_parsed_release(&p);

	/* The last of a repeated option wins; an empty value is a value. */
	parse_ok(&fake_entry, "fake -t 1 --timeout=2", &p);
	assert_string_equal(cmd_get(&p, "timeout"), "2");
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake --junit=", &p);
	assert_string_equal(cmd_get(&p, "junit"), "");
	cmd_parsed_release(&p);

	/* A value may start with a dash. */
	parse_ok(&fake_entry, "fake --junit -w", &p);
	assert_string_equal(cmd_get(&p, "junit"), "-w");
	assert_null(cmd_get(&p, "write"));
	cmd_parsed_release(&p);

	/* -- ends the options; a lone - is an argument. */
	parse_ok(&fake_entry, "fake -- -w", &p);
	assert_null(cmd_get(&p, "write"));
	assert_string_equal(cmd_arg(&p, 0), "-w");
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake -", &p);
	assert_string_equal(cmd_arg(&p, 0), "-");
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake -w -", &p);
	assert_string_equal(cmd_arg(&p, 0), "-");
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake", &p);
	assert_int_equal(p.argc, 0);
	assert_int_equal(p.restc, 0);
	cmd_parsed_release(&p);
}

static void
test_parse_help(void **state)
{
	struct cmd_parsed	 p;
	char			*cause;

	(void)state;
	assert_int_equal(parse(&fake_entry, "fake --help", &p, &cause), 1);
	assert_int_equal(parse(&fake_entry, "fake dir -h", &p, &cause), 1);
	assert_int_equal(parse(&fake_entry, "fake -wh", &p, &cause), 1);
	/* After --, --help is an argument. */
	parse_ok(&fake_entry, "fake -- --help", &p);
	assert_string_equal(cmd_arg(&p, 0), "--help");
	cmd_parsed_release(&p);
	parse_bad(&fake_entry, "fake --help=yes", "unknown option: --help");
}

static void
test_parse_errors(void **state)
{
	(void)state;
	parse_bad(&fake_entry, "fake --json", "unknown option: --json");
	parse_bad(&fake_entry, "fake --timeot 5", "did you mean --timeout?");
	parse_bad(&fake_entry, "fake --wirte", "did you mean --write?");
	parse_bad(&fake_entry, "fake -x", "unknown option: -x");
	parse_bad(&fake_entry, "fake -wx", "unknown option: -x");
	/* Long options are matched whole, not by prefix. */
	parse_bad(&fake_entry, "fake --time 5", "unknown option: --time");
	/* A missing value, by either name. */
	parse_bad(&fake_entry, "fake --timeout", "--timeout needs SECONDS");
	parse_bad(&fake_entry, "fake -t", "-t needs SECONDS");
	parse_bad(&fake_entry, "fake dir -wt", "-t needs SECONDS");
	parse_bad(&fake_entry, "fake --junit", "--junit needs FILE");
	/* A flag takes no value. */
	parse_bad(&fake_entry, "fake --write=yes", "--write takes no value");
	/* Stray arguments, before or after --. */
	parse_bad(&fake_entry, "fake a b", "unexpected argument: b");
	parse_bad(&fake_entry, "fake a -- b", "unexpected argument: b");
	parse_bad(&fake_entry, "fake -t 5 a b c", "unexpected argument: b");
	/* A required argument missing. */
	parse_bad(&fake_one_entry, "one", "missing argument: SHELL");
	parse_bad(&fake_one_entry, "one a b", "unexpected argument: b");
}

static void
test_parse_dashdash(void **state)
{
	struct cmd_parsed	 p;

	(void)state;
	parse_ok(&fake_dd_entry, "run -- ls -l --help", &p);
	assert_int_equal(p.argc, 0);
	assert_int_equal(p.restc, 3);
	assert_string_equal(p.rest[0], "ls");
	assert_string_equal(p.rest[1], "-l");
	assert_string_equal(p.rest[2], "--help");
	assert_null(p.rest[3]);
	cmd_parsed_release(&p);
	parse_ok(&fake_dd_entry, "run dir -- make -- check", &p);
	assert_string_equal(cmd_arg(&p, 0), "dir");
	assert_int_equal(p.restc, 3);
	assert_string_equal(p.rest[1], "--");
	cmd_parsed_release(&p);
	parse_bad(&fake_dd_entry, "run", "expected -- and a command");
	parse_bad(&fake_dd_entry, "run dir --", "expected -- and a command");
	parse_bad(&fake_dd_entry, "run ls -l", "unknown option: -l");
	parse_bad(&fake_dd_entry, "run a b -- ls", "unexpected argument: b");
}

static void
test_number(void **state)
{
	struct cmd_parsed	 p;
	long			 v = 600;
	int			 saved;

	(void)state;
	parse_ok(&fake_entry, "fake", &p);
	assert_int_equal(cmd_number(&p, "timeout", 1, 86400, &v), 0);
	assert_int_equal(v, 600);
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake -t 30", &p);
	assert_int_equal(cmd_number(&p, "timeout", 1, 86400, &v), 0);
	assert_int_equal(v, 30);
	cmd_parsed_release(&p);
	/* Bad numbers print the usage error. */
	saved = stderr_mute();
	parse_ok(&fake_entry, "fake -t soon", &p);
	assert_int_equal(cmd_number(&p, "timeout", 1, 86400, &v), -1);
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake -t 0", &p);
	assert_int_equal(cmd_number(&p, "timeout", 1, 86400, &v), -1);
	cmd_parsed_release(&p);
	parse_ok(&fake_entry, "fake --timeout=", &p);
	assert_int_equal(cmd_number(&p, "timeout", 1, 86400, &v), -1);
	cmd_parsed_release(&p);
	assert_int_equal(v, 30);
	stderr_restore(saved);
}

static void
test_synopsis(void **state)
{
	struct buf	 b = BUF_INIT;

	(void)state;
	cmd_synopsis(&fake_entry, &b);
	assert_string_equal(b.data, "hearth fake [-w] [-t SECONDS] "
	    "[--junit FILE] [DIR]");
	buf_reset(&b);
	cmd_synopsis(cmd_find("wait", NULL), &b);
	assert_string_equal(b.data, "hearth wait [-t SECONDS] [DIR]");
	buf_reset(&b);
	cmd_synopsis(cmd_find("stats", NULL), &b);
	assert_string_equal(b.data, "hearth stats");
	buf_release(&b);
}

static void
test_dir_cwd(void **state)
{
	char	*dir, *cwd, *real, *cause = NULL;

	(void)state;
	assert_non_null(cwd = getcwd(NULL, 0));
	assert_non_null(real = realpath(cwd, NULL));
	dir = cmd_dir(NULL, &cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_int_equal(dir[0], '/');
	assert_string_equal(dir, real);
	free(dir);
	free(real);
	free(cwd);
}

static void
test_dir_arg(void **state)
{
	char	*tmp, *link, *sub, *dir, *real, *cause = NULL;

	(void)state;
	tmp = harness_tmpdir();
	assert_true(asprintf(&sub, "%s/sub", tmp) > 0);
	assert_true(asprintf(&link, "%s/link", tmp) > 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(symlink("sub", link), 0);
	assert_non_null(real = realpath(sub, NULL));
	dir = cmd_dir(link, &cause);
	assert_null(cause);
	assert_non_null(dir);
	assert_string_equal(dir, real);
	free(dir);

	dir = cmd_dir("/nonexistent", &cause);
	assert_null(dir);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/nonexistent"));
	free(cause);

	harness_rmtree(tmp);
	free(real);
	free(link);
	free(sub);
	free(tmp);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_find_exact),
	cmocka_unit_test(test_find_prefix),
	cmocka_unit_test(test_find_ambiguous),
	cmocka_unit_test(test_find_unknown),
	cmocka_unit_test(test_find_empty),
	cmocka_unit_test(test_find_did_you_mean),
	cmocka_unit_test(test_closest),
	cmocka_unit_test(test_table),
	cmocka_unit_test(test_table_usage),
	cmocka_unit_test(test_parse_forms),
	cmocka_unit_test(test_parse_help),
	cmocka_unit_test(test_parse_errors),
	cmocka_unit_test(test_parse_dashdash),
	cmocka_unit_test(test_number),
	cmocka_unit_test(test_synopsis),
	cmocka_unit_test(test_dir_cwd),
	cmocka_unit_test(test_dir_arg),
};

HARNESS_MAIN(tests)
