/*
 * The one module that knows Nix's command line and what Nix prints, for
 * both programs: hearthd's jobs (print-dev-env, the devShell listing,
 * rooting the inputs) and the client's own runs (`hearth check`, doctor,
 * the flakes probe) are built here, so the two never disagree on flags.
 *
 * Nix's error layout changed across versions. Nix 2.8 prints
 * "error: MESSAGE" and a code frame; Nix 2.2x and 2.3x print a bare
 * "error:" followed by an indented "… while …" trace with code frames
 * and then the real message as an indented "error: MESSAGE". A message
 * is the "error:" line in column 0 and every indented or blank line
 * after it; within it, trace items (and everything indented below them),
 * code frames, build log excerpts and hints are dropped, and what is
 * left is joined into one line. Everything here was checked against the
 * logs tests/unit/data/nix/record.sh records from each Nix version.
 */
#include <sys/types.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/nix.h"
#include "hearth/xmalloc.h"

/* The most store paths one archive may name, and the longest one. */
#define NIX_GCROOTS_MAX		4096
#define NIX_PATH_MAX		4096
/* The longest devShell name: it names a directory (NAME_MAX). */
#define NIX_NAME_MAX		255

struct nix_argv {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

static void
nix_argv_add(struct nix_argv *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap == 0 ? 16 : a->cap * 2;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

/* Append the NULL-terminated list of arguments. */
static void
nix_argv_addl(struct nix_argv *a, ...)
{
	va_list		 ap;
	const char	*s;

	va_start(ap, a);
	while ((s = va_arg(ap, const char *)) != NULL)
		nix_argv_add(a, s);
	va_end(ap);
}

/* The program, with flakes enabled for this run only. */
static struct nix_argv *
nix_argv_new(const char *nix)
{
	struct nix_argv	*a;

	a = xcalloc(1, sizeof *a);
	nix_argv_addl(a, nix, "--extra-experimental-features",
	    "nix-command flakes", NULL);
	return (a);
}

/*
 * The fragment naming devShell NAME, or NULL with *cause. Nix reads the
 * fragment as an attribute path (a dot separates attributes) after
 * percent-decoding it, and 2.8 refuses a reference whose fragment has a
 * byte outside a URL's query characters. So a name of letters, digits,
 * '_', '-' and '\'' goes as it is (Nix then tries devShells.SYSTEM.NAME,
 * packages.SYSTEM.NAME, ...); any other is put in double quotes, every
 * byte but a URL's unreserved and sub-delimiter characters as %XX. Inside
 * the quotes Nix 2.8, 2.26 and 2.34 take every byte literally up to the
 * next '"', with no escape for '"' itself: a name holding '"' cannot be
 * named, nor one that is empty (the flake's default) or holds a control
 * byte.
 */
static char *
nix_argv_fragment(const char *name, char **cause)
{
	static const char	 plain[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'";
	static const char	 safe[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'.~!$&()*+,;=:@";
	struct buf		 b = BUF_INIT;
	const unsigned char	*p;

	if (*name == '\0' || strlen(name) > NIX_NAME_MAX) {
		*cause = xstrdup("a devShell name must be 1 to 255 bytes");
		return (NULL);
	}
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			*cause = xstrdup("a devShell name with a control "
			    "character cannot be given to nix");
			return (NULL);
		}
	}
	if (strchr(name, '"') != NULL) {
		*cause = xasprintf("devShell name '%s' holds a '\"', which "
		    "nix's attribute paths cannot quote", name);
		return (NULL);
	}
	if (strspn(name, plain) == strlen(name))
		return (xstrdup(name));
	buf_addc(&b, '"');
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (strchr(safe, *p) != NULL)
			buf_addc(&b, (char)*p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	buf_addc(&b, '"');
	return (buf_detach(&b, NULL));
}

struct nix_argv *
nix_argv_print_dev_env(const char *nix, const char *root, const char *shell,
    const char *profile, int flags, char **cause)
{
	struct nix_argv	*a;
	char		*ref, *frag;

	if ((frag = nix_argv_fragment(shell, cause)) == NULL)
		return (NULL);
	a = nix_argv_new(nix);
	nix_argv_add(a, "print-dev-env");
	/*
	 * -vvv names the files the evaluation reads; the eval cache would
	 * skip the evaluation, and with it the names.
	 */
	if (flags & NIX_TRACE)
		nix_argv_addl(a, "-vvv", "--option", "eval-cache", "false",
		    NULL);
	nix_argv_add(a, "--no-write-lock-file");
	if (profile != NULL)
		nix_argv_addl(a, "--profile", profile, NULL);
	ref = xasprintf("%s#%s", root, frag);
	nix_argv_add(a, ref);
	free(ref);
	free(frag);
	return (a);
}

struct nix_argv *
nix_argv_list(const char *nix, const char *root, const char *system)
{
	struct nix_argv	*a = nix_argv_new(nix);
	char		*ref;

	ref = xasprintf("%s#devShells.%s", root, system);
	nix_argv_addl(a, "eval", "--json", "--no-write-lock-file", ref,
	    "--apply", "builtins.attrNames", NULL);
	free(ref);
	return (a);
}

struct nix_argv *
nix_argv_archive(const char *nix, const char *root)
{
	struct nix_argv	*a = nix_argv_new(nix);

	nix_argv_addl(a, "flake", "archive", "--json", "--no-write-lock-file",
	    root, NULL);
	return (a);
}

/*
 * The archive's JSON is {"path":"/nix/store/…","inputs":{"NAME":{"path":
 * …,"inputs":{…}},…}}: every string value of a "path" key is a store
 * path to root. Anything escaped is no store path hearth roots.
 */
struct nix_argv *
nix_argv_gcroots(const char *nix, const char *profile, const char *json,
    size_t len)
{
	static const char	 key[] = "\"path\"";
	struct nix_argv		*a;
	const char		*p = json, *end = json + len, *s, *q;
	size_t			 found = 0;
	char			*path;

	a = nix_argv_new(nix);
	nix_argv_addl(a, "build", "--out-link", profile, NULL);
	while (found < NIX_GCROOTS_MAX && (q = memmem(p, end - p, key,
	    sizeof key - 1)) != NULL) {
		p = q + sizeof key - 1;
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
			p++;
		if (p == end || *p++ != ':')
			continue;
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\t'))
			p++;
		if (p == end || *p != '"' || ++p == end || *p != '/')
			continue;
		for (s = p; p < end && *p != '"' && *p != '\\' &&
		    (unsigned char)*p >= 0x20; p++)
			;
		if (p == end || *p != '"' || (size_t)(p - s) > NIX_PATH_MAX)
			continue;
		path = xstrndup(s, p - s);
		nix_argv_add(a, path);
		free(path);
		found++;
	}
	if (found == 0) {
		nix_argv_free(a);
		return (NULL);
	}
	return (a);
}

struct nix_argv *
nix_argv_lock_check(const char *nix, const char *root)
{
	struct nix_argv	*a = nix_argv_new(nix);

	nix_argv_addl(a, "flake", "lock", "--no-update-lock-file", root, NULL);
	return (a);
}

struct nix_argv *
nix_argv_system(const char *nix)
{
	struct nix_argv	*a = nix_argv_new(nix);

	nix_argv_addl(a, "eval", "--impure", "--raw", "--expr",
	    "builtins.currentSystem", NULL);
	return (a);
}

/* A Nix older than 2.4 fails on the flag; one without flakes prints false. */
struct nix_argv *
nix_argv_flakes_probe(const char *nix)
{
	struct nix_argv	*a = nix_argv_new(nix);

	nix_argv_addl(a, "eval", "--expr", "builtins ? getFlake", NULL);
	return (a);
}

struct nix_argv *
nix_argv_version(const char *nix)
{
	struct nix_argv	*a;

	a = xcalloc(1, sizeof *a);
	nix_argv_addl(a, nix, "--version", NULL);
	return (a);
}

char **
nix_argv_vector(const struct nix_argv *a)
{
	return (a->v);
}

char *
nix_argv_text(const struct nix_argv *a)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < a->n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		if (a->v[i][0] == '\0' || strpbrk(a->v[i], " \t\n'\"") != NULL)
			buf_addf(&b, "'%s'", a->v[i]);
		else
			buf_adds(&b, a->v[i]);
	}
	return (buf_detach(&b, NULL));
}

void
nix_argv_free(struct nix_argv *a)
{
	size_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	free(a);
}

static const char *
nix_json_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' ||
	    *p == '\r'))
		p++;
	return (p);
}

