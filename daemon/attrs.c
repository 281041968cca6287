/*
 * The structured attributes of a dev shell, kept for as long as its
 * snapshot. For a derivation with `__structuredAttrs = true`, Nix 2.19
 * and later point NIX_ATTRS_JSON_FILE and NIX_ATTRS_SH_FILE at .attrs.json
 * and .attrs.sh in a temporary directory that `nix print-dev-env` deletes
 * as it exits, so the variables hearth reads name files that are gone.
 * Their contents are also in the dev environment itself: its store path
 * is a JSON file whose "structuredAttrs" object holds both. hearth writes
 * them again from there, each file atomically, into a directory of its
 * state named after the snapshot's GC root (a profile generation), and
 * removes that directory with the root.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/envdiff.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/path.h"
#include "hearth/safefile.h"
#include "hearth/savefile.h"
#include "hearth/xmalloc.h"
#include "attrs.h"

/* A dev environment's JSON larger than this is refused. */
#define ATTRS_MAX_ENV	(64U * 1024 * 1024)

#define ATTRS_JSON	".attrs.json"
#define ATTRS_SH	".attrs.sh"

static const char *
json_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return (p);
}

static int
json_hex4(const char *p, const char *end, unsigned long *v)
{
	int	 i;

	if (end - p < 4)
		return (-1);
	*v = 0;
	for (i = 0; i < 4; i++) {
		*v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			*v |= p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			*v |= p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			*v |= p[i] - 'A' + 10;
		else
			return (-1);
	}
	return (0);
}

