/*
 * The first error in Nix's output, as one line: what the prompt, `hearth
 * status`, `hearth log` and `hearth check` say when Nix failed. Nix 2.8
 * puts the message after "error:" on one line; 2.2x and later put it on
 * the indented lines after a bare "error:", between "… while" traces and
 * code frames, and 2.3x words a failed build as "Cannot build". Read
 * from recorded output of each (tests/unit/data/nix/).
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/nix.h"
#include "hearth/xmalloc.h"

/* The largest flake.nix compared (to find the flake's copy in the store). */
#define NIX_FLAKE_MAX	(4 * 1024 * 1024)

/*
 * A copy of Nix's output fit to read line by line: NUL-terminated, with
 * colour escapes (Nix colours where FORCE_COLOR says so) and carriage
 * returns removed and other control bytes made spaces.
 */
static void
nix_clean(const char *p, size_t len, struct buf *b)
{
	const char	*end = p + len;

	buf_grow(b, len);
	while (p < end) {
		if (*p == '\033') {
			if (++p < end && *p == '[') {
				for (p++; p < end && (*p < 0x40 || *p > 0x7e);
				    p++)
					;
				if (p < end)
					p++;
			}
			continue;
		}
		if (*p == '\r') {
			p++;
			continue;
		}
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			buf_addc(b, ' ');
		else
			buf_addc(b, *p);
		p++;
	}
}

/* The next line of a cleaned text: its start and length, or NULL. */
static const char *
nix_line(const char **pos, size_t *n)
{
	const char	*p = *pos, *nl;

	if (p == NULL || *p == '\0')
		return (NULL);
	if ((nl = strchr(p, '\n')) != NULL) {
		*n = nl - p;
		*pos = nl + 1;
	} else {
		*n = strlen(p);
		*pos = p + *n;
	}
	return (p);
}

static size_t
nix_indent(const char *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	return (i);
}

static int
nix_starts(const char *p, size_t n, const char *prefix)
{
	size_t	 k = strlen(prefix);

	return (n >= k && memcmp(p, prefix, k) == 0);
}

/* 1 if a line in column 0 continues the message above it. */
static int
nix_continues(const char *p, size_t n)
{
	return (n == nix_indent(p, n) || p[0] == ' ' || p[0] == '\t' ||
	    nix_starts(p, n, "(use '--show-trace'"));
}

/* A code frame line: "  12| text" or "    |   ^". */
static int
nix_frame(const char *t, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		;
	return (i < n && t[i] == '|');
}

/* "last 10 log lines:" (2.8 to 2.2x) or "Last 10 log lines:" (2.3x). */
static int
nix_log_excerpt(const char *t, size_t n)
{
	size_t	 i;

	if (!nix_starts(t, n, "last ") && !nix_starts(t, n, "Last "))
		return (0);
	for (i = 5; i < n && t[i] >= '0' && t[i] <= '9'; i++)
		;
	return (i > 5 && nix_starts(t + i, n - i, " log lines:"));
}

