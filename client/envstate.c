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
 * Only names and old values are kept (never the new values), so it stays
 * small: far below the 128 KiB limit on one environment string. A PATH-like
 * variable is undone by removing just the entries hearth added, so entries
 * the user added meanwhile survive.
 *
 * Encoding: "hearth1" and the fields, each NUL-terminated, in URL-safe
 * base64 without padding (libsodium).
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

#define ENVSTATE_MAGIC		"hearth1"
#define ENVSTATE_MAX		(96U * 1024)
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

struct envchange {
	char	*name;
	char	*value;		/* NULL: unset */
};

struct envset {
	struct envchange	*c;
	size_t			 n;
	struct envset		*base;	/* what it lies over; NULL: environ */
};

extern char	**environ;

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
		if (strlen(op) != 1 || strchr("VNPQAB", op[0]) == NULL ||
		    !envdiff_valid_key(name))
			return (-1);
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
	if (len > ENVSTATE_MAX)
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

char *
envstate_encode(struct envstate *st)
{
	struct buf	 b = BUF_INIT;
	char		*out;
	size_t		 i, outlen;

	if (!envstate_applied(st) && *st->notice == '\0' &&
	    st->hook_shown == 0)
		return (xstrdup(""));
	buf_add(&b, ENVSTATE_MAGIC, sizeof ENVSTATE_MAGIC);
	buf_add(&b, st->root, strlen(st->root) + 1);
	buf_add(&b, st->shell, strlen(st->shell) + 1);
	buf_addf(&b, "%llu", (unsigned long long)st->snapshot);
	buf_addc(&b, '\0');
	buf_addf(&b, "%s\t%llu", st->notice,
	    (unsigned long long)st->hook_shown);
	buf_addc(&b, '\0');
	for (i = 0; i < st->nundo; i++) {
		buf_addc(&b, st->undo[i].op);
		buf_addc(&b, '\0');
		buf_add(&b, st->undo[i].name, strlen(st->undo[i].name) + 1);
		buf_add(&b, st->undo[i].value, strlen(st->undo[i].value) + 1);
	}
	outlen = sodium_base64_ENCODED_LEN(b.len, ENVSTATE_B64);
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

struct envset *
envset_new(void)
{
	return (xcalloc(1, sizeof(struct envset)));
}

struct envset *
envset_over(struct envset *base)
{
	struct envset	*set = envset_new();

	set->base = base;
	return (set);
}

void
envset_free(struct envset *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++) {
		free(set->c[i].name);
		free(set->c[i].value);
	}
	free(set->c);
	free(set);
}

static struct envchange *
envset_find(struct envset *set, const char *name)
{
	size_t	 i;

	for (i = 0; i < set->n; i++) {
		if (strcmp(set->c[i].name, name) == 0)
			return (&set->c[i]);
	}
	return (NULL);
}

const char *
envset_get(struct envset *set, const char *name)
{
	struct envchange	*c;

	if ((c = envset_find(set, name)) != NULL)
		return (c->value);
	if (set->base != NULL)
		return (envset_get(set->base, name));
	return (getenv(name));
}

void
envset_set(struct envset *set, const char *name, const char *value)
{
	struct envchange	*c;

	if ((c = envset_find(set, name)) == NULL) {
		set->c = xrealloc(set->c, (set->n + 1) * sizeof *set->c);
		c = &set->c[set->n++];
		c->name = xstrdup(name);
	} else
		free(c->value);
	c->value = value != NULL ? xstrdup(value) : NULL;
}

size_t
envset_count(struct envset *set)
{
	return (set->n);
}

void
envset_item(struct envset *set, size_t i, const char **name,
    const char **value)
{
	*name = set->c[i].name;
	*value = set->c[i].value;
}

char **
envset_environ(struct envset *set)
{
	char		**env;
	size_t		  n, i, j, len;
	struct envchange *c;

	for (n = 0; environ[n] != NULL; n++)
		;
	env = xcalloc(n + set->n + 1, sizeof *env);
	for (i = j = 0; i < n; i++) {
		len = strcspn(environ[i], "=");
		c = NULL;
		for (size_t k = 0; k < set->n; k++) {
			if (strlen(set->c[k].name) == len &&
			    strncmp(set->c[k].name, environ[i], len) == 0)
				c = &set->c[k];
		}
		if (c == NULL)
			env[j++] = xstrdup(environ[i]);
	}
	for (i = 0; i < set->n; i++) {
		if (set->c[i].value != NULL)
			env[j++] = xasprintf("%s=%s", set->c[i].name,
			    set->c[i].value);
	}
	return (env);
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
