/*
 * Computing, encoding and decoding the environment changes a dev shell
 * makes (see include/hearth/envdiff.h). The exclusion list is what
 * `nix develop` and direnv leave out of a shell; the list rule keeps the
 * user's PATH and puts the dev shell's entries around it where the dev
 * shell put them around the base's (in front, as `nix develop` does, or
 * after, as a shellHook's PATH="$PATH:..." does).
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/xmalloc.h"

/*
 * Variables a dev shell must not carry into the user's shell: the session's
 * own (HOME, TERM, SHELL, SHLVL, PWD, OLDPWD, _), the build sandbox's
 * (TMPDIR and friends point at a directory that is deleted, NIX_BUILD_TOP,
 * NIX_LOG_FD), and bash's internals. `nix develop` leaves them out too.
 */
static const char *excluded_names[] = {
	"HOME", "TERM", "SHELL", "SHLVL", "PWD", "OLDPWD", "_",
	"TMPDIR", "TEMP", "TMP", "TEMPDIR", "NIX_BUILD_TOP", "NIX_LOG_FD",
	"BASHOPTS", "SHELLOPTS", "IFS", "OPTIND",
	"EPOCHREALTIME", "EPOCHSECONDS", "SRANDOM", "RANDOM", "LINENO",
	"SECONDS", "HOSTNAME", "PPID", "UID", "EUID",
};
static const char *excluded_prefixes[] = {
	"BASH_", "COMP_", "__fish",
};

/*
 * Names the user's shell keeps although a dev shell sets them, and
 * `hearth status` says so: hearth's own variables (a dev shell's value
 * would change what hearth does, or lose what it applied), and the
 * prompt's (PROMPT_COMMAND holds hearth's bash hook and the user's own).
 * Any other HEARTH_ name is the dev shell's to set.
 */
static const char *reserved_names[] = {
	"HEARTH_STATE", "HEARTH_NONIX", "HEARTH_TIMEOUT_MS", "HEARTH_NIX",
	"HEARTHD", "HEARTH_EVAL_TIMEOUT", "HEARTH_MAX_EVALS",
	"HEARTH_MAX_WATCHES", "HEARTH_SYSTEM", "HEARTH_NIXTRACE",
	"PROMPT_COMMAND", "PS0", "PS1", "PS2", "PS3", "PS4",
};
static const char *reserved_prefixes[] = {
	"HEARTH_NIXTRACE_",
};

/* The lists `nix develop` merges with the caller's (see add_change). */
static const char *pathlike_names[] = { "PATH", "XDG_DATA_DIRS" };

/* An exported bash function as the environment holds it: BASH_FUNC_x%%. */
#define FUNC_PREFIX	"BASH_FUNC_"
#define FUNC_SUFFIX	"%%"

static int
in_list(const char *name, const char **names, size_t n, int prefix)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (prefix ? strncmp(name, names[i], strlen(names[i])) == 0 :
		    strcmp(name, names[i]) == 0)
			return (1);
	}
	return (0);
}

#define IN_LIST(name, list, prefix) \
	in_list(name, list, sizeof list / sizeof *list, prefix)

void
envdiff_init(struct envdiff *d)
{
	d->entries = NULL;
	d->n = d->alloc = 0;
	buf_init(&d->skipped);
	buf_init(&d->reserved);
	buf_init(&d->functions);
}

void
envdiff_release(struct envdiff *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->entries[i].name);
		free(d->entries[i].value);
	}
	free(d->entries);
	buf_release(&d->skipped);
	buf_release(&d->reserved);
	buf_release(&d->functions);
	envdiff_init(d);
}

void
envdiff_add(struct envdiff *d, enum envdiff_op op, const char *name,
    const char *value)
{
	if (d->n == d->alloc) {
		d->alloc = d->alloc == 0 ? 16 : d->alloc * 2;
		d->entries = xrealloc(d->entries,
		    d->alloc * sizeof *d->entries);
	}
	d->entries[d->n].op = op;
	d->entries[d->n].name = xstrdup(name);
	d->entries[d->n].value = xstrdup(value == NULL ? "" : value);
	d->n++;
}

int
envdiff_valid_name(const char *s)
{
	const char	*p;

	if (*s == '\0' || (*s >= '0' && *s <= '9'))
		return (0);
	for (p = s; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'))
			return (0);
	}
	return (1);
}

