/*
 * Fuzzing common/envdiff.c: the decoder of a snapshot as the client gets
 * it, and the daemon's diff of two environment dumps. The first byte
 * picks the mode. Decode (even): the rest is an encoded diff; one that
 * decodes must encode back to exactly the input, one that does not must
 * leave the diff empty. Compute (odd): two bytes give the length of the
 * base dump, which follows, and the rest is the next dump; a computed
 * diff holds only valid, non-excluded names, survives encode and decode
 * unchanged, and, when neither dump repeats a name, turns base into next
 * for every name a shell may get. The lookups agree with the parse:
 * envdiff_encoded_get gives a decoded diff's first SET of a name, and
 * envdiff_dump_get a dump's first value of a name.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/xmalloc.h"
#include "fuzz.h"

/* Past this many variables the (quadratic) meaning check is skipped. */
#define CHECK_MAX_VARS	256

struct var {
	char	*name;
	char	*value;
};

struct dump {
	struct var	*v;
	size_t		 n;
};

static void
dump_release(struct dump *dm)
{
	size_t	 i;

	for (i = 0; i < dm->n; i++) {
		free(dm->v[i].name);
		free(dm->v[i].value);
	}
	free(dm->v);
}

/* Split a dump as envdiff_compute() accepted it: NAME=VALUE\0 records. */
static void
dump_parse(struct dump *dm, const char *p, size_t len)
{
	const char	*end = p + len, *eq;
	size_t		 rlen;

	dm->v = NULL;
	dm->n = 0;
	while (p < end) {
		rlen = strlen(p);
		eq = memchr(p, '=', rlen);
		fuzz_check(eq != NULL && eq != p);
		dm->v = xrealloc(dm->v, (dm->n + 1) * sizeof *dm->v);
		dm->v[dm->n].name = xstrndup(p, eq - p);
		dm->v[dm->n].value = xstrdup(eq + 1);
		dm->n++;
		p += rlen + 1;
	}
}

static const char *
dump_get(const struct dump *dm, const char *name)
{
	size_t	 i;

	for (i = 0; i < dm->n; i++) {
		if (strcmp(dm->v[i].name, name) == 0)
			return (dm->v[i].value);
	}
	return (NULL);
}

static int
dump_unique(const struct dump *dm)
{
	size_t	 i, j;

	for (i = 0; i < dm->n; i++) {
		for (j = i + 1; j < dm->n; j++) {
			if (strcmp(dm->v[i].name, dm->v[j].name) == 0)
				return (0);
		}
	}
	return (1);
}

/* What the client makes of name's base value after applying d. */
static char *
apply_one(const struct envdiff *d, const char *name, const char *base)
{
	const struct envdiff_entry	*e;
	char				*cur;
	size_t				 i;

	cur = base != NULL ? xstrdup(base) : NULL;
	for (i = 0; i < d->n; i++) {
		e = &d->entries[i];
		if (strcmp(e->name, name) != 0)
			continue;
		if (e->op == ENVDIFF_SET) {
			free(cur);
			cur = xstrdup(e->value);
		} else if (e->op == ENVDIFF_UNSET) {
			free(cur);
			cur = NULL;
		} else {
			char	*v;

			if (cur == NULL || *cur == '\0')
				v = xstrdup(e->value);
			else if (e->op == ENVDIFF_PREPEND)
				v = xasprintf("%s:%s", e->value, cur);
			else
				v = xasprintf("%s:%s", cur, e->value);
			free(cur);
			cur = v;
		}
	}
	return (cur);
}

/* A value less its leading and trailing colons. */
static char *
trim_colons(const char *v)
{
	size_t	 n;

	while (*v == ':')
		v++;
	n = strlen(v);
	while (n > 0 && v[n - 1] == ':')
		n--;
	return (xstrndup(v, n));
}

