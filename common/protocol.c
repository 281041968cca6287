/*
 * Encoding and decoding of protocol frames (see include/hearth/protocol.h).
 * This is the parser every byte from a socket peer goes through, so every
 * read is bounds-checked and no input can make it fail other than cleanly.
 */
#include <string.h>

#include "hearth/protocol.h"
#include "hearth/xmalloc.h"

static const char *state_names[] = {
	[SHELL_NONE] = "none",
	[SHELL_UNTRUSTED] = "untrusted",
	[SHELL_BLOCKED] = "blocked",
	[SHELL_EVALUATING] = "evaluating",
	[SHELL_READY] = "ready",
	[SHELL_FAILED] = "failed",
};

const char *
protocol_state_name(enum shell_state s)
{
	if ((unsigned)s > SHELL_STATE_MAX)
		return ("unknown");
	return (state_names[s]);
}

static void
put_be(unsigned char *p, uint64_t v, int n)
{
	int	 i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = v & 0xff;
		v >>= 8;
	}
}

static uint64_t
get_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return (v);
}

size_t
protocol_begin(struct buf *b, enum msg_type type)
{
	unsigned char	 hdr[PROTOCOL_HEADER_SIZE];
	size_t		 off = b->len;

	put_be(hdr, 0, 4);
	put_be(hdr + 4, PROTOCOL_VERSION, 2);
	put_be(hdr + 6, type, 2);
	buf_add(b, hdr, sizeof hdr);
	return (off);
}

void
protocol_end(struct buf *b, size_t off)
{
	put_be((unsigned char *)b->data + off,
	    b->len - off - PROTOCOL_HEADER_SIZE, 4);
}

void
protocol_put_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

void
protocol_put_u32(struct buf *b, uint32_t v)
{
	unsigned char	 p[4];

	put_be(p, v, 4);
	buf_add(b, p, 4);
}

void
protocol_put_u64(struct buf *b, uint64_t v)
{
	unsigned char	 p[8];

	put_be(p, v, 8);
	buf_add(b, p, 8);
}

void
protocol_put_bytes(struct buf *b, const void *p, size_t n)
{
	protocol_put_u32(b, (uint32_t)n);
	buf_add(b, p, n);
}

void
protocol_put_str(struct buf *b, const char *s)
{
	if (s == NULL)
		s = "";
	protocol_put_bytes(b, s, strlen(s));
}

int
protocol_header(const void *hdr, uint32_t *len, uint16_t *type,
    const char **cause)
{
	const unsigned char	*p = hdr;
	uint16_t		 version;

	*len = get_be(p, 4);
	version = get_be(p + 4, 2);
	*type = get_be(p + 6, 2);
	if (version != PROTOCOL_VERSION) {
		*cause = "protocol version mismatch between hearth and "
		    "hearthd (run: hearth daemon stop)";
		return (-1);
	}
	if (*len > PROTOCOL_MAX_PAYLOAD) {
		*cause = "frame too large";
		return (-1);
	}
	return (0);
}

uint16_t
protocol_header_version(const void *hdr)
{
	return (get_be((const unsigned char *)hdr + 4, 2));
}

void
protocol_reader_init(struct protocol_reader *r, const void *p, size_t len)
{
	r->p = p;
	r->left = len;
	r->error = 0;
}

static const unsigned char *
take(struct protocol_reader *r, size_t n)
{
	const unsigned char	*p;

	if (r->error || r->left < n) {
		r->error = 1;
		return (NULL);
	}
	if (n == 0)
		return ((const unsigned char *)"");
	p = r->p;
	r->p += n;
	r->left -= n;
	return (p);
}

uint8_t
protocol_get_u8(struct protocol_reader *r)
{
	const unsigned char	*p = take(r, 1);

	return (p == NULL ? 0 : p[0]);
}

uint32_t
protocol_get_u32(struct protocol_reader *r)
{
	const unsigned char	*p = take(r, 4);

	return (p == NULL ? 0 : get_be(p, 4));
}

uint64_t
protocol_get_u64(struct protocol_reader *r)
{
	const unsigned char	*p = take(r, 8);

	return (p == NULL ? 0 : get_be(p, 8));
}

const void *
protocol_get_bytes(struct protocol_reader *r, size_t *len)
{
	uint32_t		 n = protocol_get_u32(r);
	const unsigned char	*p;

	*len = 0;
	if ((p = take(r, n)) == NULL)
		return (NULL);
	*len = n;
	return (p);
}

char *
protocol_get_str(struct protocol_reader *r)
{
	const char	*p;
	size_t		 n;

	if ((p = protocol_get_bytes(r, &n)) == NULL)
		return (NULL);
	if (memchr(p, '\0', n) != NULL) {
		r->error = 1;
		return (NULL);
	}
	return (xstrndup(p, n));
}

int
protocol_reader_done(struct protocol_reader *r)
{
	return (r->error || r->left != 0 ? -1 : 0);
}
