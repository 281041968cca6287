/*
 * Fuzzing the reader of a dev environment's JSON (attrs_parse in
 * daemon/attrs.c). The input is the JSON. Invariants: the answer is -1
 * (with a cause, both files empty), 0 (no cause, both empty) or 1; and
 * when it is 1, the two files, written back as JSON strings (every
 * control byte, quote and backslash escaped, other bytes as they are),
 * read back to exactly the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/buf.h"
#include "hearth/xmalloc.h"
#include "attrs.h"
#include "fuzz.h"

static void
quote(struct buf *out, const struct buf *s)
{
	size_t		 i;
	unsigned char	 c;

	buf_addc(out, '"');
	for (i = 0; i < s->len; i++) {
		c = (unsigned char)s->data[i];
		if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c < 0x20)
			buf_addf(out, "\\u%04x", c);
		else
			buf_addc(out, (char)c);
	}
	buf_addc(out, '"');
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
	struct buf	 sh = BUF_INIT, js = BUF_INIT, back = BUF_INIT;
	struct buf	 sh2 = BUF_INIT, js2 = BUF_INIT;
	char		*p, *cause = NULL;
	int		 rc;

	/* Its own allocation, so ASan sees a read past the end. */
	p = xmalloc(size + 1);
	memcpy(p, data, size);
	rc = attrs_parse(p, size, &sh, &js, &cause);
	fuzz_check(rc >= -1 && rc <= 1);
	fuzz_check((rc == -1) == (cause != NULL));
	if (rc != 1)
		fuzz_check(sh.len == 0 && js.len == 0);
	if (rc == 1) {
		buf_adds(&back, "{\"structuredAttrs\": {\".attrs.sh\": ");
		quote(&back, &sh);
		buf_adds(&back, ", \".attrs.json\": ");
		quote(&back, &js);
		buf_adds(&back, "}}");
		fuzz_check(attrs_parse(back.data, back.len, &sh2, &js2,
		    &cause) == 1);
		fuzz_check(sh2.len == sh.len &&
		    memcmp(sh2.data, sh.data, sh.len) == 0);
		fuzz_check(js2.len == js.len &&
		    memcmp(js2.data, js.data, js.len) == 0);
	}
	free(cause);
	free(p);
	buf_release(&sh);
	buf_release(&js);
	buf_release(&back);
	buf_release(&sh2);
	buf_release(&js2);
	return (0);
}
