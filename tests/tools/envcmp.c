/*
 * envcmp: compare the environment `nix develop --command env -0` gives
 * with the one a hearth shell has, variable by variable, for the
 * conformance tests.
 *
 *   envcmp [-x NAME | -k NAME]... NIXDEV HEARTH OUTSIDE
 *
 * Each file is an `env -0` dump. Every variable of NIXDEV (less the -x
 * and -k names) must be in HEARTH with the same bytes; every variable of
 * HEARTH that NIXDEV lacks must be the shell's own, i.e. also in OUTSIDE
 * (the same shell's environment with nothing applied) with the same value.
 * A -k name is one hearth keeps: whatever nix develop gives it, HEARTH has
 * OUTSIDE's value (or neither has one). Differences are printed one per
 * line; the exit status is 1 if any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct var {
	char	*name;
	char	*value;
};

struct env {
	struct var	*v;
	size_t		 n;
	char		*data;
};

static void
env_load(struct env *e, const char *path)
{
	FILE	*f;
	char	*data = NULL, *p, *end, *eq, *next;
	size_t	 len = 0, cap = 0, r;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(2);
	}
	for (;;) {
		if (len + 65536 > cap) {
			cap = cap ? cap * 2 : 1 << 20;
			if ((data = realloc(data, cap)) == NULL)
				exit(2);
		}
		if ((r = fread(data + len, 1, 65536, f)) == 0)
			break;
		len += r;
	}
	fclose(f);
	e->v = NULL;
	e->n = 0;
	e->data = data;
	for (p = data, end = data + len; p < end; p = next) {
		if (memchr(p, '\0', end - p) == NULL)
			break;
		/* The next record, before the '=' below is cut. */
		next = p + strlen(p) + 1;
		if ((eq = strchr(p, '=')) == NULL)
			continue;
		if ((e->v = realloc(e->v, (e->n + 1) * sizeof *e->v)) == NULL)
			exit(2);
		*eq = '\0';
		e->v[e->n].name = p;
		e->v[e->n].value = eq + 1;
		e->n++;
	}
}

static const char *
env_get(const struct env *e, const char *name)
{
	size_t	 i;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].name, name) == 0)
			return (e->v[i].value);
	}
	return (NULL);
}

/* A value for a one-line report: escaped and cut. */
static void
show(const char *s)
{
	int	 n = 0;

	if (s == NULL) {
		printf("(unset)");
		return;
	}
	putchar('\'');
	for (; *s != '\0' && n < 80; s++, n++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			printf("\\x%02x", (unsigned char)*s);
		else
			putchar(*s);
	}
	printf(*s != '\0' ? "'..." : "'");
}

int
main(int argc, char **argv)
{
	struct env	 nix, hearth, outside;
	const char	*excl[64], *kept[64], *h, *o;
	size_t		 nexcl = 0, nkept = 0, i, j, equal = 0;
	int		 bad = 0, skip;

	while (argc > 2 && nexcl < 64) {
		if (strcmp(argv[1], "-x") == 0)
			excl[nexcl++] = argv[2];
		else if (strcmp(argv[1], "-k") == 0) {
			excl[nexcl++] = argv[2];
			kept[nkept++] = argv[2];
		} else
			break;
		argc -= 2;
		argv += 2;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: envcmp [-x NAME | -k NAME]... NIXDEV "
		    "HEARTH OUTSIDE\n");
		return (2);
	}
	env_load(&nix, argv[1]);
	env_load(&hearth, argv[2]);
	env_load(&outside, argv[3]);
	for (i = 0; i < nix.n; i++) {
		for (j = 0, skip = 0; j < nexcl; j++)
			skip |= strcmp(excl[j], nix.v[i].name) == 0;
		if (skip)
			continue;
		h = env_get(&hearth, nix.v[i].name);
		if (h != NULL && strcmp(h, nix.v[i].value) == 0) {
			equal++;
			continue;
		}
		printf("differs: %s: nix develop ", nix.v[i].name);
		show(nix.v[i].value);
		printf(", hearth ");
		show(h);
		putchar('\n');
		bad = 1;
	}
	for (i = 0; i < hearth.n; i++) {
		for (j = 0, skip = 0; j < nexcl; j++)
			skip |= strcmp(excl[j], hearth.v[i].name) == 0;
		if (skip || env_get(&nix, hearth.v[i].name) != NULL)
			continue;
		o = env_get(&outside, hearth.v[i].name);
		if (o != NULL && strcmp(o, hearth.v[i].value) == 0)
			continue;
		printf("extra: %s: hearth ", hearth.v[i].name);
		show(hearth.v[i].value);
		printf(", not in nix develop\n");
		bad = 1;
	}
	for (i = 0; i < nkept; i++) {
		h = env_get(&hearth, kept[i]);
		o = env_get(&outside, kept[i]);
		if ((h == NULL && o == NULL) ||
		    (h != NULL && o != NULL && strcmp(h, o) == 0))
			continue;
		printf("not kept: %s: hearth ", kept[i]);
		show(h);
		printf(", outside ");
		show(o);
		putchar('\n');
		bad = 1;
	}
	printf("envcmp: %zu variables equal, %zu kept, %zu excluded names\n",
	    equal, nkept, nexcl - nkept);
	/* The dumps live until exit; free them for LeakSanitizer. */
	free(nix.data);
	free(hearth.data);
	free(outside.data);
	free(nix.v);
	free(hearth.v);
	free(outside.v);
	return (bad);
}