/* One JSON string at p (after its quote) into b; past it, or NULL. */
static const char *
nix_json_name(const char *p, const char *end, struct buf *b)
{
	unsigned	 u;
	char		 hex[5];

	buf_reset(b);
	for (;;) {
		if (p == end || (unsigned char)*p < 0x20 || *p == 0x7f)
			return (NULL);
		if (*p == '"')
			return (p + 1);
		if (*p != '\\') {
			buf_addc(b, *p++);
			continue;
		}
		if (++p == end)
			return (NULL);
		switch (*p) {
		case '"':
		case '\\':
		case '/':
			buf_addc(b, *p++);
			break;
		case 'u':
			/* Printable ASCII only: others name no directory. */
			if (end - p < 5)
				return (NULL);
			memcpy(hex, p + 1, 4);
			hex[4] = '\0';
			if (strspn(hex, "0123456789abcdefABCDEF") != 4)
				return (NULL);
			u = (unsigned)strtoul(hex, NULL, 16);
			if (u < 0x20 || u > 0x7e)
				return (NULL);
			buf_addc(b, (char)u);
			p += 5;
			break;
		default:
			return (NULL);
		}
	}
}

char **
nix_names_parse(const char *json, size_t len, char **cause)
{
	const char	*p = json, *end = json + len;
	struct buf	 name = BUF_INIT;
	char		**names, *s;
	size_t		 n = 0;

	names = xcalloc(1, sizeof *names);
	p = nix_json_space(p, end);
	if (p == end || *p++ != '[')
		goto bad;
	p = nix_json_space(p, end);
	if (p < end && *p == ']') {
		p++;
		goto done;
	}
	for (;;) {
		p = nix_json_space(p, end);
		if (p == end || *p++ != '"' ||
		    (p = nix_json_name(p, end, &name)) == NULL)
			goto bad;
		/* "ROOT#" with no name would be the flake's default. */
		if (name.len == 0 || name.len > NIX_NAME_MAX ||
		    n == NIX_NAMES_MAX)
			goto bad;
		names = xrealloc(names, (n + 2) * sizeof *names);
		names[n++] = buf_detach(&name, NULL);
		names[n] = NULL;
		p = nix_json_space(p, end);
		if (p == end)
			goto bad;
		if (*p == ']') {
			p++;
			break;
		}
		if (*p++ != ',')
			goto bad;
	}
done:
	if (nix_json_space(p, end) != end)
		goto bad;
	buf_release(&name);
	return (names);
bad:
	buf_release(&name);
	nix_names_free(names);
	*cause = xasprintf("not a list of devShell names: %.*s",
	    (int)(len > 80 ? 80 : len), json);
	for (s = *cause; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20)
			*s = ' ';
	}
	return (NULL);
}