int
envdiff_reserved(const char *name)
{
	return (IN_LIST(name, reserved_names, 0) ||
	    IN_LIST(name, reserved_prefixes, 1));
}

int
envdiff_function_key(const char *name)
{
	size_t	 pl = strlen(FUNC_PREFIX), sl = strlen(FUNC_SUFFIX), n;
	char	*fn;
	int	 ok;

	n = strlen(name);
	if (n <= pl + sl || strncmp(name, FUNC_PREFIX, pl) != 0 ||
	    strcmp(name + n - sl, FUNC_SUFFIX) != 0)
		return (0);
	fn = xstrndup(name + pl, n - pl - sl);
	ok = envdiff_valid_name(fn);
	free(fn);
	return (ok);
}

int
envdiff_valid_key(const char *name)
{
	return (envdiff_valid_name(name) || envdiff_function_key(name));
}

int
envdiff_excluded(const char *name)
{
	if (envdiff_function_key(name))
		return (0);
	return (IN_LIST(name, excluded_names, 0) ||
	    IN_LIST(name, excluded_prefixes, 1) || envdiff_reserved(name));
}

/* One NAME=VALUE record of a dump, split in place. */
struct var {
	const char	*name;
	size_t		 namelen;
	const char	*value;
};

static int
var_cmp(const void *a, const void *b)
{
	const struct var	*va = a, *vb = b;
	size_t			 n;
	int			 c;

	n = va->namelen < vb->namelen ? va->namelen : vb->namelen;
	if ((c = memcmp(va->name, vb->name, n)) != 0)
		return (c);
	return (va->namelen < vb->namelen ? -1 : va->namelen > vb->namelen);
}

/* Split a dump into sorted records; the dump must end with NUL. */
static int
parse_dump(const char *p, size_t len, struct var **out, size_t *n,
    char **cause)
{
	struct var	*v = NULL;
	size_t		 count = 0, alloc = 0, rlen;
	const char	*end = p + len, *eq;

	if (len > ENVDIFF_MAX_SIZE) {
		*cause = xstrdup("environment dump too large");
		return (-1);
	}
	if (len != 0 && p[len - 1] != '\0') {
		*cause = xstrdup("environment dump truncated");
		return (-1);
	}
	while (p < end) {
		rlen = strlen(p);
		if ((eq = memchr(p, '=', rlen)) == NULL || eq == p) {
			free(v);
			*cause = xstrdup("malformed environment dump");
			return (-1);
		}
		if (count == ENVDIFF_MAX_ENTRIES) {
			free(v);
			*cause = xstrdup("too many environment variables");
			return (-1);
		}
		if (count == alloc) {
			alloc = alloc == 0 ? 64 : alloc * 2;
			v = xrealloc(v, alloc * sizeof *v);
		}
		v[count].name = p;
		v[count].namelen = eq - p;
		v[count].value = eq + 1;
		count++;
		p += rlen + 1;
	}
	if (count != 0)
		qsort(v, count, sizeof *v, var_cmp);
	*out = v;
	*n = count;
	return (0);
}

static const struct var *
find_var(const struct var *v, size_t n, const struct var *key)
{
	/* An empty dump has no array at all: bsearch must not see NULL. */
	if (n == 0)
		return (NULL);
	return (bsearch(key, v, n, sizeof *v, var_cmp));
}

/* Append a name to a space-separated list. */
static void
list_add(struct buf *b, const char *name, size_t len)
{
	if (b->len != 0)
		buf_addc(b, ' ');
	buf_add(b, name, len);
}

/*
 * Where base stands in next as whole list elements (between colons or
 * the ends), or NULL.
 */
static const char *
find_elements(const char *next, const char *base)
{
	const char	*p = next;
	size_t		 n = strlen(base);

	while ((p = strstr(p, base)) != NULL) {
		if ((p == next || p[-1] == ':') &&
		    (p[n] == '\0' || p[n] == ':'))
			return (p);
		p++;
	}
	return (NULL);
}

/*
 * A list variable's entries around the base's: the dev shell's, put in
 * front of or after whatever the user's value is (PREPEND, APPEND).
 */