/* Add a piece of the message, spaces collapsed, one space before. */
static void
nix_piece(struct buf *b, const char *t, size_t n)
{
	size_t	 i;
	int	 space = b->len > 0;

	for (i = 0; i < n; i++) {
		if (t[i] == ' ' || t[i] == '\t') {
			space = b->len > 0;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		space = 0;
		buf_addc(b, t[i]);
	}
}

/*
 * The message whose "error:" line is at p, to the end of its block: the
 * pieces that say what and where, joined; *next is the line after it.
 */
static void
nix_message(const char *p, const char **next, struct buf *msg)
{
	const char	*line, *t, *pos = p, *trace = NULL;
	size_t		 n, ind, tn, tracen = 0;
	ssize_t		 skip = -1;
	int		 first = 1;

	buf_reset(msg);
	while ((line = nix_line(&pos, &n)) != NULL) {
		if (!first && !nix_continues(line, n))
			break;
		*next = pos;
		ind = nix_indent(line, n);
		t = line + ind;
		tn = n - ind;
		if (tn == 0)
			continue;
		if (skip >= 0 && (ssize_t)ind > skip)
			continue;
		skip = -1;
		if (first || nix_starts(t, tn, "error:")) {
			/* The top line, or the real message nested below. */
			first = 0;
			nix_piece(msg, t + 6, tn - 6);
			continue;
		}
		if (nix_starts(t, tn, "\xe2\x80\xa6 ")) {
			/* "… while evaluating": a trace item, all of it. */
			if (trace == NULL) {
				trace = t + 4;
				tracen = tn - 4;
			}
			skip = ind;
			continue;
		}
		if (nix_starts(t, tn, "For full logs") ||
		    nix_starts(t, tn, "Output paths:") ||
		    nix_log_excerpt(t, tn)) {
			skip = ind;
			continue;
		}
		if (nix_frame(t, tn) || t[0] == '>' ||
		    nix_starts(t, tn, "(stack trace truncated") ||
		    nix_starts(t, tn, "(use '--show-trace'"))
			continue;
		/* "at FILE:LINE:COL:" over a code frame: where it is. */
		if (nix_starts(t, tn, "at ") && t[tn - 1] == ':')
			tn--;
		nix_piece(msg, t, tn);
	}
	/* A trace and no message: the trace's first item says most. */
	if (msg->len == 0 && trace != NULL)
		nix_piece(msg, trace, tracen);
	/* "failed with exit code 1;" over the log excerpt dropped. */
	while (msg->len > 0 && strchr(";:,", msg->data[msg->len - 1]) != NULL)
		buf_truncate(msg, msg->len - 1);
}

/* 1 if a message only says that something it needed failed before. */
static int
nix_consequence(const char *msg)
{
	return ((strstr(msg, "dependencies of derivation '") != NULL &&
	    strstr(msg, "' failed to build") != NULL) ||
	    (strstr(msg, "Reason: ") != NULL &&
	    (strstr(msg, " dependency failed") != NULL ||
	    strstr(msg, " dependencies failed") != NULL)));
}

/* Cut a one-line result at NIX_ERROR_MAX, between UTF-8 characters. */
static char *
nix_cap(struct buf *b)
{
	size_t	 n = NIX_ERROR_MAX - 4;

	if (b->len > NIX_ERROR_MAX) {
		while (n > 0 && ((unsigned char)b->data[n] & 0xc0) == 0x80)
			n--;
		buf_truncate(b, n);
		buf_adds(b, "\xe2\x80\xa6");
	}
	return (buf_detach(b, NULL));
}

char *
nix_error_message(const char *out, size_t len, int flags)
{
	struct buf	 text = BUF_INIT, msg = BUF_INIT, found = BUF_INIT;
	const char	*pos, *line, *next, *last = NULL;
	size_t		 n, lastn = 0;
	char		*r = NULL;

	nix_clean(out, len, &text);
	pos = text.data;
	while ((line = nix_line(&pos, &n)) != NULL) {
		if (n > nix_indent(line, n)) {
			last = line;
			lastn = n;
		}
		if (!nix_starts(line, n, "error:"))
			continue;
		next = pos;
		nix_message(line, &next, &msg);
		/*
		 * "1 dependencies failed" comes after the failure that says
		 * why: keep looking past it, and keep it only as a last
		 * resort.
		 */
		if (found.len == 0 || (nix_consequence(found.data) &&
		    !nix_consequence(msg.data))) {
			buf_reset(&found);
			buf_adds(&found, "error: ");
			buf_add(&found, msg.data, msg.len);
		}
		if (!nix_consequence(found.data))
			break;
		pos = next;
	}
	if (found.len == 0 && (flags & NIX_ERROR_ELSE_LAST) && last != NULL)
		nix_piece(&found, last, lastn);
	if (found.len != 0)
		r = nix_cap(&found);
	buf_release(&found);
	buf_release(&msg);
	buf_release(&text);
	return (r);
}

void
nix_error_report(const char *out, size_t len, struct buf *b)
{
	struct buf	 text = BUF_INIT;
	const char	*pos, *line;
	size_t		 n;
	int		 in = 0;

	nix_clean(out, len, &text);
	pos = text.data;
	while ((line = nix_line(&pos, &n)) != NULL) {
		if (nix_starts(line, n, "error:") ||
		    nix_starts(line, n, "warning:") ||
		    nix_starts(line, n, "trace:"))
			in = 1;
		else if (!in || !nix_continues(line, n)) {
			in = 0;
			continue;
		}
		buf_add(b, line, n);
		buf_addc(b, '\n');
	}
	buf_release(&text);
}

int
nix_error_lock_outdated(const char *out, size_t len)
{
	char	*msg;
	int	 r;

	if ((msg = nix_error_message(out, len, 0)) == NULL)
		return (0);
	r = strstr(msg, "requires lock file changes") != NULL;
	free(msg);
	return (r);
}

/*
 * What Nix says of a fault outside the flake, which a later run may not
 * meet: a builder killed by a signal (the OOM killer, a reboot), the
 * store or its database busy, locked or failing, the daemon or the
 * network away. Any other error is the flake's, and comes back alike.
 */
static const char *const nix_passing[] = {
	"due to signal",		/* builder ... failed due to signal 9 */
	"killed by signal",
	"is busy",			/* SQLite database '...' is busy */
	"database is locked",
	"Input/output error",
	"No space left on device",
	"cannot connect to socket",	/* the Nix daemon */
	"Connection reset by peer",
	"unable to download",
};

int
nix_error_passing(const char *msg)
{
	size_t	 i;

	for (i = 0; msg != NULL && i < sizeof nix_passing /
	    sizeof *nix_passing; i++) {
		if (strstr(msg, nix_passing[i]) != NULL)
			return (1);
	}
	return (0);
}

int
nix_log_lock_wait(const char *out, size_t len)
{
	static const char *const waits[] = {
		"waiting for lock on ",
		"waiting for the big garbage collector lock",
	};
	size_t	 i;

	for (i = 0; out != NULL && i < sizeof waits / sizeof *waits; i++) {
		if (memmem(out, len, waits[i], strlen(waits[i])) != NULL)
			return (1);
	}
	return (0);
}

/* A character that may continue a store path's name. */
static int
nix_name_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("+-._?=", c) != NULL);
}