/* A code point as UTF-8; a lone surrogate too, as Nix would keep it. */
static void
json_utf8(struct buf *b, unsigned long c)
{
	if (c < 0x80)
		buf_addc(b, (char)c);
	else if (c < 0x800) {
		buf_addc(b, (char)(0xc0 | c >> 6));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else if (c < 0x10000) {
		buf_addc(b, (char)(0xe0 | c >> 12));
		buf_addc(b, (char)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	} else {
		buf_addc(b, (char)(0xf0 | c >> 18));
		buf_addc(b, (char)(0x80 | (c >> 12 & 0x3f)));
		buf_addc(b, (char)(0x80 | (c >> 6 & 0x3f)));
		buf_addc(b, (char)(0x80 | (c & 0x3f)));
	}
}

/*
 * The string whose opening quote *pp is at, decoded into out unless it is
 * NULL; *pp moves past the closing quote. Other bytes are taken as they
 * are: Nix's get-env.sh escapes only quotes, backslashes, \n, \r and \t.
 */
static int
json_string(const char **pp, const char *end, struct buf *out)
{
	const char	*p = *pp + 1;
	unsigned long	 c, lo;

	while (p < end && *p != '"') {
		if (*p != '\\') {
			if (out != NULL)
				buf_addc(out, *p);
			p++;
			continue;
		}
		if (++p == end)
			return (-1);
		switch (*p) {
		case '"':
		case '\\':
		case '/':
			c = (unsigned char)*p;
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case 'u':
			if (json_hex4(p + 1, end, &c) != 0)
				return (-1);
			p += 4;
			/* A surrogate pair is one code point. */
			if (c >= 0xd800 && c < 0xdc00 && end - p > 2 &&
			    p[1] == '\\' && p[2] == 'u' &&
			    json_hex4(p + 3, end, &lo) == 0 &&
			    lo >= 0xdc00 && lo < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				p += 6;
			}
			if (out != NULL)
				json_utf8(out, c);
			p++;
			continue;
		default:
			return (-1);
		}
		if (out != NULL)
			buf_addc(out, (char)c);
		p++;
	}
	if (p == end)
		return (-1);
	*pp = p + 1;
	return (0);
}

/* Step over the value at *pp, whatever it is. */
static int
json_skip(const char **pp, const char *end)
{
	const char	*p = *pp;
	size_t		 depth = 0;

	do {
		p = json_ws(p, end);
		if (p == end)
			return (-1);
		switch (*p) {
		case '"':
			if (json_string(&p, end, NULL) != 0)
				return (-1);
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			if (depth-- == 0)
				return (-1);
			p++;
			break;
		case ',':
		case ':':
			if (depth == 0)
				return (-1);
			p++;
			break;
		default:
			/* A number, true, false or null. */
			do
				p++;
			while (p < end && memchr(" \t\r\n,:{}[]\"", *p, 12) ==
			    NULL);
			break;
		}
	} while (depth > 0);
	*pp = p;
	return (0);
}

/*
 * The members of the object at *pp, one at a time: *key and *klen the
 * member's name as it is written (escapes not decoded), *pp at its value.
 * Returns 1 for a member, 0 at the end of the object (*pp past it), -1
 * when malformed. *first is 1 before the first member.
 */
static int
json_member(const char **pp, const char *end, int *first, const char **key,
    size_t *klen)
{
	const char	*p = json_ws(*pp, end);

	if (*first) {
		if (p == end || *p++ != '{')
			return (-1);
		p = json_ws(p, end);
		if (p < end && *p == '}') {
			*pp = p + 1;
			return (0);
		}
		*first = 0;
	} else {
		if (p < end && *p == '}') {
			*pp = p + 1;
			return (0);
		}
		if (p == end || *p++ != ',')
			return (-1);
		p = json_ws(p, end);
	}
	if (p == end || *p != '"')
		return (-1);
	*key = p + 1;
	if (json_string(&p, end, NULL) != 0)
		return (-1);
	*klen = p - 1 - *key;
	p = json_ws(p, end);
	if (p == end || *p++ != ':')
		return (-1);
	*pp = json_ws(p, end);
	return (1);
}

static int
json_is(const char *key, size_t klen, const char *name)
{
	return (klen == strlen(name) && memcmp(key, name, klen) == 0);
}

int
attrs_parse(const char *json, size_t len, struct buf *sh, struct buf *js,
    char **cause)
{
	const char	*p = json, *end = json + len, *key;
	size_t		 klen;
	int		 first = 1, inner = 1, rc, have_sh = 0, have_js = 0;
	struct buf	*to;

	buf_reset(sh);
	buf_reset(js);
	while ((rc = json_member(&p, end, &first, &key, &klen)) == 1) {
		if (!json_is(key, klen, "structuredAttrs")) {
			if (json_skip(&p, end) != 0)
				goto bad;
			continue;
		}
		while ((rc = json_member(&p, end, &inner, &key, &klen)) == 1) {
			to = json_is(key, klen, ATTRS_SH) ? sh :
			    json_is(key, klen, ATTRS_JSON) ? js : NULL;
			if (to != NULL && p < end && *p == '"') {
				buf_reset(to);
				if (json_string(&p, end, to) != 0)
					goto bad;
				if (to == sh)
					have_sh = 1;
				else
					have_js = 1;
			} else if (json_skip(&p, end) != 0)
				goto bad;
		}
		if (rc != 0)
			goto bad;
		if (!have_sh || !have_js) {
			*cause = xstrdup("its structuredAttrs lack "
			    ATTRS_SH " or " ATTRS_JSON);
			buf_reset(sh);
			buf_reset(js);
			return (-1);
		}
		return (1);
	}
	if (rc == 0)
		return (0);
bad:
	*cause = xasprintf("malformed JSON near byte %zu", (size_t)(p - json));
	buf_reset(sh);
	buf_reset(js);
	return (-1);
}

char *
attrs_dir(const char *root, const char *gcroot)
{
	const char	*base;

	base = strrchr(gcroot, '/');
	base = base != NULL ? base + 1 : gcroot;
	if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return (NULL);
	return (path_join(root, base));
}

/* Read a whole file of at most max bytes; -1 with *cause. */
static int
attrs_read(const char *path, size_t max, struct buf *out, char **cause)
{
	char	*why = NULL;

	if (safefile_read(path, max, out, &why) == 0)
		return (0);
	*cause = xasprintf("cannot read %s: %s", path, why);
	free(why);
	return (-1);
}

int
attrs_save(const char *dir, const char *envfile, char **cause)
{
	struct buf	 env = BUF_INIT, sh = BUF_INIT, js = BUF_INIT;
	char		*path = NULL, *why = NULL;
	int		 rc = -1;

	if (attrs_read(envfile, ATTRS_MAX_ENV, &env, cause) != 0)
		goto out;
	if ((rc = attrs_parse(env.data, env.len, &sh, &js, &why)) != 1) {
		if (rc == -1)
			*cause = xasprintf("%s: %s", envfile, why);
		goto out;
	}
	rc = -1;
	if (path_mkdirs(dir, 0700) != 0) {
		*cause = xasprintf("cannot create %s: %s", dir,
		    strerror(errno));
		goto out;
	}
	path = path_join(dir, ATTRS_JSON);
	if (savefile_write(path, js.data, js.len, cause) != 0)
		goto out;
	free(path);
	path = path_join(dir, ATTRS_SH);
	if (savefile_write(path, sh.data, sh.len, cause) != 0)
		goto out;
	rc = 1;
out:
	free(path);
	free(why);
	buf_release(&env);
	buf_release(&sh);
	buf_release(&js);
	return (rc);
}

void
attrs_remove(const char *dir)
{
	DIR		*d;
	struct dirent	*de;

	/* The copies, and what a write cut short left beside them. */
	if ((d = opendir(dir)) == NULL) {
		if (errno != ENOENT)
			log_warn("cannot open %s", dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == -1 &&
		    errno != ENOENT)
			log_warn("cannot remove %s/%s", dir, de->d_name);
	}
	closedir(d);
	if (rmdir(dir) == -1 && errno != ENOENT)
		log_warn("cannot remove %s", dir);
}

int
attrs_alive(const char *root, const void *env, size_t len)
{
	static const char *const names[] = {
		"NIX_ATTRS_JSON_FILE", "NIX_ATTRS_SH_FILE",
	};
	const char	*v;
	size_t		 i, n = strlen(root);
	struct stat	 st;

	for (i = 0; i < sizeof names / sizeof *names; i++) {
		v = envdiff_encoded_get(env, len, names[i]);
		if (v != NULL && strncmp(v, root, n) == 0 && v[n] == '/' &&
		    stat(v, &st) == -1)
			return (0);
	}
	return (1);
}
