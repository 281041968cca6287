/*
 * What hearth changed in a shell, and how to undo it.
 *
 * The state lives in one exported variable, HEARTH_STATE, so it follows the
 * shell into subshells and needs no file. It holds which snapshot is
 * applied, the last notice shown, and one undo record per variable:
 *  V NAME OLD	the variable was OLD before hearth set it
 *  N NAME	the variable was unset before hearth set it
 *  P NAME PFX	hearth put PFX in front of the value (it was set)
 *  Q NAME PFX	the same, but the variable was unset before
 *  A NAME SFX	hearth put SFX after the value (it was set)
 *  B NAME SFX	the same, but the variable was unset before
 * Only names and old values are kept (never the new values). A PATH-like
 * variable is undone by removing just the entries hearth added, so entries
 * the user added meanwhile survive.
 *
 * Encoding: "hearth1" and the fields, each NUL-terminated, in URL-safe
 * base64 without padding (libsodium). One environment string may be at
 * most 128 KiB (Linux's MAX_ARG_STRLEN), and the old value of a large
 * variable of the user's would take the state past it: every command of
 * the shell would then fail. So the encoding stays within ENVSTATE_MAX by
 * moving old values out to files (envspill.c), larger ones first:
 *  F NAME HASH	as V, the old value saved under HASH
 * The decoder takes anything the encoder can make, up to ENVSTATE_DECODE_MAX.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hearth/hash.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

#define ENVSTATE_MAGIC		"hearth1"
/* What the encoding aims to stay within, with room for the rest. */
#define ENVSTATE_MAX		(32U * 1024)
/* Old values longer than this go to a file at once. */
#define ENVSTATE_INLINE		(4U * 1024)
/* What the decoder takes: more than any state the encoder makes. */
#define ENVSTATE_DECODE_MAX	(16U * 1024 * 1024)
#define ENVSTATE_B64		sodium_base64_VARIANT_URLSAFE_NO_PADDING

struct undo {
	char	 op;
	char	*name;
	char	*value;
};

struct envstate {
	char		*root;
	char		*shell;
	uint64_t	 snapshot;
	char		*notice;
	uint64_t	 hook_shown;
	struct undo	*undo;
	size_t		 nundo;
	char		*original;	/* the variable as read */
};

static void
envstate_clear(struct envstate *st)
{
	size_t	 i;

	for (i = 0; i < st->nundo; i++) {
		free(st->undo[i].name);
		free(st->undo[i].value);
	}
	free(st->undo);
	st->undo = NULL;
	st->nundo = 0;
	free(st->root);
	free(st->shell);
	st->root = xstrdup("");
	st->shell = xstrdup("");
	st->snapshot = 0;
}

static void
envstate_add_undo(struct envstate *st, char op, const char *name,
    const char *value)
{
	st->undo = xrealloc(st->undo, (st->nundo + 1) * sizeof *st->undo);
	st->undo[st->nundo].op = op;
	st->undo[st->nundo].name = xstrdup(name);
	st->undo[st->nundo].value = xstrdup(value ? value : "");
	st->nundo++;
}

/* An old value saved in a file: read it back, or say it is lost. */
static void
envstate_add_spilled(struct envstate *st, const char *name, const char *hex)
{
	char	*value;

	if ((value = envspill_get(hex)) == NULL) {
		/* Keep the rest of the state: only this value is gone. */
		fprintf(stderr, "hearth: the value %s had before this dev "
		    "shell was saved in a file that is gone or damaged "
		    "(saved/%.16s in the state directory); leaving will not "
		    "restore it\n", name, hex);
		return;
	}
	envstate_add_undo(st, 'V', name, value);
	free(value);
}

