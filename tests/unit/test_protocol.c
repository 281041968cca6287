/* Unit tests for common/protocol.c: frames, fields and their checks. */
#include "harness.h"

#include "hearth/protocol.h"

static void
test_roundtrip(void **state)
{
	struct buf		 b = BUF_INIT;
	struct protocol_reader	 r;
	uint32_t		 len;
	uint16_t		 type;
	const char		*cause;
	const void		*bytes;
	size_t			 off, n;
	char			*s;

	(void)state;
	off = protocol_begin(&b, MSG_EXPORT);
	protocol_put_u8(&b, 7);
	protocol_put_u32(&b, 0xdeadbeef);
	protocol_put_u64(&b, 0x0102030405060708ULL);
	protocol_put_str(&b, "/some/dir");
	protocol_put_bytes(&b, "a\0b", 3);
	protocol_put_str(&b, NULL);
	protocol_end(&b, off);

	assert_int_equal(protocol_header(b.data, &len, &type, &cause), 0);
	assert_int_equal(type, MSG_EXPORT);
	assert_int_equal(len, b.len - PROTOCOL_HEADER_SIZE);
	protocol_reader_init(&r, b.data + PROTOCOL_HEADER_SIZE, len);
	assert_int_equal(protocol_get_u8(&r), 7);
	assert_int_equal(protocol_get_u32(&r), 0xdeadbeef);
	assert_true(protocol_get_u64(&r) == 0x0102030405060708ULL);
	s = protocol_get_str(&r);
	assert_string_equal(s, "/some/dir");
	free(s);
	bytes = protocol_get_bytes(&r, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(bytes, "a\0b", 3);
	s = protocol_get_str(&r);
	assert_string_equal(s, "");
	free(s);
	assert_int_equal(protocol_reader_done(&r), 0);
	buf_release(&b);
}

static void
test_big_endian(void **state)
{
	struct buf	 b = BUF_INIT;

	(void)state;
	protocol_put_u32(&b, 0x01020304);
	assert_memory_equal(b.data, "\x01\x02\x03\x04", 4);
	buf_release(&b);
}

static void
test_header_checks(void **state)
{
	unsigned char	 hdr[PROTOCOL_HEADER_SIZE];
	uint32_t	 len;
	uint16_t	 type;
	const char	*cause = NULL;

	(void)state;
	/* Wrong version. */
	memcpy(hdr, "\0\0\0\0\0\x09\0\x01", 8);
	assert_int_equal(protocol_header(hdr, &len, &type, &cause), -1);
	assert_non_null(strstr(cause, "version"));
	assert_int_equal(protocol_header_version(hdr), 9);
	/* Too large. */
	memcpy(hdr, "\xff\xff\xff\xff\0\0\0\x01", 8);
	hdr[5] = PROTOCOL_VERSION;
	assert_int_equal(protocol_header(hdr, &len, &type, &cause), -1);
	assert_non_null(strstr(cause, "too large"));
}

static void
test_short_reads(void **state)
{
	struct protocol_reader	 r;
	const unsigned char	 p[] = { 0, 0, 0, 9, 'a', 'b' };

	(void)state;
	/* A string whose length runs past the payload. */
	protocol_reader_init(&r, p, sizeof p);
	assert_null(protocol_get_str(&r));
	assert_int_equal(protocol_reader_done(&r), -1);
	/* The error is sticky: later reads give zero. */
	assert_int_equal(protocol_get_u32(&r), 0);
	/* A u64 from three bytes. */
	protocol_reader_init(&r, p, 3);
	assert_true(protocol_get_u64(&r) == 0);
	assert_int_equal(protocol_reader_done(&r), -1);
	/* An empty payload with nothing expected is fine. */
	protocol_reader_init(&r, NULL, 0);
	assert_int_equal(protocol_reader_done(&r), 0);
}

static void
test_leftover_and_nul(void **state)
{
	struct protocol_reader	 r;
	const unsigned char	 nul[] = { 0, 0, 0, 3, 'a', 0, 'b' };
	const unsigned char	 extra[] = { 1, 2 };

	(void)state;
	protocol_reader_init(&r, nul, sizeof nul);
	assert_null(protocol_get_str(&r));
	assert_int_equal(protocol_reader_done(&r), -1);
	protocol_reader_init(&r, extra, sizeof extra);
	assert_int_equal(protocol_get_u8(&r), 1);
	assert_int_equal(protocol_reader_done(&r), -1);
}

static void
test_state_names(void **state)
{
	(void)state;
	assert_string_equal(protocol_state_name(SHELL_READY), "ready");
	assert_string_equal(protocol_state_name(SHELL_BLOCKED), "blocked");
	assert_string_equal(protocol_state_name(99), "unknown");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_roundtrip),
	cmocka_unit_test(test_big_endian),
	cmocka_unit_test(test_header_checks),
	cmocka_unit_test(test_short_reads),
	cmocka_unit_test(test_leftover_and_nul),
	cmocka_unit_test(test_state_names),
};

HARNESS_MAIN(tests)
