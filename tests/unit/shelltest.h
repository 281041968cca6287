/*
 * The scenarios every shell's exporter must pass, written once and run
 * against a real bash, zsh or fish: values of any bytes round-trip both
 * as the shell sees them and as a child gets them, no value runs code,
 * plain variables stay unexported, guards hold exactly when the variable
 * has the value. A test_shell_<name>.c describes its shell in one struct
 * shelltest, lists the shared tests with SHELLTEST() and adds the tests
 * only its shell needs.
 */
#ifndef HEARTH_SHELLTEST_H
#define HEARTH_SHELLTEST_H

#include "harness.h"

#include "hearth.h"

/* One way to apply the exporter's code, as users' setups differ. */
struct shelltest_way {
	const char	*env;	/* assignments before the command, or "" */
	const char	*apply;	/* script applying the code in file $1 */
};

/* A guard test case beyond the shared list. */
struct shelltest_guard {
	const char	*name;
	const char	*value;
	const char	*other;
	const char	*want;	/* the guard script's output */
};

struct shelltest {
	const char		*name;	/* the shell's row in the table */
	const char		*cmd;	/* the shell, ready for -c */
	const char		*argv0;	/* its $0 before the file, or "" */
	const char		*marker; /* what hostile values try to create */
	const struct shelltest_way *ways;	/* up to a NULL apply */
	/* How the hook applies code: in a function, under user options. */
	const char		*hook_apply;
	/*
	 * Given code setting the name (%s) and guards G, H and U, print y
	 * or n for each, then for G and U again with the name unset.
	 */
	const char		*guard_script;
	/* Print NAME_1's value, or "unset" when it is not set. */
	const char		*print_name_1;
	const char		*unset_code;	/* set(NAME_1, NULL) */
	const char		*joined_guard;	/* guards A is 1, B unset */
	const char		*large;		/* repeated into 100 KB */
	/* Lists up to a NULL (guards: up to a NULL name). */
	const char *const	*tricky;
	const char *const	*guard_values;
	const struct shelltest_guard *guards;
	const char *const	*setvar_values;
};

/* A shared test, named test_NAME as the shell's own tests are. */
#define SHELLTEST(name, row)						\
	{ "test_" #name, shelltest_##name, NULL, NULL, (void *)(row) }

/* The test's shell: its entry in the table (asserted found). */
const struct shell *shelltest_shell(const struct shelltest *);
/* Run a command line; its output (exit status 0 asserted). */
char	*shelltest_popen(const char *, size_t *);
/* Run the shell with env before it: -c script, on file. */
char	*shelltest_run(const struct shelltest *, const char *, const char *,
	    const char *, size_t *);
/* Write code to a new temporary file; the caller unlinks it. */
char	*shelltest_write_code(const char *, size_t);
/*
 * Set name through the exporter; in each way, what the shell prints for
 * "$name" and what a child gets must both be the value.
 */
void	 shelltest_check_var(const struct shelltest *, const char *,
	    const char *);
/*
 * The shell's table entry and its hook text, with every placeholder
 * holding path, quoted by the shell's own quote.
 */
void	 shelltest_hook(const struct shelltest *, const char *, struct buf *);

/* The shared tests; each takes its struct shelltest as initial state. */
void	 shelltest_tricky_values(void **);
void	 shelltest_random_values(void **);
void	 shelltest_large_value(void **);
void	 shelltest_unset(void **);
void	 shelltest_guard(void **);
void	 shelltest_setvar(void **);

#endif