/* Split the decoded bytes into fields; -1 if malformed. */
static int
envstate_parse(struct envstate *st, const char *p, size_t len)
{
	const char	*end = p + len, *f[5], *op, *name, *value, *tab;
	size_t		 i;
	char		*num;

	if (len == 0 || p[len - 1] != '\0')
		return (-1);
	for (i = 0; i < 5; i++) {
		if (p >= end)
			return (-1);
		f[i] = p;
		p += strlen(p) + 1;
	}
	if (strcmp(f[0], ENVSTATE_MAGIC) != 0)
		return (-1);
	free(st->root);
	free(st->shell);
	st->root = xstrdup(f[1]);
	st->shell = xstrdup(f[2]);
	st->snapshot = strtoull(f[3], &num, 10);
	if (*num != '\0')
		return (-1);
	/* f[4]: "notice\thook_shown" */
	if ((tab = strrchr(f[4], '\t')) == NULL)
		return (-1);
	free(st->notice);
	st->notice = xstrndup(f[4], tab - f[4]);
	st->hook_shown = strtoull(tab + 1, NULL, 10);
	while (p < end) {
		op = p;
		p += strlen(p) + 1;
		if (p >= end)
			return (-1);
		name = p;
		p += strlen(p) + 1;
		if (p >= end)
			return (-1);
		value = p;
		p += strlen(p) + 1;
		if (strlen(op) != 1 || strchr("VNPQABF", op[0]) == NULL ||
		    !envdiff_valid_key(name))
			return (-1);
		if (op[0] == 'F') {
			envstate_add_spilled(st, name, value);
			continue;
		}
		envstate_add_undo(st, op[0], name, value);
	}
	return (0);
}

struct envstate *
envstate_decode(const char *v)
{
	struct envstate	*st;
	unsigned char	*bin;
	size_t		 len, binlen;

	st = xcalloc(1, sizeof *st);
	st->notice = xstrdup("");
	envstate_clear(st);
	st->original = xstrdup(v ? v : "");
	if (v == NULL || *v == '\0')
		return (st);
	len = strlen(v);
	if (len > ENVSTATE_DECODE_MAX)
		return (st);
	bin = xmalloc(len);
	if (sodium_base642bin(bin, len, v, len, NULL, &binlen, NULL,
	    ENVSTATE_B64) != 0 ||
	    envstate_parse(st, (const char *)bin, binlen) != 0) {
		/* Not ours or damaged: start afresh rather than guess. */
		envstate_clear(st);
		free(st->notice);
		st->notice = xstrdup("");
		st->hook_shown = 0;
	}
	free(bin);
	return (st);
}

struct envstate *
envstate_from_env(void)
{
	return (envstate_decode(getenv(ENVSTATE_VAR)));
}

void
envstate_free(struct envstate *st)
{
	if (st == NULL)
		return;
	envstate_clear(st);
	free(st->root);
	free(st->shell);
	free(st->notice);
	free(st->original);
	free(st);
}

const char *
envstate_root(struct envstate *st)
{
	return (st->root);
}

const char *
envstate_shell(struct envstate *st)
{
	return (st->shell);
}

uint64_t
envstate_snapshot(struct envstate *st)
{
	return (st->snapshot);
}

const char *
envstate_notice(struct envstate *st)
{
	return (st->notice);
}

void
envstate_set_notice(struct envstate *st, const char *notice)
{
	free(st->notice);
	st->notice = xstrdup(notice);
}

uint64_t
envstate_hook_shown(struct envstate *st)
{
	return (st->hook_shown);
}

void
envstate_set_hook_shown(struct envstate *st, uint64_t id)
{
	st->hook_shown = id;
}

int
envstate_applied(struct envstate *st)
{
	return (st->snapshot != 0 || st->nundo != 0);
}

/*
 * Remove each of part's entries once from value, the first match of each
 * (the last, with from_end: entries hearth appended); a new string.
 */
