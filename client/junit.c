/*
 * A JUnit XML report, the format CI systems read test results from: one
 * testsuite of testcases, each passed, failed (with a message and the
 * full text) or skipped. What goes in comes from Nix's error output, so
 * every string is escaped and made valid XML 1.0: ANSI colour sequences
 * and other control characters are dropped, bytes that are not UTF-8
 * become U+FFFD.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

struct junit_case {
	char		*name;
	uint32_t	 ms;
	int		 result;	/* 0 pass, 1 fail, 2 skip */
	char		*message;
	char		*text;
};

struct junit {
	char			*suite;
	time_t			 started;
	struct junit_case	*c;
	size_t			 n;
};

struct junit *
junit_new(const char *suite)
{
	struct junit	*j;

	j = xcalloc(1, sizeof *j);
	j->suite = xstrdup(suite);
	j->started = time(NULL);
	return (j);
}

void
junit_free(struct junit *j)
{
	size_t	 i;

	if (j == NULL)
		return;
	for (i = 0; i < j->n; i++) {
		free(j->c[i].name);
		free(j->c[i].message);
		free(j->c[i].text);
	}
	free(j->c);
	free(j->suite);
	free(j);
}

static void
junit_add(struct junit *j, const char *name, uint32_t ms, int result,
    const char *message, const char *text)
{
	struct junit_case	*c;

	j->c = xrealloc(j->c, (j->n + 1) * sizeof *j->c);
	c = &j->c[j->n++];
	c->name = xstrdup(name);
	c->ms = ms;
	c->result = result;
	c->message = message != NULL ? xstrdup(message) : NULL;
	c->text = text != NULL ? xstrdup(text) : NULL;
}

void
junit_pass(struct junit *j, const char *name, uint32_t ms)
{
	junit_add(j, name, ms, 0, NULL, NULL);
}

void
junit_fail(struct junit *j, const char *name, uint32_t ms,
    const char *message, const char *text)
{
	junit_add(j, name, ms, 1, message, text);
}

void
junit_skip(struct junit *j, const char *name, const char *message)
{
	junit_add(j, name, 0, 2, message, NULL);
}

/* The length of a valid UTF-8 sequence at p allowed in XML 1.0, or 0. */
static size_t
junit_utf8(const unsigned char *p, size_t left)
{
	uint32_t	 cp;
	size_t		 n, i;

	if (p[0] < 0x80)
		return (1);
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return (0);
	if (left < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates, past U+10FFFF, U+FFFE and U+FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    cp == 0xfffe || cp == 0xffff)
		return (0);
	return (n);
}

void
junit_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s, *end = p + len;
	size_t			 n;

	while (p < end) {
		if (*p == 0x1b) {
			/* ESC [ params letter: a terminal colour. */
			p++;
			if (p < end && *p == '[') {
				p++;
				while (p < end && !(*p >= 0x40 && *p <= 0x7e))
					p++;
				if (p < end)
					p++;
			}
			continue;
		}
		switch (*p) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&apos;");
			break;
		case '\t':
		case '\n':
			buf_addc(b, *p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				break;
			if ((n = junit_utf8(p, end - p)) == 0) {
				buf_adds(b, "\xef\xbf\xbd");
				break;
			}
			buf_add(b, p, n);
			p += n;
			continue;
		}
		p++;
	}
}

static void
junit_escs(struct buf *b, const char *s)
{
	junit_escape(b, s, strlen(s));
}

void
junit_encode(const struct junit *j, struct buf *b)
{
	const struct junit_case	*c;
	struct tm		 tm;
	char			 stamp[32];
	uint64_t		 ms = 0;
	size_t			 i, failures = 0, skipped = 0;

	for (i = 0; i < j->n; i++) {
		ms += j->c[i].ms;
		failures += j->c[i].result == 1;
		skipped += j->c[i].result == 2;
	}
	gmtime_r(&j->started, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	buf_addf(b, "<testsuites tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"%zu\" time=\"%.3f\">\n", j->n, failures, skipped,
	    ms / 1000.0);
	buf_adds(b, "  <testsuite name=\"");
	junit_escs(b, j->suite);
	buf_addf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
	    "skipped=\"%zu\" time=\"%.3f\" timestamp=\"%s\">\n", j->n,
	    failures, skipped, ms / 1000.0, stamp);
	for (i = 0; i < j->n; i++) {
		c = &j->c[i];
		buf_adds(b, "    <testcase classname=\"hearth.check\" name=\"");
		junit_escs(b, c->name);
		buf_addf(b, "\" time=\"%.3f\"", c->ms / 1000.0);
		if (c->result == 0) {
			buf_adds(b, "/>\n");
			continue;
		}
		buf_adds(b, ">\n");
		if (c->result == 2) {
			buf_adds(b, "      <skipped message=\"");
			junit_escs(b, c->message != NULL ? c->message : "");
			buf_adds(b, "\"/>\n");
		} else {
			buf_adds(b, "      <failure type=\"failure\" message=\"");
			junit_escs(b, c->message != NULL ? c->message : "");
			buf_adds(b, "\">");
			if (c->text != NULL)
				junit_escs(b, c->text);
			buf_adds(b, "</failure>\n");
		}
		buf_adds(b, "    </testcase>\n");
	}
	buf_adds(b, "  </testsuite>\n</testsuites>\n");
}
