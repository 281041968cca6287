/*
 * `hearth doctor`'s report and its check of the shell hook: one line per
 * check, and whether the rc files of $SHELL (from the shell table) run
 * `hearth hook`. It reads the files; it cannot see what the running shell
 * has loaded.
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "doctor.h"
#include "hearth.h"

void
doctor_ok(struct doctor *d, const char *what, const char *fmt, ...)
{
	va_list	 ap;

	d->passed++;
	printf("ok   %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void
doctor_fail(struct doctor *d, const char *what, const char *fix,
    const char *fmt, ...)
{
	va_list	 ap;

	d->failed++;
	printf("FAIL %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("; fix: %s\n", fix);
}

void
doctor_skip(struct doctor *d, const char *what, const char *fmt, ...)
{
	va_list	 ap;

	d->skipped++;
	printf("skip %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Show a path under $HOME as ~/...: shorter, and what users type. */
static const char *
doctor_tilde(const char *path, char *out, size_t n)
{
	const char	*home = getenv("HOME");
	size_t		 len;

	if (home != NULL && (len = strlen(home)) > 1 &&
	    strncmp(path, home, len) == 0 && path[len] == '/') {
		snprintf(out, n, "~%s", path + len);
		return (out);
	}
	return (path);
}

/* 1 if the file has an uncommented line running `hearth hook SHELL`. */
static int
doctor_file_hooks(const char *path, const char *needle)
{
	FILE	*f;
	char	 line[4096];
	char	*p;
	int	 found = 0;

	if ((f = fopen(path, "re")) == NULL)
		return (0);
	while (!found && fgets(line, sizeof line, f) != NULL) {
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p != '#' && strstr(p, needle) != NULL)
			found = 1;
	}
	fclose(f);
	return (found);
}

/* The rc files a shell reads, NULL-terminated, as new strings. */
static char **
doctor_rc_files(const struct shell *sh)
{
	const char *const	*rc;
	char			**v, *path, *base, *ext;
	struct dirent		*de;
	DIR			*dp;
	size_t			 n = 0, len, elen;

	v = xcalloc(64, sizeof *v);
	for (rc = sh->rcfiles; *rc != NULL && n < 63; rc++) {
		path = shell_rcfile_path(*rc);
		base = strrchr(path, '/');
		if (base == NULL || strncmp(base, "/*", 2) != 0) {
			v[n++] = path;
			continue;
		}
		/* A last part "*.ext": every file of the directory ending so. */
		*base = '\0';
		ext = base + 2;
		elen = strlen(ext);
		if ((dp = opendir(path)) != NULL) {
			while ((de = readdir(dp)) != NULL && n < 63) {
				len = strlen(de->d_name);
				if (len > elen && strcmp(de->d_name + len - elen,
				    ext) == 0)
					v[n++] = path_join(path, de->d_name);
			}
			closedir(dp);
		}
		free(path);
	}
	return (v);
}

void
doctor_check_hook(struct doctor *d)
{
	const char		*sh = getenv("SHELL"), *base, *state;
	const struct shell	*shell;
	struct buf		 names = BUF_INIT, pkgs = BUF_INIT;
	char			**files, *needle, *fix, *list = NULL, *tmp;
	char			 t[4096], *cause = NULL;
	const char		*hit = NULL;
	size_t			 i;

	if (sh == NULL || *sh == '\0') {
		doctor_skip(d, "hook", "$SHELL is not set, so there is no "
		    "shell to check");
		return;
	}
	base = (base = strrchr(sh, '/')) != NULL ? base + 1 : sh;
	if ((shell = shell_find(base, &cause)) == NULL) {
		free(cause);
		shell_list(&names, ", ", " or ");
		for (i = 0; (shell = shell_get(i)) != NULL; i++) {
			/* nushell's is an npm package, not Debian's. */
			if (shell->package[0] != '@')
				buf_addf(&pkgs, "%s%s", pkgs.len > 0 ? " " :
				    "", shell->package);
		}
		for (i = 0; (shell = shell_get(i)) != NULL; i++) {
			if (shell->package[0] == '@')
				buf_addf(&pkgs, "; %s: npm install -g %s",
				    shell->name, shell->package);
		}
		fix = xasprintf("use %s (Debian: apt-get install %s), with "
		    "the line `hearth hook SHELL --help` gives", names.data,
		    pkgs.data);
		buf_reset(&names);
		shell_list(&names, ", ", " and ");
		doctor_fail(d, "hook", fix, "$SHELL is %s; hearth has hooks "
		    "for %s", sh, names.data);
		free(fix);
		buf_release(&names);
		buf_release(&pkgs);
		return;
	}
	needle = xasprintf("hearth hook %s", shell->name);
	files = doctor_rc_files(shell);
	for (i = 0; files[i] != NULL && hit == NULL; i++) {
		if (doctor_file_hooks(files[i], needle))
			hit = files[i];
	}
	state = getenv(ENVSTATE_VAR);
	if (hit != NULL)
		doctor_ok(d, "hook", "%s runs `%s` ($SHELL is %s; doctor reads "
		    "rc files and cannot see whether this shell loaded it%s)",
		    doctor_tilde(hit, t, sizeof t), needle, sh,
		    state != NULL && *state != '\0' ? "; HEARTH_STATE is set, "
		    "so a hook applied a dev shell here" : "");
	else {
		for (i = 0; files[i] != NULL; i++) {
			tmp = xasprintf("%s%s%s", list ? list : "",
			    list ? ", " : "", doctor_tilde(files[i], t,
			    sizeof t));
			free(list);
			list = tmp;
		}
		fix = xasprintf("echo '%s' >> %s", shell->install,
		    doctor_tilde(files[0], t, sizeof t));
		doctor_fail(d, "hook", fix, "no `%s` in %s ($SHELL is %s; a "
		    "hook set up some other way is not visible to doctor)",
		    needle, list, sh);
		free(fix);
		free(list);
	}
	for (i = 0; files[i] != NULL; i++)
		free(files[i]);
	free(files);
	free(needle);
}
