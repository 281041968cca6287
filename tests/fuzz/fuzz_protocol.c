/*
 * Fuzzing the wire protocol's parser (common/protocol.c) the way hearthd
 * reads a socket: the input is a byte stream, cut into frames by
 * protocol_header() as server.c does, and each payload is read field by
 * field in the layout protocol.h gives its message type (requests and
 * replies alike); any other type reads a layout spelt by its own bits.
 * Every payload sits in an allocation of exactly its size, so a read one
 * byte too far is an ASan report. Each field is checked against an
 * independent reading of the raw bytes, the reader's cursor must always
 * match what it has consumed, an error must be sticky, and a payload read
 * cleanly must re-encode, through protocol_begin/put/end, to exactly the
 * frame it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/protocol.h"
#include "fuzz.h"

/*
 * Field codes: b u8, w u32, q u64, s str, y bytes; '*' reads a u32 count
 * and repeats the rest that many times; '?' reads a u8 and reads the rest
 * only when it is not zero.
 */
static const struct {
	uint16_t	 type;
	const char	*layout;
} layouts[] = {
	{ MSG_PING, "" },
	{ MSG_EXPORT, "sq" },
	{ MSG_STATUS, "s" },
	{ MSG_WAIT, "s" },
	{ MSG_ALLOW, "s" },
	{ MSG_DENY, "s" },
	{ MSG_STOP, "" },
	{ MSG_LIST, "" },
	{ MSG_RELOAD, "s" },
	{ MSG_LOG, "s" },
	{ MSG_STATS, "" },
	{ MSG_GC, "w" },
	{ MSG_OK, "s" },
	{ MSG_ERROR, "s" },
	{ MSG_PONG, "ws" },
	{ MSG_SHELL, "bssssqqqws?yy" },
	{ MSG_LIST_REPLY, "*ssbqqws" },
	{ MSG_STATS_REPLY, "*swwwww" },
};

/* One payload being read, and its re-encoding. */
struct frame {
	struct protocol_reader	 r;
	const unsigned char	*base;
	size_t			 len;
	struct buf		 out;
};

static uint64_t
be(const unsigned char *p, size_t n)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return (v);
}

/* The reader's cursor is where its consumed length says. */
static void
check_cursor(const struct frame *f)
{
	fuzz_check(f->r.left <= f->len);
	fuzz_check(f->r.p == f->base + (f->len - f->r.left));
}

/* Read one integer field of n bytes; returns its value. */
static uint64_t
read_int(struct frame *f, size_t n)
{
	size_t		 left = f->r.left;
	int		 error = f->r.error;
	uint64_t	 v, want = 0;

	if (!error && left >= n)
		want = be(f->r.p, n);
	if (n == 1)
		v = protocol_get_u8(&f->r);
	else if (n == 4)
		v = protocol_get_u32(&f->r);
	else
		v = protocol_get_u64(&f->r);
	check_cursor(f);
	if (error || left < n) {
		fuzz_check(f->r.error && v == 0);
		fuzz_check(!error || f->r.left == left);
		return (0);
	}
	fuzz_check(!f->r.error && v == want && f->r.left == left - n);
	if (n == 1) {
		protocol_put_u8(&f->out, (uint8_t)v);
		/* Any byte may be a state: naming it stays in bounds. */
		fuzz_check(protocol_state_name((enum shell_state)v) != NULL);
	} else if (n == 4)
		protocol_put_u32(&f->out, (uint32_t)v);
	else
		protocol_put_u64(&f->out, v);
	return (v);
}

/* Read a byte string (str: a text string) and check it against the raw. */
static void
read_string(struct frame *f, int str)
{
	const unsigned char	*at = f->r.p, *p;
	size_t			 left = f->r.left, n = 0, got;
	int			 error = f->r.error, ok;
	char			*s = NULL;

	if (!error && left >= 4)
		n = be(at, 4);
	ok = !error && left >= 4 && left - 4 >= n;
	if (ok && str && memchr(at + 4, '\0', n) != NULL)
		ok = 0;
	if (str) {
		s = protocol_get_str(&f->r);
		p = (const unsigned char *)s;
		got = s != NULL ? strlen(s) : 0;
	} else
		p = protocol_get_bytes(&f->r, &got);
	check_cursor(f);
	if (!ok) {
		fuzz_check(p == NULL && f->r.error);
		fuzz_check(!error || f->r.left == left);
		free(s);
		return;
	}
	fuzz_check(p != NULL && !f->r.error && got == n);
	fuzz_check(f->r.left == left - 4 - n);
	if (!str && got != 0) {
		/* Bytes point into the payload, within it. */
		fuzz_check(p == at + 4 && p + got <= f->base + f->len);
	}
	fuzz_check(memcmp(p, at + 4, n) == 0);
	if (str)
		protocol_put_str(&f->out, s);
	else
		protocol_put_bytes(&f->out, p, got);
	free(s);
}

