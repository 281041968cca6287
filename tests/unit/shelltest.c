/*
 * The shared shell scenarios (shelltest.h): each runs the exporter's code
 * through a real shell, in every way the shell's table row lists, and
 * compares bytes.
 */
#include "shelltest.h"

char *
shelltest_popen(const char *cmd, size_t *outlen)
{
	struct buf	 out = BUF_INIT;
	char		 chunk[65536];
	FILE		*f;
	size_t		 n;

	assert_non_null(f = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&out, chunk, n);
	assert_int_equal(pclose(f), 0);
	return (buf_detach(&out, outlen));
}

char *
shelltest_run(const struct shelltest *t, const char *env, const char *script,
    const char *file, size_t *outlen)
{
	char	*cmd, *got;

	assert_true(asprintf(&cmd, "%s%s -c '%s' %s%s", env, t->cmd, script,
	    t->argv0, file) > 0);
	got = shelltest_popen(cmd, outlen);
	free(cmd);
	return (got);
}

char *
shelltest_write_code(const char *code, size_t len)
{
	char	 path[] = "/tmp/hearth-unit-code.XXXXXX";
	int	 fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_true(write(fd, code, len) == (ssize_t)len);
	close(fd);
	return (strdup(path));
}

const struct shell *
shelltest_shell(const struct shelltest *t)
{
	const struct shell	*sh;
	char			*cause = NULL;

	sh = shell_find(t->name, &cause);
	if (sh == NULL)
		fail_msg("%s", cause);
	return (sh);
}

void
shelltest_hook(const struct shelltest *t, const char *path, struct buf *hook)
{
	const struct shell	*sh = shelltest_shell(t);
	const char		*p, *at;
	char			*want, *cause = NULL;

	assert_ptr_equal(shell_find(sh->name, &cause), sh);
	assert_true(asprintf(&want, "@HEARTH@ export %s", sh->name) > 0);
	assert_non_null(strstr(sh->hook, want));
	free(want);
	for (p = sh->hook; (at = strchr(p, '@')) != NULL; p = at) {
		buf_add(hook, p, at - p);
		if (strncmp(at, "@HEARTH@", 8) == 0 ||
		    strncmp(at, "@GENFILE@", 9) == 0) {
			sh->quote(hook, path);
			at += at[1] == 'H' ? 8 : 9;
		} else
			buf_addc(hook, *at++);
	}
	buf_adds(hook, p);
}

void
shelltest_check_var(const struct shelltest *t, const char *name,
    const char *value)
{
	struct buf	 code = BUF_INIT;
	char		*file, *got, *script, *nul;
	size_t		 i, len, vlen = strlen(value);

	shelltest_shell(t)->set(&code, name, value);
	file = shelltest_write_code(code.data, code.len);
	for (i = 0; t->ways[i].apply != NULL; i++) {
		assert_true(asprintf(&script, "%s; printf %%s \"$%s\"; "
		    "printf \"\\0\"; /usr/bin/printenv %s", t->ways[i].apply,
		    name, name) > 0);
		got = shelltest_run(t, t->ways[i].env, script, file, &len);
		assert_non_null(nul = memchr(got, '\0', len));
		assert_int_equal(nul - got, vlen);
		assert_memory_equal(got, value, vlen);
		/* printenv adds a newline. */
		assert_int_equal(len - vlen - 1, vlen + 1);
		assert_memory_equal(nul + 1, value, vlen);
		free(script);
		free(got);
	}
	unlink(file);
	free(file);
	buf_release(&code);
}

void
shelltest_tricky_values(void **state)
{
	const struct shelltest	*t = *state;
	size_t			 i;

	unlink(t->marker);
	for (i = 0; t->tricky[i] != NULL; i++)
		shelltest_check_var(t, "V", t->tricky[i]);
	assert_int_equal(access(t->marker, F_OK), -1);
}

void
shelltest_random_values(void **state)
{
	const struct shelltest	*t = *state;
	char			 v[301];
	int			 i, j, len;

	srandom(20261125);
	for (i = 0; i < 60; i++) {
		len = random() % 300;
		for (j = 0; j < len; j++)
			v[j] = (char)(1 + random() % 255);
		v[len] = '\0';
		shelltest_check_var(t, "V", v);
	}
}