static void
check_meaning(const struct envdiff *d, const struct dump *base,
    const struct dump *next)
{
	const struct dump	*both[2] = { base, next };
	const char		*name, *want, *bv;
	char			*got, *trim;
	size_t			 i, k;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < both[k]->n; i++) {
			name = both[k]->v[i].name;
			if (!envdiff_valid_name(name) ||
			    envdiff_excluded(name))
				continue;
			want = dump_get(next, name);
			bv = dump_get(base, name);
			got = apply_one(d, name, bv);
			if (want != NULL && (bv == NULL || *bv == '\0') &&
			    (strcmp(name, "PATH") == 0 ||
			    strcmp(name, "XDG_DATA_DIRS") == 0)) {
				/* Merged with the user's: colons trimmed. */
				trim = trim_colons(want);
				fuzz_check(*trim == '\0' ?
				    (got == NULL) == (bv == NULL) &&
				    (got == NULL || *got == '\0') :
				    got != NULL && strcmp(got, trim) == 0);
				free(trim);
				free(got);
				continue;
			}
			fuzz_check((got == NULL) == (want == NULL));
			fuzz_check(got == NULL || strcmp(got, want) == 0);
			free(got);
		}
	}
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	struct envdiff	 d;
	struct buf	 b = BUF_INIT;
	const char	*v;
	char		*p, *cause = NULL;
	size_t		 i, j;

	p = xmalloc(size);
	memcpy(p, data, size);
	envdiff_init(&d);
	if (envdiff_decode(&d, p, size, &cause) != 0) {
		fuzz_check(cause != NULL && d.n == 0);
		free(cause);
	} else {
		fuzz_check(d.n <= ENVDIFF_MAX_ENTRIES);
		for (i = 0; i < d.n; i++)
			fuzz_check(envdiff_valid_key(d.entries[i].name));
		envdiff_encode(&d, &b);
		fuzz_check(b.len == size && memcmp(b.data, p, size) == 0);
		for (i = 0; i < d.n; i++) {
			if (d.entries[i].op != ENVDIFF_SET)
				continue;
			v = envdiff_encoded_get(p, size, d.entries[i].name);
			fuzz_check(v != NULL);
			for (j = 0; j < i; j++) {
				if (d.entries[j].op == ENVDIFF_SET &&
				    strcmp(d.entries[j].name,
				    d.entries[i].name) == 0)
					break;
			}
			if (j == i)
				fuzz_check(strcmp(v, d.entries[i].value) == 0);
		}
	}
	/* Whatever the input, a lookup stays inside it. */
	(void)envdiff_encoded_get(p, size, "PATH");
	envdiff_release(&d);
	buf_release(&b);
	free(p);
}

static void
fuzz_compute(const uint8_t *data, size_t size)
{
	struct envdiff	 d, again;
	struct dump	 base, next;
	struct buf	 b = BUF_INIT, b2 = BUF_INIT;
	const struct envdiff_entry *e;
	char		*bp, *np, *cause = NULL;
	size_t		 blen, nlen, i;

	if (size < 2)
		return;
	blen = (size_t)data[0] << 8 | data[1];
	data += 2;
	size -= 2;
	if (blen > size)
		blen = size;
	nlen = size - blen;
	/* Each dump in its own allocation, so ASan sees over-reads. */
	bp = xmalloc(blen);
	np = xmalloc(nlen);
	memcpy(bp, data, blen);
	memcpy(np, data + blen, nlen);

	envdiff_init(&d);
	if (envdiff_compute(&d, bp, blen, np, nlen, &cause) != 0) {
		fuzz_check(cause != NULL);
		free(cause);
		goto out;
	}
	for (i = 0; i < d.n; i++) {
		e = &d.entries[i];
		fuzz_check(e->op == ENVDIFF_SET || e->op == ENVDIFF_UNSET ||
		    e->op == ENVDIFF_PREPEND || e->op == ENVDIFF_APPEND);
		fuzz_check(envdiff_valid_key(e->name));
		fuzz_check(!envdiff_excluded(e->name));
		fuzz_check(e->op != ENVDIFF_UNSET || *e->value == '\0');
	}

	/* What the daemon stores, the client must read back the same. */
	envdiff_encode(&d, &b);
	envdiff_init(&again);
	fuzz_check(envdiff_decode(&again, b.data, b.len, &cause) == 0);
	fuzz_check(again.n == d.n);
	envdiff_encode(&again, &b2);
	fuzz_check(b2.len == b.len && memcmp(b2.data, b.data, b.len) == 0);
	envdiff_release(&again);

	dump_parse(&base, bp, blen);
	dump_parse(&next, np, nlen);
	if (base.n <= CHECK_MAX_VARS && next.n <= CHECK_MAX_VARS &&
	    dump_unique(&base) && dump_unique(&next)) {
		check_meaning(&d, &base, &next);
		for (i = 0; i < next.n; i++)
			fuzz_check(strcmp(envdiff_dump_get(np, nlen,
			    next.v[i].name), next.v[i].value) == 0);
	}
	dump_release(&base);
	dump_release(&next);
out:
	envdiff_release(&d);
	buf_release(&b);
	buf_release(&b2);
	free(bp);
	free(np);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return (0);
	if (data[0] & 1)
		fuzz_compute(data + 1, size - 1);
	else
		fuzz_decode(data + 1, size - 1);
	return (0);
}