/* Read the fields of layout from its start; stops at the first error. */
static void
read_layout(struct frame *f, const char *layout)
{
	uint64_t	 n, i;
	const char	*c;

	for (c = layout; *c != '\0' && !f->r.error; c++) {
		switch (*c) {
		case 'b':
			read_int(f, 1);
			break;
		case 'w':
			read_int(f, 4);
			break;
		case 'q':
			read_int(f, 8);
			break;
		case 's':
			read_string(f, 1);
			break;
		case 'y':
			read_string(f, 0);
			break;
		case '*':
			n = read_int(f, 4);
			for (i = 0; i < n && !f->r.error; i++)
				read_layout(f, c + 1);
			return;
		case '?':
			if (read_int(f, 1) == 0)
				return;
			break;
		}
	}
}

/* Read one frame's payload in the layout of its type. */
static void
read_frame(const unsigned char *hdr, uint16_t type, const void *payload,
    size_t len)
{
	static const char	 kinds[] = "bwqsybsy";
	struct frame		 f;
	char			 spelt[8];
	const char		*layout = NULL;
	size_t			 i, off;

	for (i = 0; i < sizeof layouts / sizeof *layouts; i++) {
		if (layouts[i].type == type)
			layout = layouts[i].layout;
	}
	if (layout == NULL) {
		/* Five fields, three bits of the type each. */
		for (i = 0; i < 5; i++)
			spelt[i] = kinds[(type >> (3 * i)) & 7];
		spelt[5] = '\0';
		layout = spelt;
	}

	protocol_reader_init(&f.r, payload, len);
	f.base = payload;
	f.len = len;
	buf_init(&f.out);
	off = protocol_begin(&f.out, (enum msg_type)type);
	check_cursor(&f);
	read_layout(&f, layout);

	if (protocol_reader_done(&f.r) == 0) {
		fuzz_check(!f.r.error && f.r.left == 0);
		protocol_end(&f.out, off);
		fuzz_check(f.out.len == PROTOCOL_HEADER_SIZE + len);
		fuzz_check(memcmp(f.out.data, hdr, PROTOCOL_HEADER_SIZE) == 0);
		fuzz_check(memcmp(f.out.data + PROTOCOL_HEADER_SIZE, payload,
		    len) == 0);
	} else
		fuzz_check(f.r.error || f.r.left != 0);
	buf_release(&f.out);
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
	unsigned char	*hdr, *payload;
	const char	*cause;
	uint32_t	 len;
	uint16_t	 type;
	size_t		 used = 0;
	int		 rc, want;

	while (size - used >= PROTOCOL_HEADER_SIZE) {
		/* The header in its own 8 bytes: no peeking past them. */
		hdr = malloc(PROTOCOL_HEADER_SIZE);
		fuzz_check(hdr != NULL);
		memcpy(hdr, data + used, PROTOCOL_HEADER_SIZE);
		cause = NULL;
		rc = protocol_header(hdr, &len, &type, &cause);
		want = be(hdr + 4, 2) == PROTOCOL_VERSION &&
		    be(hdr, 4) <= PROTOCOL_MAX_PAYLOAD ? 0 : -1;
		fuzz_check(rc == want);
		if (rc != 0) {
			fuzz_check(cause != NULL && *cause != '\0');
			free(hdr);
			break;
		}
		fuzz_check(len == be(hdr, 4) && type == be(hdr + 6, 2));
		if (size - used - PROTOCOL_HEADER_SIZE < len) {
			free(hdr);
			break;
		}
		payload = malloc(len);
		fuzz_check(payload != NULL || len == 0);
		if (len != 0)
			memcpy(payload, data + used + PROTOCOL_HEADER_SIZE, len);
		read_frame(hdr, type, payload, len);
		free(payload);
		free(hdr);
		used += PROTOCOL_HEADER_SIZE + len;
	}
	return (0);
}