static char *
remove_entries(const char *value, const char *part, int from_end)
{
	char	**list = NULL, *copy, *p, *e, *pcopy;
	size_t	 n = 0, i, k;
	struct buf b = BUF_INIT;
	int	 first = 1;

	copy = xstrdup(value);
	for (p = copy; ; p = e + 1) {
		list = xrealloc(list, (n + 1) * sizeof *list);
		list[n++] = p;
		if ((e = strchr(p, ':')) == NULL)
			break;
		*e = '\0';
	}
	pcopy = xstrdup(part);
	for (p = pcopy; p != NULL; p = e) {
		if ((e = strchr(p, ':')) != NULL)
			*e++ = '\0';
		for (k = 0; k < n; k++) {
			i = from_end ? n - 1 - k : k;
			if (list[i] != NULL && strcmp(list[i], p) == 0) {
				list[i] = NULL;
				break;
			}
		}
	}
	for (i = 0; i < n; i++) {
		if (list[i] == NULL)
			continue;
		if (!first)
			buf_addc(&b, ':');
		buf_adds(&b, list[i]);
		first = 0;
	}
	free(list);
	free(copy);
	free(pcopy);
	return (buf_detach(&b, NULL));
}

void
envstate_revert(struct envstate *st, struct envset *set)
{
	const struct undo	*u;
	const char		*cur;
	char			*rest;
	size_t			 i;

	/* Undo in reverse, so a name changed twice ends as it began. */
	for (i = st->nundo; i-- > 0; ) {
		u = &st->undo[i];
		switch (u->op) {
		case 'V':
			envset_set(set, u->name, u->value);
			break;
		case 'N':
			envset_set(set, u->name, NULL);
			break;
		case 'P':
		case 'Q':
		case 'A':
		case 'B':
			if ((cur = envset_get(set, u->name)) == NULL)
				break;
			rest = remove_entries(cur, u->value,
			    u->op == 'A' || u->op == 'B');
			if (*rest == '\0' && (u->op == 'Q' || u->op == 'B'))
				envset_set(set, u->name, NULL);
			else
				envset_set(set, u->name, rest);
			free(rest);
			break;
		}
	}
	envstate_clear(st);
}

void
envstate_apply(struct envstate *st, struct envset *set,
    const struct envdiff *d, const char *root, const char *shell,
    uint64_t snapshot)
{
	const struct envdiff_entry	*e;
	const char			*cur;
	char				*v;
	size_t				 i;

	envstate_clear(st);
	free(st->root);
	free(st->shell);
	st->root = xstrdup(root);
	st->shell = xstrdup(shell);
	st->snapshot = snapshot;
	for (i = 0; i < d->n; i++) {
		e = &d->entries[i];
		cur = envset_get(set, e->name);
		switch (e->op) {
		case ENVDIFF_SET:
			if (cur != NULL)
				envstate_add_undo(st, 'V', e->name, cur);
			else
				envstate_add_undo(st, 'N', e->name, NULL);
			envset_set(set, e->name, e->value);
			break;
		case ENVDIFF_UNSET:
			if (cur == NULL)
				break;
			envstate_add_undo(st, 'V', e->name, cur);
			envset_set(set, e->name, NULL);
			break;
		case ENVDIFF_PREPEND:
			envstate_add_undo(st, cur != NULL ? 'P' : 'Q', e->name,
			    e->value);
			if (cur != NULL && *cur != '\0') {
				v = xasprintf("%s:%s", e->value, cur);
				envset_set(set, e->name, v);
				free(v);
			} else
				envset_set(set, e->name, e->value);
			break;
		case ENVDIFF_APPEND:
			envstate_add_undo(st, cur != NULL ? 'A' : 'B', e->name,
			    e->value);
			if (cur != NULL && *cur != '\0') {
				v = xasprintf("%s:%s", cur, e->value);
				envset_set(set, e->name, v);
				free(v);
			} else
				envset_set(set, e->name, e->value);
			break;
		}
	}
}

