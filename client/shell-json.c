/*
 * json: an output format of `hearth export`, the one direnv's `export
 * json` prints and editors read (Zed, VS Code's direnv extension, Emacs'
 * envrc): one object mapping each name to its new value, or to null to
 * unset it; nothing at all when nothing changes. HEARTH_STATE is in it,
 * so a program that applies the object to its environment and runs the
 * command again there gets the next diff, leaving included.
 *
 * A JSON string is Unicode: a dev shell's value that is not valid UTF-8
 * is left out with a notice (shellname_holds), and `hearth status` lists
 * it. A value from the caller's own environment that is not (restored on
 * leaving) gets U+FFFD for each bad byte, as Go's encoder gives direnv.
 */
#include <string.h>

#include "hearth.h"

void
shell_quote_json(struct buf *b, const char *s)
{
	size_t	 n;

	buf_addc(b, '"');
	for (; *s != '\0'; s += n) {
		if ((n = shell_utf8_char(s)) == 0) {
			buf_adds(b, "\\ufffd");
			n = 1;
			continue;
		}
		/*
		 * U+0085, U+2028 and U+2029 end a line for some readers
		 * (Python's splitlines): escaped, a line stays one line.
		 */
		if ((n == 2 && memcmp(s, "\xc2\x85", 2) == 0) || (n == 3 &&
		    memcmp(s, "\xe2\x80", 2) == 0 &&
		    ((unsigned char)s[2] == 0xa8 ||
		    (unsigned char)s[2] == 0xa9))) {
			buf_addf(b, "\\u%04x", n == 2 ? 0x85 :
			    (unsigned char)s[2] == 0xa8 ? 0x2028 : 0x2029);
			continue;
		}
		switch (*s) {
		case '"':
			buf_adds(b, "\\\"");
			break;
		case '\\':
			buf_adds(b, "\\\\");
			break;
		case '\n':
			buf_adds(b, "\\n");
			break;
		case '\t':
			buf_adds(b, "\\t");
			break;
		default:
			if ((unsigned char)*s < 0x20)
				buf_addf(b, "\\u%04x", (unsigned char)*s);
			else
				buf_add(b, s, n);
			break;
		}
	}
	buf_addc(b, '"');
}

void
shell_json_line(struct buf *b, char op, const char *name, const char *value)
{
	buf_addf(b, "[\"%c\",", op);
	shell_quote_json(b, name);
	buf_addc(b, ',');
	if (value == NULL)
		buf_adds(b, "null");
	else
		shell_quote_json(b, value);
	buf_adds(b, "]\n");
}

/* Each member starts with ",\n"; json_finish makes the first a "{". */
static void
json_set(struct buf *b, const char *name, const char *value)
{
	buf_adds(b, ",\n  ");
	shell_quote_json(b, name);
	buf_adds(b, ": ");
	if (value == NULL)
		buf_adds(b, "null");
	else
		shell_quote_json(b, value);
}

static void
json_finish(struct buf *b)
{
	if (b->len == 0)
		return;
	b->data[0] = '{';
	buf_adds(b, "\n}\n");
}

const struct shell shell_json = {
	.name = "json",
	.set = json_set,
	.quote = shell_quote_json,
	.finish = json_finish,
	.holds = shell_utf8_valid,
	.functions = 1,
};