/* 1 if p starts a store path whose name is name: /nix/store/HASH-name. */
static int
nix_store_path_at(const char *p, const char *name)
{
	size_t	 i, n = strlen(NIX_STORE_DIR);

	if (strncmp(p, NIX_STORE_DIR, n) != 0)
		return (0);
	for (i = 0; i < NIX_STORE_HASH; i++) {
		if (!((p[n + i] >= '0' && p[n + i] <= '9') ||
		    (p[n + i] >= 'a' && p[n + i] <= 'z')))
			return (0);
	}
	p += n + NIX_STORE_HASH;
	if (*p++ != '-' || strncmp(p, name, strlen(name)) != 0)
		return (0);
	return (!nix_name_char(p[strlen(name)]));
}

int
nix_error_store_path(const char *text, const char *name, struct buf *b)
{
	const char	*p;

	for (p = text; (p = strstr(p, NIX_STORE_DIR)) != NULL; p++) {
		if (nix_store_path_at(p, name)) {
			buf_add(b, p, strlen(NIX_STORE_DIR) + NIX_STORE_HASH +
			    1 + strlen(name));
			return (0);
		}
	}
	return (-1);
}

/* The directory a flake URL names, %XX decoded: file:// or path:. */
static char *
nix_url_dir(const char *url, size_t n)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	unsigned	 c;

	if (n > 15 && strncmp(url, "git+file://", 11) == 0) {
		url += 11;
		n -= 11;
	} else if (n > 5 && strncmp(url, "path:", 5) == 0) {
		url += 5;
		n -= 5;
	} else
		return (NULL);
	for (i = 0; i < n && url[i] != '?' && url[i] != '#'; i++) {
		if (url[i] == '%' && i + 2 < n &&
		    sscanf(url + i + 1, "%2x", &c) == 1) {
			buf_addc(&b, (char)c);
			i += 2;
		} else
			buf_addc(&b, url[i]);
	}
	while (b.len > 1 && b.data[b.len - 1] == '/')
		buf_truncate(&b, b.len - 1);
	return (buf_detach(&b, NULL));
}