const char **
envstate_prepended(struct envstate *st)
{
	const char	**names;
	size_t		  i, j, n = 0;

	names = xcalloc(st->nundo + 1, sizeof *names);
	for (i = 0; i < st->nundo; i++) {
		if (strchr("PQAB", st->undo[i].op) == NULL)
			continue;
		for (j = 0; j < n; j++) {
			if (strcmp(names[j], st->undo[i].name) == 0)
				break;
		}
		if (j == n)
			names[n++] = st->undo[i].name;
	}
	return (names);
}

/*
 * The state's bytes, with every old value longer than spill moved out to
 * a file (SIZE_MAX: none); a value that cannot be saved stays inline.
 */
static void
envstate_serialize(struct envstate *st, size_t spill, struct buf *b)
{
	const struct undo	*u;
	char			 hex[HASH_HEX_SIZE];
	size_t			 i;

	buf_add(b, ENVSTATE_MAGIC, sizeof ENVSTATE_MAGIC);
	buf_add(b, st->root, strlen(st->root) + 1);
	buf_add(b, st->shell, strlen(st->shell) + 1);
	buf_addf(b, "%llu", (unsigned long long)st->snapshot);
	buf_addc(b, '\0');
	buf_addf(b, "%s\t%llu", st->notice,
	    (unsigned long long)st->hook_shown);
	buf_addc(b, '\0');
	for (i = 0; i < st->nundo; i++) {
		u = &st->undo[i];
		if (u->op == 'V' && strlen(u->value) > spill &&
		    envspill_put(u->value, hex) == 0) {
			buf_add(b, "F", 2);
			buf_add(b, u->name, strlen(u->name) + 1);
			buf_add(b, hex, strlen(hex) + 1);
			continue;
		}
		buf_addc(b, u->op);
		buf_addc(b, '\0');
		buf_add(b, u->name, strlen(u->name) + 1);
		buf_add(b, u->value, strlen(u->value) + 1);
	}
}

char *
envstate_encode(struct envstate *st)
{
	static const size_t	 spill[] = { ENVSTATE_INLINE, 0 };
	struct buf		 b = BUF_INIT;
	char			*out;
	size_t			 i, outlen;

	if (!envstate_applied(st) && *st->notice == '\0' &&
	    st->hook_shown == 0)
		return (xstrdup(""));
	/* Large old values out first; all of them if still too long. */
	for (i = 0; i < sizeof spill / sizeof *spill; i++) {
		buf_reset(&b);
		envstate_serialize(st, spill[i], &b);
		if (sodium_base64_ENCODED_LEN(b.len, ENVSTATE_B64) <=
		    ENVSTATE_MAX)
			break;
	}
	outlen = sodium_base64_ENCODED_LEN(b.len, ENVSTATE_B64);
	if (outlen > ENVSTATE_MAX)
		fprintf(stderr, "hearth: the state of this shell is %zu KiB "
		    "(the old values could not be saved under the state "
		    "directory); commands may fail with \"Argument list too "
		    "long\"\n", outlen / 1024);
	out = xmalloc(outlen);
	sodium_bin2base64(out, outlen, (const unsigned char *)b.data, b.len,
	    ENVSTATE_B64);
	buf_release(&b);
	return (out);
}

int
envstate_changed(struct envstate *st)
{
	char	*now = envstate_encode(st);
	int	 changed = strcmp(now, st->original) != 0;

	free(now);
	return (changed);
}

char **
envstate_base_environ(void)
{
	struct envstate	*st = envstate_from_env();
	struct envset	*set = envset_new();
	char		**env;

	envstate_revert(st, set);
	envset_set(set, ENVSTATE_VAR, NULL);
	env = envset_environ(set);
	envset_free(set);
	envstate_free(st);
	return (env);
}

void
envstate_free_environ(char **env)
{
	size_t	 i;

	for (i = 0; env != NULL && env[i] != NULL; i++)
		free(env[i]);
	free(env);
}
