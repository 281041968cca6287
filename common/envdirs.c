/*
 * What a diff names of one directory (see include/hearth/envdiff.h): the
 * daemon moves the values that name a directory gone after the
 * evaluation to a copy, or leaves them out. Kept apart from the diff's
 * computing and coding, which the client links too.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/xmalloc.h"

/* Where s names the directory dir (see envdiff_names_dir), or NULL. */
static const char *
find_dir(const char *s, const char *dir, size_t n)
{
	const char	*p = s;
	unsigned char	 c;

	/* "/" or "" would be in every path: never a directory to match. */
	if (n < 2)
		return (NULL);
	while ((p = strstr(p, dir)) != NULL) {
		c = (unsigned char)p[n];
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return (p);
		p++;
	}
	return (NULL);
}

/* The length of dir less its trailing slashes. */
static size_t
dir_len(const char *dir)
{
	size_t	 n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return (n);
}

int
envdiff_names_dir(const char *value, const char *dir)
{
	char	*d;
	int	 found;

	d = xstrndup(dir, dir_len(dir));
	found = find_dir(value, d, strlen(d)) != NULL;
	free(d);
	return (found);
}

void
envdiff_move_dir(struct envdiff *d, const char *from, const char *to)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *hit;
	char		*f;
	size_t		 i, n;

	f = xstrndup(from, dir_len(from));
	n = strlen(f);
	for (i = 0; i < d->n; i++) {
		if (d->entries[i].op == ENVDIFF_UNSET ||
		    find_dir(d->entries[i].value, f, n) == NULL)
			continue;
		buf_reset(&b);
		for (p = d->entries[i].value;
		    (hit = find_dir(p, f, n)) != NULL; p = hit + n) {
			buf_add(&b, p, hit - p);
			buf_adds(&b, to);
		}
		buf_adds(&b, p);
		free(d->entries[i].value);
		d->entries[i].value = xstrdup(b.data);
	}
	buf_release(&b);
	free(f);
}

/* Remove entry i, keeping the order of the rest. */
static void
remove_entry(struct envdiff *d, size_t i)
{
	free(d->entries[i].name);
	free(d->entries[i].value);
	memmove(&d->entries[i], &d->entries[i + 1],
	    (d->n - i - 1) * sizeof *d->entries);
	d->n--;
}

void
envdiff_drop_dir(struct envdiff *d, const char *dir, struct buf *names)
{
	struct buf		 b = BUF_INIT;
	struct envdiff_entry	*e;
	const char		*p, *colon;
	char			*f, *elem;
	size_t			 i = 0, n, kept;

	f = xstrndup(dir, dir_len(dir));
	n = strlen(f);
	while (i < d->n) {
		e = &d->entries[i];
		if (e->op == ENVDIFF_UNSET || find_dir(e->value, f, n) == NULL) {
			i++;
			continue;
		}
		if (names->len != 0)
			buf_addc(names, ' ');
		buf_adds(names, e->name);
		if (e->op == ENVDIFF_SET) {
			remove_entry(d, i);
			continue;
		}
		/* A list: keep the elements that do not name it. */
		buf_reset(&b);
		kept = 0;
		for (p = e->value; p != NULL; p = colon ? colon + 1 : NULL) {
			colon = strchr(p, ':');
			elem = colon ? xstrndup(p, colon - p) : xstrdup(p);
			if (find_dir(elem, f, n) == NULL) {
				if (kept++ != 0)
					buf_addc(&b, ':');
				buf_adds(&b, elem);
			}
			free(elem);
		}
		if (kept == 0) {
			remove_entry(d, i);
			continue;
		}
		free(e->value);
		e->value = xstrdup(b.data);
		i++;
	}
	buf_release(&b);
	free(f);
}