static void
add_around(struct envdiff *d, const char *name, const char *next,
    const char *at, size_t baselen)
{
	char	*part;
	size_t	 end;

	if (at > next) {
		part = xstrndup(next, at - next - 1);
		envdiff_add(d, ENVDIFF_PREPEND, name, part);
		free(part);
	}
	end = at - next + baselen;
	if (next[end] == ':')
		envdiff_add(d, ENVDIFF_APPEND, name, next + end + 1);
}

static void
add_change(struct envdiff *d, const char *name, const char *base,
    const char *next)
{
	const char	*at;
	char		*trim;
	size_t		 len;

	if (base != NULL && strcmp(base, next) == 0)
		return;
	/*
	 * A value that holds the base value as whole elements is the dev
	 * shell's entries around what the caller had (`nix develop` puts
	 * the dev shell's PATH in front; a shellHook's
	 * PATH="$PATH:$PWD/bin" appends): keep only those entries, so that
	 * the user's own value (which is not the base) survives.
	 */
	if (base != NULL && *base != '\0' &&
	    (at = find_elements(next, base)) != NULL) {
		add_around(d, name, next, at, strlen(base));
		return;
	}
	/*
	 * PATH and XDG_DATA_DIRS with no base value: `nix develop` would
	 * still merge them with the user's. Leading and trailing colons are
	 * what the merge with an empty value leaves.
	 */
	if ((base == NULL || *base == '\0') &&
	    IN_LIST(name, pathlike_names, 0)) {
		while (*next == ':')
			next++;
		len = strlen(next);
		while (len > 0 && next[len - 1] == ':')
			len--;
		if (len != 0) {
			trim = xstrndup(next, len);
			envdiff_add(d, ENVDIFF_PREPEND, name, trim);
			free(trim);
		}
		return;
	}
	envdiff_add(d, ENVDIFF_SET, name, next);
}

/* 1 if a dump's name is an exported bash function; its name in *fn. */
static int
function_name(const struct var *v, const char **fn, size_t *fnlen)
{
	size_t	 pl = strlen(FUNC_PREFIX), sl = strlen(FUNC_SUFFIX);

	if (v->namelen <= pl + sl ||
	    strncmp(v->name, FUNC_PREFIX, pl) != 0 ||
	    strncmp(v->name + v->namelen - sl, FUNC_SUFFIX, sl) != 0)
		return (0);
	*fn = v->name + pl;
	*fnlen = v->namelen - pl - sl;
	return (1);
}

/*
 * An exported function, as `declare -f` printed it ("NAME () \n{ ...}"),
 * kept as the environment holds it: "BASH_FUNC_NAME%%=() { ...}", which
 * bash reads back from the environment. -1 if the name is not an
 * identifier or the text is not such a definition.
 */
static int
add_function(struct envdiff *d, const char *key, const char *fn,
    size_t fnlen, const char *def)
{
	static const char	 head[] = " () \n{";
	char			*v;

	if (!envdiff_function_key(key) || strncmp(def, fn, fnlen) != 0 ||
	    strncmp(def + fnlen, head, sizeof head - 1) != 0)
		return (-1);
	v = xasprintf("() {%s", def + fnlen + sizeof head - 1);
	envdiff_add(d, ENVDIFF_SET, key, v);
	free(v);
	return (0);
}