void
shelltest_large_value(void **state)
{
	const struct shelltest	*t = *state;
	char			*v;
	size_t			 i, n = 100 * 1024, plen = strlen(t->large);

	v = malloc(n + 1);
	for (i = 0; i < n; i++)
		v[i] = t->large[i % plen];
	v[n] = '\0';
	shelltest_check_var(t, "V", v);
	free(v);
}

/* The exporter's unset, applied as the hook does, unsets a child's too. */
void
shelltest_unset(void **state)
{
	const struct shelltest	*t = *state;
	struct buf		 code = BUF_INIT;
	char			*file, *got, *script;
	size_t			 len;

	shelltest_shell(t)->set(&code, "NAME_1", NULL);
	assert_string_equal(code.data, t->unset_code);
	file = shelltest_write_code(code.data, code.len);
	assert_true(asprintf(&script, "%s; %s; /usr/bin/printenv NAME_1 || "
	    "true", t->hook_apply, t->print_name_1) > 0);
	got = shelltest_run(t, "NAME_1=x ", script, file, &len);
	assert_string_equal(got, "unset");
	unlink(file);
	free(file);
	free(script);
	free(got);
	buf_release(&code);
}

/*
 * Set name to value; G, the guard that it has it; H, that it has other;
 * U, that it is unset. The shell's guard script says y or n for each.
 */
static void
check_guard(const struct shelltest *t, const char *name, const char *value,
    const char *other, const char *want)
{
	const struct shell	*sh = shelltest_shell(t);
	struct buf		 code = BUF_INIT, g = BUF_INIT;
	char			*file, *got, *script;
	size_t			 len;

	sh->set(&code, name, value);
	sh->guard(&g, name, value);
	sh->setvar(&code, "G", g.data);
	buf_reset(&g);
	sh->guard(&g, name, other);
	sh->setvar(&code, "H", g.data);
	buf_reset(&g);
	sh->guard(&g, name, NULL);
	sh->setvar(&code, "U", g.data);
	file = shelltest_write_code(code.data, code.len);
	assert_true(asprintf(&script, t->guard_script, name) > 0);
	got = shelltest_run(t, "", script, file, &len);
	assert_string_equal(got, want);
	free(got);
	free(script);
	unlink(file);
	free(file);
	buf_release(&g);
	buf_release(&code);
}

void
shelltest_guard(void **state)
{
	const struct shelltest		*t = *state;
	const struct shelltest_guard	*c;
	struct buf			 g = BUF_INIT;
	char				 other[64];
	size_t				 i;

	unlink(t->marker);
	for (i = 0; t->guard_values[i] != NULL; i++) {
		snprintf(other, sizeof other, "%sx", t->guard_values[i]);
		check_guard(t, "V", t->guard_values[i], other, "ynnny");
		if (*t->guard_values[i] != '\0')
			check_guard(t, "V", t->guard_values[i], "", "ynnny");
	}
	for (c = t->guards; c->name != NULL; c++)
		check_guard(t, c->name, c->value, c->other, c->want);
	assert_int_equal(access(t->marker, F_OK), -1);

	/* Several tests, joined: all must hold. */
	shelltest_shell(t)->guard(&g, "A", "1");
	shelltest_shell(t)->guard(&g, "B", NULL);
	assert_string_equal(g.data, t->joined_guard);
	buf_release(&g);
}

/*
 * A plain variable, set as the hook does (in a function): global, any
 * value back exactly, and not exported.
 */
void
shelltest_setvar(void **state)
{
	const struct shelltest	*t = *state;
	struct buf		 code = BUF_INIT;
	char			*file, *got, *script;
	const char		*v;
	size_t			 i, len;

	assert_true(asprintf(&script, "%s; printf %%s \"$_hearth_undo\"; "
	    "/usr/bin/printenv _hearth_undo || printf \"\\0\"",
	    t->hook_apply) > 0);
	unlink(t->marker);
	for (i = 0; t->setvar_values[i] != NULL; i++) {
		v = t->setvar_values[i];
		buf_reset(&code);
		shelltest_shell(t)->setvar(&code, "_hearth_undo", v);
		file = shelltest_write_code(code.data, code.len);
		got = shelltest_run(t, "", script, file, &len);
		assert_int_equal(len, strlen(v) + 1);
		assert_memory_equal(got, v, len - 1);
		assert_int_equal(got[len - 1], '\0');
		free(got);
		unlink(file);
		free(file);
	}
	assert_int_equal(access(t->marker, F_OK), -1);
	free(script);
	buf_release(&code);
}