int
nix_error_source(const char *log, size_t len, const char *dir, struct buf *b)
{
	static const char	 head[] = "got tree '";
	struct buf		 text = BUF_INIT;
	const char		*pos, *line, *path, *end, *url, *uend;
	size_t			 n, want = strlen(dir);
	char			*got;
	int			 rc = -1;

	while (want > 1 && dir[want - 1] == '/')
		want--;
	nix_clean(log, len, &text);
	pos = text.data;
	while (rc != 0 && (line = nix_line(&pos, &n)) != NULL) {
		if (!nix_starts(line, n, head))
			continue;
		path = line + sizeof head - 1;
		if ((end = memchr(path, '\'', n - (path - line))) == NULL ||
		    !nix_store_path_at(path, "source") ||
		    strncmp(end, "' from '", 8) != 0)
			continue;
		url = end + 8;
		if ((uend = memchr(url, '\'', n - (url - line))) == NULL ||
		    (got = nix_url_dir(url, uend - url)) == NULL)
			continue;
		if (strlen(got) == want && strncmp(got, dir, want) == 0) {
			buf_add(b, path, end - path);
			rc = 0;
		}
		free(got);
	}
	buf_release(&text);
	return (rc);
}

void
nix_error_unstore(const char *text, const char *store, const char *dir,
    struct buf *b)
{
	const char	*p = text, *hit;
	size_t		 n = strlen(store), dn = strlen(dir);

	while (dn > 1 && dir[dn - 1] == '/')
		dn--;
	while ((hit = strstr(p, store)) != NULL) {
		buf_add(b, p, hit - p);
		/* Not another path that only starts the same. */
		if (nix_name_char(hit[n]))
			buf_add(b, hit, n);
		else
			buf_add(b, dir, dn);
		p = hit + n;
	}
	buf_adds(b, p);
}

/* 1 if a path is a regular file of a flake.nix's size: safe to read. */
static int
nix_small_file(const char *path)
{
	struct stat	 st;

	return (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < NIX_FLAKE_MAX);
}

int
nix_error_workspace_source(const char *log, size_t len, const char *root,
    const char *top, struct buf *b)
{
	struct buf	 text = BUF_INIT, store = BUF_INIT;
	const char	*rel = "";
	char		*there, *here, h1[HASH_HEX_SIZE], h2[HASH_HEX_SIZE];
	size_t		 n = strlen(top);
	int		 rc = -1;

	if (nix_error_source(log, len, top, b) == 0)
		return (0);
	if (strncmp(root, top, n) == 0 && root[n] == '/')
		rel = root + n;
	buf_add(&text, log, len);
	if (nix_error_store_path(text.data, "source", &store) == 0) {
		there = xasprintf("%s%s/flake.nix", store.data, rel);
		here = xasprintf("%s/flake.nix", root);
		if (nix_small_file(there) && nix_small_file(here) &&
		    hash_file(there, h1) == 0 && hash_file(here, h2) == 0 &&
		    strcmp(h1, h2) == 0) {
			buf_add(b, store.data, store.len);
			rc = 0;
		}
		free(there);
		free(here);
	}
	buf_release(&store);
	buf_release(&text);
	return (rc);
}

void
nix_error_in_workspace(struct buf *text, const char *log, size_t len,
    const char *root, const char *top)
{
	struct buf	 store = BUF_INIT, out = BUF_INIT;

	if (text->len != 0 && nix_error_workspace_source(log, len, root, top,
	    &store) == 0) {
		nix_error_unstore(text->data, store.data, top, &out);
		buf_release(text);
		*text = out;
	}
	buf_release(&store);
}