void
nix_names_free(char **names)
{
	size_t	 i;

	if (names == NULL)
		return;
	for (i = 0; names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

int
nix_names_absent(const char *out, size_t len, const char *system)
{
	char	*msg, *attr;
	int	 r;

	if ((msg = nix_error_message(out, len, 0)) == NULL)
		return (0);
	attr = xasprintf("'devShells.%s'", system);
	r = strstr(msg, "does not provide attribute") != NULL &&
	    strstr(msg, attr) != NULL;
	free(attr);
	free(msg);
	return (r);
}

int
nix_flakes_judge(int exit_ok, const char *out, size_t outlen,
    const char *err, size_t errlen, char **why)
{
	*why = NULL;
	if (exit_ok && outlen >= 4 && strncmp(out, "true", 4) == 0)
		return (1);
	if (exit_ok) {
		*why = xstrdup("it has no flakes");
		return (0);
	}
	if ((*why = nix_error_message(err, errlen, NIX_ERROR_ELSE_LAST)) ==
	    NULL)
		*why = xstrdup("it failed and said nothing");
	return (0);
}

/* A decimal number of at most five digits at *p; -1 if none. */
static int
nix_version_number(const char **p, const char *end, unsigned *v)
{
	int	 digits = 0;

	*v = 0;
	for (; *p < end && **p >= '0' && **p <= '9'; (*p)++) {
		if (++digits > 5)
			return (-1);
		*v = *v * 10 + (unsigned)(**p - '0');
	}
	return (digits > 0 ? 0 : -1);
}

int
nix_version_parse(struct nix_version *v, const char *out, size_t len)
{
	const char	*p = out, *end, *close, *impl;
	size_t		 in;

	if ((end = memchr(out, '\n', len)) == NULL)
		end = out + len;
	if (end - p < 5 || memcmp(p, "nix (", 5) != 0)
		return (-1);
	impl = p + 5;
	if ((close = memchr(impl, ')', end - impl)) == NULL ||
	    close + 1 == end || close[1] != ' ')
		return (-1);
	in = close - impl;
	if (in == 3 && memcmp(impl, "Nix", 3) == 0)
		v->impl = NIX_IMPL_NIX;
	else if (in >= 3 && memcmp(impl, "Lix", 3) == 0)
		v->impl = NIX_IMPL_LIX;
	else if (in >= 15 && memcmp(impl, "Determinate Nix", 15) == 0)
		v->impl = NIX_IMPL_DETERMINATE;
	else
		v->impl = NIX_IMPL_OTHER;
	/* "2.26.3", "2.8", "2.35.0pre20250101_abc": what follows is a tag. */
	p = close + 2;
	if (nix_version_number(&p, end, &v->major) != 0 || p == end ||
	    *p++ != '.' || nix_version_number(&p, end, &v->minor) != 0)
		return (-1);
	v->patch = 0;
	if (p < end && *p == '.') {
		p++;
		(void)nix_version_number(&p, end, &v->patch);
	}
	return (0);
}

enum nix_dialect
nix_dialect(const struct nix_version *v)
{
	if (v == NULL)
		return (NIX_DIALECT_UNTESTED);
	switch (v->impl) {
	case NIX_IMPL_LIX:
		return (NIX_DIALECT_LIX);
	case NIX_IMPL_NIX:
		break;
	default:
		/* Determinate's lazy trees copy sources to other paths. */
		return (NIX_DIALECT_UNTESTED);
	}
	if (v->major < 2 || (v->major == 2 && v->minor < 20))
		return (NIX_DIALECT_ACCESS);
	if (v->major == 2 && v->minor < 32)
		return (NIX_DIALECT_EAGER);
	if (v->major == 2 && v->minor < 35)
		return (NIX_DIALECT_LAZY);
	return (NIX_DIALECT_UNTESTED);
}

const char *
nix_dialect_name(enum nix_dialect d)
{
	switch (d) {
	case NIX_DIALECT_ACCESS:
		return ("Nix before 2.20: 'checking access to' each file read");
	case NIX_DIALECT_EAGER:
		return ("Nix 2.20 to 2.31: 'evaluating file', eagerly");
	case NIX_DIALECT_LAZY:
		return ("Nix 2.32 to 2.34: 'evaluating file', when forced");
	case NIX_DIALECT_LIX:
		return ("Lix: log levels of its own");
	case NIX_DIALECT_UNTESTED:
		break;
	}
	return ("Nix 2.35 or later, Determinate Nix, or not known");
}

int
nix_dialect_known(enum nix_dialect d)
{
	return (d == NIX_DIALECT_ACCESS || d == NIX_DIALECT_EAGER ||
	    d == NIX_DIALECT_LAZY);
}

/*
 * The wording `hearth doctor` shows; input tracking (daemon/inputs.c and
 * its tracer) decides what is actually watched.
 */
const char *
nix_dialect_tracking(enum nix_dialect d)
{
	if (nix_dialect_known(d))
		return ("inputs are followed by tracing Nix's file accesses "
		    "(hearth-nixtrace.so): exactly the files an evaluation "
		    "read");
	return ("hearth assumes the worst: every file git tracks is an "
	    "input, so the input set is an over-approximation");
}
