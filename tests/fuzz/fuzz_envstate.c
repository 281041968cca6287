/*
 * Fuzzing the revert state, HEARTH_STATE (client/envstate.c), through the
 * environment as `hearth export` reads it. The input's first byte says
 * whether the state is taken as the variable's text as is (odd) or as the
 * bytes the text decodes to (even: the harness encodes them, so the
 * fuzzer works past base64); two bytes give that part's length, and the
 * rest is an encoded envdiff to apply. Invariants: whatever was read
 * re-encodes to a text that reads back to the same state and counts as
 * unchanged; reverting records only valid names; and applying a diff,
 * carrying the state through the variable as a later prompt would, then
 * reverting it gives every variable back the value it had.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hearth/envdiff.h"
#include "hearth/shellname.h"
#include "hearth/xmalloc.h"
#include "hearth.h"
#include "fuzz.h"

/*
 * Below the client's own cap on the variable (ENVSTATE_MAX in envstate.c)
 * a re-encoded state must read back; past it, the client starts afresh.
 */
#define CHECK_MAX_TEXT	(64U * 1024)

/*
 * Set the variable with putenv() and a string of ours, freed once
 * replaced: glibc's setenv() keeps every value it was ever given, which
 * a run of millions of inputs cannot afford.
 */
static void
set_state(const char *text)
{
	static char	*last;
	char		*s;

	s = xasprintf("%s=%s", ENVSTATE_VAR, text);
	fuzz_check(putenv(s) == 0);
	free(last);
	last = s;
}

/*
 * Two states are the same as far as their accessors tell. Where and
 * which shell count only while something is applied: a state with none
 * is written as nothing.
 */
static void
check_same(struct envstate *a, struct envstate *b)
{
	if (envstate_applied(a)) {
		fuzz_check(strcmp(envstate_root(a), envstate_root(b)) == 0);
		fuzz_check(strcmp(envstate_shell(a), envstate_shell(b)) == 0);
	}
	fuzz_check(strcmp(envstate_notice(a), envstate_notice(b)) == 0);
	fuzz_check(envstate_snapshot(a) == envstate_snapshot(b));
	fuzz_check(envstate_hook_shown(a) == envstate_hook_shown(b));
	fuzz_check(envstate_applied(a) == envstate_applied(b));
}

/* Read back a state's encoding from the variable; checks it is stable. */
static struct envstate *
reread(struct envstate *st)
{
	struct envstate	*again;
	char		*text, *text2;

	text = envstate_encode(st);
	if (*text == '\0') {
		fuzz_check(!envstate_applied(st));
		fuzz_check(*envstate_notice(st) == '\0');
		fuzz_check(envstate_hook_shown(st) == 0);
	}
	set_state(text);
	again = envstate_from_env();
	if (strlen(text) <= CHECK_MAX_TEXT) {
		check_same(st, again);
		text2 = envstate_encode(again);
		fuzz_check(strcmp(text, text2) == 0);
		fuzz_check(!envstate_changed(again));
		free(text2);
	}
	free(text);
	return (again);
}

/* Apply d over set, carry the state over a prompt, revert: no change. */
static void
check_apply_revert(struct envstate *st, struct envset *set,
    const struct envdiff *d)
{
	struct envstate	*later = NULL;
	const char	*v;
	char		**before, *text;
	size_t		 i;

	before = xcalloc(d->n + 1, sizeof *before);
	for (i = 0; i < d->n; i++) {
		v = envset_get(set, d->entries[i].name);
		before[i] = v != NULL ? xstrdup(v) : NULL;
	}
	envstate_apply(st, set, d, "/fuzz/root", "default", 1);
	text = envstate_encode(st);
	if (strlen(text) <= CHECK_MAX_TEXT)
		later = reread(st);
	free(text);
	envstate_revert(later != NULL ? later : st, set);
	fuzz_check(!envstate_applied(later != NULL ? later : st));
	for (i = 0; i < d->n; i++) {
		/* Its fallback is the process environment, changed above. */
		if (strcmp(d->entries[i].name, ENVSTATE_VAR) == 0)
			continue;
		v = envset_get(set, d->entries[i].name);
		fuzz_check((v == NULL) == (before[i] == NULL));
		fuzz_check(v == NULL || strcmp(v, before[i]) == 0);
	}
	for (i = 0; i < d->n; i++)
		free(before[i]);
	free(before);
	envstate_free(later);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_check(sodium_init() >= 0);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct envstate	*st, *again;
	struct envset	*set;
	struct envdiff	 all, d;
	const char	*name, *value;
	char		*text, *cause = NULL, **env;
	size_t		 len, i, b64len;

	if (size < 3)
		return (0);
	len = (size_t)data[1] << 8 | data[2];
	if (len > size - 3)
		len = size - 3;
	if (data[0] & 1)
		text = xstrndup((const char *)data + 3, len);
	else {
		b64len = sodium_base64_ENCODED_LEN(len,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		text = xmalloc(b64len);
		sodium_bin2base64(text, b64len, data + 3, len,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	}
	set_state(text);
	free(text);

	st = envstate_from_env();
	again = reread(st);
	envstate_free(st);
	st = again;

	/* What a daemon started from this shell would see. */
	env = envstate_base_environ();
	for (i = 0; env[i] != NULL; i++)
		fuzz_check(strncmp(env[i], ENVSTATE_VAR "=",
		    sizeof ENVSTATE_VAR) != 0);
	envstate_free_environ(env);

	set = envset_new();
	envstate_revert(st, set);
	fuzz_check(!envstate_applied(st));
	for (i = 0; i < envset_count(set); i++) {
		envset_item(set, i, &name, &value);
		fuzz_check(envdiff_valid_key(name));
	}

	/* The rest: a snapshot, filtered for bash as export_load() does. */
	envdiff_init(&all);
	envdiff_init(&d);
	if (envdiff_decode(&all, data + 3 + len, size - 3 - len,
	    &cause) == 0) {
		for (i = 0; i < all.n; i++) {
			if (shellname_settable("bash", all.entries[i].name))
				envdiff_add(&d, all.entries[i].op,
				    all.entries[i].name, all.entries[i].value);
		}
		check_apply_revert(st, set, &d);
	} else
		free(cause);
	envdiff_release(&all);
	envdiff_release(&d);
	envset_free(set);
	envstate_free(st);
	return (0);
}