int
envdiff_compute(struct envdiff *d, const char *base, size_t baselen,
    const char *next, size_t nextlen, char **cause)
{
	struct var	*bv = NULL, *nv = NULL;
	struct buf	 enc = BUF_INIT;
	const struct var *f;
	const char	*fn;
	size_t		 bn, nn, i, fnlen;
	char		*name = NULL, *bval;
	int		 rc = -1, changed;

	if (parse_dump(base, baselen, &bv, &bn, cause) != 0)
		goto out;
	if (parse_dump(next, nextlen, &nv, &nn, cause) != 0)
		goto out;
	for (i = 0; i < nn; i++) {
		free(name);
		name = xstrndup(nv[i].name, nv[i].namelen);
		f = find_var(bv, bn, &nv[i]);
		bval = f == NULL ? NULL : (char *)f->value;
		changed = bval == NULL || strcmp(bval, nv[i].value) != 0;
		if (function_name(&nv[i], &fn, &fnlen)) {
			if (changed && add_function(d, name, fn, fnlen,
			    nv[i].value) != 0)
				list_add(&d->functions, fn, fnlen);
			continue;
		}
		if (envdiff_reserved(name)) {
			if (changed)
				list_add(&d->reserved, name, strlen(name));
			continue;
		}
		if (envdiff_excluded(name))
			continue;
		if (!envdiff_valid_name(name)) {
			if (d->skipped.len != 0)
				buf_addc(&d->skipped, ' ');
			buf_adds(&d->skipped, name);
			continue;
		}
		add_change(d, name, bval, nv[i].value);
	}
	for (i = 0; i < bn; i++) {
		free(name);
		name = xstrndup(bv[i].name, bv[i].namelen);
		if (envdiff_excluded(name) || !envdiff_valid_name(name))
			continue;
		if (find_var(nv, nn, &bv[i]) == NULL)
			envdiff_add(d, ENVDIFF_UNSET, name, "");
	}
	/* Never store what the client's decoder would refuse. */
	buf_reset(&enc);
	envdiff_encode(d, &enc);
	if (d->n > ENVDIFF_MAX_ENTRIES || enc.len > ENVDIFF_MAX_SIZE) {
		*cause = xasprintf("the dev shell changes too much: %zu "
		    "variables, %zu bytes (at most %u and %u)", d->n, enc.len,
		    ENVDIFF_MAX_ENTRIES, ENVDIFF_MAX_SIZE);
		goto out;
	}
	rc = 0;
out:
	buf_release(&enc);
	free(name);
	free(bv);
	free(nv);
	return (rc);
}

const char *
envdiff_dump_get(const char *dump, size_t len, const char *name)
{
	const char	*p = dump, *end = dump + len, *nul;
	size_t		 n = strlen(name);

	while (p < end && (nul = memchr(p, '\0', end - p)) != NULL) {
		if ((size_t)(nul - p) > n && strncmp(p, name, n) == 0 &&
		    p[n] == '=')
			return (p + n + 1);
		p = nul + 1;
	}
	return (NULL);
}

/* Take one NUL-terminated field; NULL when the input ends first. */
static const char *
next_field(const char **p, const char *end)
{
	const char	*s = *p, *nul;

	if (s >= end || (nul = memchr(s, '\0', end - s)) == NULL)
		return (NULL);
	*p = nul + 1;
	return (s);
}

const char *
envdiff_encoded_get(const void *data, size_t len, const char *name)
{
	const char	*p = data, *end = p + len, *op, *n, *v;

	while ((op = next_field(&p, end)) != NULL &&
	    (n = next_field(&p, end)) != NULL &&
	    (v = next_field(&p, end)) != NULL) {
		if (op[0] == ENVDIFF_SET && op[1] == '\0' &&
		    strcmp(n, name) == 0)
			return (v);
	}
	return (NULL);
}

void
envdiff_encode(const struct envdiff *d, struct buf *b)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		buf_addc(b, (char)d->entries[i].op);
		buf_addc(b, '\0');
		buf_add(b, d->entries[i].name, strlen(d->entries[i].name) + 1);
		buf_add(b, d->entries[i].value,
		    strlen(d->entries[i].value) + 1);
	}
}

int
envdiff_decode(struct envdiff *d, const void *data, size_t len, char **cause)
{
	const char	*p = data, *end = p + len, *op, *name, *value;

	if (len > ENVDIFF_MAX_SIZE) {
		*cause = xstrdup("snapshot too large");
		return (-1);
	}
	while (p < end) {
		op = next_field(&p, end);
		name = next_field(&p, end);
		value = next_field(&p, end);
		if (op == NULL || name == NULL || value == NULL ||
		    strlen(op) != 1 || !envdiff_valid_key(name) ||
		    (op[0] != ENVDIFF_SET && op[0] != ENVDIFF_UNSET &&
		    op[0] != ENVDIFF_PREPEND && op[0] != ENVDIFF_APPEND) || d->n == ENVDIFF_MAX_ENTRIES) {
			envdiff_release(d);
			*cause = xstrdup("malformed snapshot");
			return (-1);
		}
		envdiff_add(d, (enum envdiff_op)op[0], name, value);
	}
	return (0);
}
