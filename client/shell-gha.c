/*
 * gha: an output format of `hearth export`, for GitHub Actions, as
 * direnv's `export gha`: append it to $GITHUB_ENV and later steps get the
 * dev shell. Each value is written as NAME<<DELIMITER, its lines, then
 * the delimiter alone, the delimiter random so that no value can end it
 * early. $GITHUB_ENV cannot unset a variable: an unset is left out, as
 * direnv leaves it. The runner reads the file as UTF-8, so a value that is
 * not valid UTF-8 is left out (shellname_holds) and `hearth status` lists
 * it. HEARTH_STATE goes in too, so a later step's export sees what is on.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* A delimiter that s does not hold. */
static char *
gha_delimiter(const char *s)
{
	unsigned char	 r[16];
	char		*d;
	size_t		 i;

	for (;;) {
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			fatal("getrandom");
		d = xstrdup("ghadelimiter_0123456789abcdef0123456789abcdef");
		for (i = 0; i < sizeof r; i++) {
			d[13 + 2 * i] = "0123456789abcdef"[r[i] >> 4];
			d[14 + 2 * i] = "0123456789abcdef"[r[i] & 0xf];
		}
		if (strstr(s, d) == NULL)
			return (d);
		free(d);
	}
}

static void
gha_set(struct buf *b, const char *name, const char *value)
{
	char	*d;

	if (value == NULL)
		return;
	d = gha_delimiter(value);
	buf_addf(b, "%s<<%s\n%s\n%s\n", name, d, value, d);
	free(d);
}

/* Only hook placeholders are quoted, and gha has no hook. */
static void
gha_quote(struct buf *b, const char *s)
{
	buf_adds(b, s);
}

const struct shell shell_gha = {
	.name = "gha",
	.set = gha_set,
	.quote = gha_quote,
	.holds = shell_utf8_valid,
};
