/*
 * The growable buffer behind every string and frame hearth builds; its
 * invariants are written in include/hearth/buf.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/xmalloc.h"

char buf_empty[1];

void
buf_init(struct buf *b)
{
	b->data = buf_empty;
	b->len = 0;
	b->alloc = 0;
}

void
buf_release(struct buf *b)
{
	if (b->alloc != 0)
		free(b->data);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t n)
{
	size_t	 want;

	if (b->len + n + 1 < b->len)
		fatalx("buffer size overflow");
	want = b->len + n + 1;
	if (want <= b->alloc)
		return;
	if (want < 64)
		want = 64;
	if (want < b->alloc * 2)
		want = b->alloc * 2;
	if (b->alloc == 0) {
		b->data = xmalloc(want);
		b->data[0] = '\0';
	} else
		b->data = xrealloc(b->data, want);
	b->alloc = want;
}

void
buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len > b->len)
		fatalx("%s: %zu past end %zu", __func__, len, b->len);
	b->len = len;
	if (b->alloc != 0)
		b->data[len] = '\0';
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatalx("%s: bad format", __func__);
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char	*p;

	if (len != NULL)
		*len = b->len;
	if (b->alloc == 0)
		p = xstrdup("");
	else
		p = b->data;
	buf_init(b);
	return (p);
}
