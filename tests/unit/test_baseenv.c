/*
 * Unit tests for daemon/baseenv.c: the environments evaluations start
 * from are defined by hearth, whatever the daemon was started with: no
 * secret, no GIT_DIR, no variable of another project's dev shell, and a
 * PATH of hearth's making.
 */
#include "harness.h"

#include "baseenv.h"

/* The value of name in a vector, or NULL. */
static const char *
get(char **v, const char *name)
{
	size_t	 n = strlen(name);

	for (; *v != NULL; v++) {
		if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
			return (*v + n + 1);
	}
	return (NULL);
}

static size_t
count(char **v)
{
	size_t	 n = 0;

	while (v[n] != NULL)
		n++;
	return (n);
}

/* A daemon started inside another project's `nix develop`. */
static char *dirty[] = {
	"HOME=/home/u", "USER=u", "LOGNAME=u",
	"PATH=/nix/store/aaa-other/bin:/home/u/bin:/usr/bin:/bin",
	"GIT_DIR=/elsewhere/.git", "AWS_SECRET_ACCESS_KEY=s3cret",
	"IN_NIX_SHELL=impure", "NIX_CFLAGS_COMPILE=-O0",
	"XDG_DATA_DIRS=/nix/store/aaa-other/share", "FIXTURE_VAR=x",
	"NIX_PATH=nixpkgs=/p", "NIX_CONFIG=sandbox = false", "LC_ALL=C.UTF-8",
	"XDG_CACHE_HOME=/home/u/.cache", "SSH_AUTH_SOCK=/run/ssh",
	"HEARTH_NIX=/opt/nix", "PROMPT_COMMAND=x", "BASH_FUNC_f%%=() { :; }",
	NULL
};

static void
test_nix_env(void **state)
{
	char	**v;

	(void)state;
	v = baseenv_nix(dirty, "/opt/nix/bin");
	assert_string_equal(get(v, "HOME"), "/home/u");
	assert_string_equal(get(v, "PATH"), "/opt/nix/bin:"
	    "/home/u/.nix-profile/bin:/etc/profiles/per-user/u/bin:"
	    "/nix/var/nix/profiles/default/bin:/run/current-system/sw/bin:"
	    "/usr/local/bin:/usr/bin:/bin");
	assert_string_equal(get(v, "NIX_PATH"), "nixpkgs=/p");
	assert_string_equal(get(v, "NIX_CONFIG"), "sandbox = false");
	assert_string_equal(get(v, "LC_ALL"), "C.UTF-8");
	assert_string_equal(get(v, "XDG_CACHE_HOME"), "/home/u/.cache");
	assert_string_equal(get(v, "SSH_AUTH_SOCK"), "/run/ssh");
	assert_string_equal(get(v, "USER"), "u");
	assert_null(get(v, "GIT_DIR"));
	assert_null(get(v, "AWS_SECRET_ACCESS_KEY"));
	assert_null(get(v, "IN_NIX_SHELL"));
	assert_null(get(v, "NIX_CFLAGS_COMPILE"));
	assert_null(get(v, "XDG_DATA_DIRS"));
	assert_null(get(v, "FIXTURE_VAR"));
	assert_null(get(v, "HEARTH_NIX"));
	assert_null(get(v, "PROMPT_COMMAND"));
	assert_null(get(v, "BASH_FUNC_f%%"));
	baseenv_free(v);
}

/* The shellHook's base: only what the user's own shell has too. */
static void
test_hook_env(void **state)
{
	char	**v;

	(void)state;
	v = baseenv_hook(dirty, NULL);
	assert_int_equal(count(v), 4);
	assert_string_equal(get(v, "HOME"), "/home/u");
	assert_string_equal(get(v, "USER"), "u");
	assert_string_equal(get(v, "LOGNAME"), "u");
	assert_string_equal(get(v, "PATH"), "/home/u/.nix-profile/bin:"
	    "/etc/profiles/per-user/u/bin:/nix/var/nix/profiles/default/bin:"
	    "/run/current-system/sw/bin:/usr/local/bin:/usr/bin:/bin");
	baseenv_free(v);
}

/* With no HOME or USER, the password file's. */
static void
test_no_home(void **state)
{
	char	*bare[] = { "PATH=/x", NULL };
	char	**v;

	(void)state;
	v = baseenv_hook(bare, "/usr/bin");
	assert_non_null(get(v, "HOME"));
	assert_true(get(v, "HOME")[0] == '/');
	assert_non_null(get(v, "PATH"));
	assert_true(strncmp(get(v, "PATH"), "/usr/bin:", 9) == 0);
	baseenv_free(v);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_nix_env),
	cmocka_unit_test(test_hook_env),
	cmocka_unit_test(test_no_home),
};

HARNESS_MAIN(tests)
