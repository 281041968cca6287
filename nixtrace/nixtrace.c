/*
 * hearth-nixtrace.so: preloaded into the `nix print-dev-env` that hearthd
 * runs, it reports every file the nix process opens for reading, lists,
 * stats or looks for under the prefixes it is given, so that hearthd knows
 * exactly which files an evaluation read. Nix's own log cannot say this:
 * readFile and pathExists were never logged, 2.20 dropped "checking access
 * to", 2.32 logs imports lazily (see common/nixlog.c).
 *
 * Each access is one line written with one write(2) to fd 2, Nix's log,
 * so that it falls in order among Nix's log lines (which common/nixlog.c
 * needs to tell fetching from evaluating):
 *
 *	\036hearth-nixtrace TOKEN OP PATH\n
 *
 * OP is 'r' (a file opened for reading), 'd' (a directory opened to list
 * it) or 's' (stat, access, readlink, or an open that found nothing).
 * TOKEN comes from the environment and is unknown to the flake, so no
 * repository content printed into the log can forge a line. A path too
 * long for one atomic write gives OP 'o': hearthd then over-approximates.
 *
 * Only a program named nix that hearthd started (hearthd is its parent,
 * or an ancestor through a wrapper) reports, and it takes the library out
 * of LD_PRELOAD, so git and builders never load it. Any other program (a
 * wrapper script around nix) leaves both alone, so that the nix it runs
 * reports. It never changes what a call does or returns.
 *
 * The same library traces the shellHook: with HEARTH_NIXTRACE_OUT set (the
 * bash that sources the dev shell's rc), every program hearthd started,
 * and what they start in turn, reports, whatever its name, and it stays
 * preloaded for their children. Their fds are the hook's, so records go
 * to that file instead, opened for each record (never an fd a program
 * could close or reuse) and never created (once hearthd has read and
 * removed it, a process the hook left running writes nothing). There,
 * OP 'w' also says a file was written, created, renamed or removed: what
 * the hook itself wrote is its output, not an input.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * It is preloaded into programs linked with other C libraries than the
 * one it was built with (the hook's, from any nixpkgs): a symbol version
 * newer than theirs would make the loader refuse to start them. So it
 * imports only versions every glibc has: dlsym as it was before 2.34
 * moved it into libc, and no strtol or sscanf (2.38 versions them anew
 * under _GNU_SOURCE).
 */
#if defined(__x86_64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver dlsym,dlsym@GLIBC_2.17");
#endif

#define TRACE_MAX_PREFIXES	8
#define TRACE_RECORD_MAX	4000	/* below PIPE_BUF: one atomic write */

static int		 trace_on;
static char		 trace_token[64];
static const char	*trace_prefix[TRACE_MAX_PREFIXES];
static size_t		 trace_prefix_len[TRACE_MAX_PREFIXES];
static int		 trace_nprefix;
static const char	*trace_out;	/* the hook's trace file, or NULL */
static __thread int	 trace_busy;

/* Write one record; errors are ignored (the log pipe may be gone). */
static void
trace_emit(char op, const char *path, size_t len)
{
	char	 rec[TRACE_RECORD_MAX + 1];
	int	 n, fd;

	if (len > TRACE_RECORD_MAX - 100) {
		op = 'o';
		path = "";
		len = 0;
	}
	n = snprintf(rec, sizeof rec, "\036hearth-nixtrace %s %c %.*s\n",
	    trace_token, op, (int)len, path);
	if (n <= 0 || (size_t)n >= sizeof rec)
		return;
	if (trace_out == NULL) {
		(void)!write(2, rec, n);
		return;
	}
	/* O_APPEND: records of processes running at once never mix. */
	if ((fd = (int)syscall(SYS_openat, AT_FDCWD, trace_out,
	    O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return;
	(void)!write(fd, rec, n);
	close(fd);
}

/* Is path under one of the prefixes (or one of them)? */
static int
trace_wanted(const char *path)
{
	int	 i;
	size_t	 n;

	for (i = 0; i < trace_nprefix; i++) {
		n = trace_prefix_len[i];
		if (strncmp(path, trace_prefix[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/' ||
		    trace_prefix[i][n - 1] == '/'))
			return (1);
	}
	return (0);
}

/* Report path, made absolute against dirfd (or the cwd) when relative. */
static void
trace_path(char op, int dirfd, const char *path)
{
	char	 base[PATH_MAX], full[PATH_MAX * 2];
	char	 link[64];
	ssize_t	 n;
	int	 saved = errno;

	if (!trace_on || trace_busy || path == NULL || *path == '\0')
		return;
	trace_busy = 1;
	if (*path != '/') {
		if (dirfd == AT_FDCWD) {
			if (getcwd(base, sizeof base) == NULL)
				goto out;
		} else {
			snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
			n = syscall(SYS_readlinkat, AT_FDCWD, link, base,
			    sizeof base - 1);
			if (n <= 0)
				goto out;
			base[n] = '\0';
		}
		snprintf(full, sizeof full, "%s/%s", base, path);
		path = full;
	}
	if (trace_wanted(path))
		trace_emit(op, path, strlen(path));
out:
	trace_busy = 0;
	errno = saved;
}

/*
 * The op an open reports, or 0 for none: a write is not an access to
 * follow in Nix, and is 'w' in the hook.
 */
static char
trace_open_op(int flags, int rc)
{
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
		return (trace_out != NULL && rc >= 0 ? 'w' : 0);
	if (rc < 0)
		return (errno == ENOENT || errno == ENOTDIR ? 's' : 0);
	return ((flags & O_DIRECTORY) ? 'd' : 'r');
}

/* The decimal number at *p (advanced past it), or -1 if none. */
static long
trace_number(const char **p)
{
	long	 n = -1;

	while (**p >= '0' && **p <= '9' && n < 1000000000L) {
		n = (n < 0 ? 0 : n * 10) + (**p - '0');
		(*p)++;
	}
	return (n);
}

/* Is pid an ancestor of this process, within a few generations? */
static int
trace_descends_from(long pid)
{
	char		 path[64], buf[512];
	const char	*p;
	long		 cur = (long)getppid();
	int		 fd, depth;
	ssize_t		 n;

	for (depth = 0; depth < 32 && cur > 1; depth++) {
		if (cur == pid)
			return (1);
		snprintf(path, sizeof path, "/proc/%ld/stat", cur);
		if ((fd = (int)syscall(SYS_openat, AT_FDCWD, path,
		    O_RDONLY | O_CLOEXEC)) == -1)
			return (0);
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			return (0);
		buf[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything. */
		if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ' ||
		    p[2] == '\0' || p[3] != ' ')
			return (0);
		p += 4;
		if ((cur = trace_number(&p)) < 0)
			return (0);
	}
	return (0);
}

/* Remove this library from LD_PRELOAD, so that children never load it. */
static void
trace_unpreload(void)
{
	const char	*lp = getenv("LD_PRELOAD"), *self;
	char		*copy, *tok, *save = NULL;
	char		 out[4096] = "";
	size_t		 used = 0;

	if (lp == NULL || (self = getenv("HEARTH_NIXTRACE_SO")) == NULL)
		return;
	if ((copy = strdup(lp)) == NULL)
		return;
	for (tok = strtok_r(copy, ": ", &save); tok != NULL;
	    tok = strtok_r(NULL, ": ", &save)) {
		if (strcmp(tok, self) == 0)
			continue;
		used += snprintf(out + used, sizeof out - used, "%s%s",
		    used ? ":" : "", tok);
		if (used >= sizeof out)
			break;
	}
	free(copy);
	if (*out == '\0')
		unsetenv("LD_PRELOAD");
	else
		setenv("LD_PRELOAD", out, 1);
}

__attribute__((constructor)) static void
trace_init(void)
{
	const char	*tok = getenv("HEARTH_NIXTRACE_TOKEN");
	const char	*ppid = getenv("HEARTH_NIXTRACE_PPID");
	const char	*out = getenv("HEARTH_NIXTRACE_OUT");
	char		*prefixes, *p, *save = NULL, exe[PATH_MAX];
	ssize_t		 n;

	if (out != NULL && *out == '/')
		/* The hook: every program, children included. */
		trace_out = out;
	else {
		/* A wrapper around nix: let the nix it runs load us. */
		n = syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", exe,
		    sizeof exe - 1);
		if (n <= 0)
			return;
		exe[n] = '\0';
		p = strrchr(exe, '/');
		if (strcmp(p != NULL ? p + 1 : exe, "nix") != 0)
			return;
		trace_unpreload();
	}
	if (tok == NULL || ppid == NULL || strlen(tok) >= sizeof trace_token ||
	    !trace_descends_from(trace_number(&ppid)))
		return;
	snprintf(trace_token, sizeof trace_token, "%s", tok);
	if ((p = getenv("HEARTH_NIXTRACE_PREFIXES")) == NULL ||
	    (prefixes = strdup(p)) == NULL)
		return;
	for (p = strtok_r(prefixes, ":", &save); p != NULL &&
	    trace_nprefix < TRACE_MAX_PREFIXES; p = strtok_r(NULL, ":", &save)) {
		if (*p != '/')
			continue;
		trace_prefix[trace_nprefix] = p;
		trace_prefix_len[trace_nprefix++] = strlen(p);
	}
	/* The token proves the library loaded and reports. */
	trace_emit('h', "", 0);
	trace_on = 1;
	/* The hook's children report too; Nix's never learn it. */
	if (trace_out == NULL)
		unsetenv("HEARTH_NIXTRACE_TOKEN");
}

#define REAL(name)	static __typeof__(name) *real_##name;		\
	if (real_##name == NULL)					\
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

/* Declared by no header of a current glibc, but exported and called by
 * programs built against an older one. */
int	__xstat(int, const char *, struct stat *);
int	__lxstat(int, const char *, struct stat *);
int	__fxstatat(int, int, const char *, struct stat *, int);
int	__open_2(const char *, int);
int	__openat_2(int, const char *, int);

#define OPEN_MODE(flags, mode) do {					\
	mode = 0;							\
	if ((flags) & (O_CREAT | O_TMPFILE)) {				\
		va_list ap;						\
		va_start(ap, flags);					\
		mode = va_arg(ap, int);					\
		va_end(ap);						\
	}								\
} while (0)

static void
trace_opened(int dirfd, const char *path, int flags, int rc)
{
	char	 op;

	if ((op = trace_open_op(flags, rc)) != 0)
		trace_path(op, dirfd, path);
}

static void
trace_fopened(const char *path, const char *mode, FILE *f)
{
	if (mode == NULL)
		return;
	if (*mode == 'r' && strchr(mode, '+') == NULL)
		trace_opened(AT_FDCWD, path, O_RDONLY, f != NULL ? 0 : -1);
	else
		trace_opened(AT_FDCWD, path, O_WRONLY, f != NULL ? 0 : -1);
}

int
open(const char *path, int flags, ...)
{
	int	 mode, rc;

	REAL(open);
	OPEN_MODE(flags, mode);
	rc = real_open(path, flags, mode);
	trace_opened(AT_FDCWD, path, flags, rc);
	return (rc);
}

int
open64(const char *path, int flags, ...)
{
	int	 mode, rc;

	REAL(open64);
	OPEN_MODE(flags, mode);
	rc = real_open64(path, flags, mode);
	trace_opened(AT_FDCWD, path, flags, rc);
	return (rc);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	int	 mode, rc;

	REAL(openat);
	OPEN_MODE(flags, mode);
	rc = real_openat(dirfd, path, flags, mode);
	trace_opened(dirfd, path, flags, rc);
	return (rc);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	int	 mode, rc;

	REAL(openat64);
	OPEN_MODE(flags, mode);
	rc = real_openat64(dirfd, path, flags, mode);
	trace_opened(dirfd, path, flags, rc);
	return (rc);
}

int
__open_2(const char *path, int flags)
{
	int	 rc;

	REAL(__open_2);
	rc = real___open_2(path, flags);
	trace_opened(AT_FDCWD, path, flags, rc);
	return (rc);
}

int
__openat_2(int dirfd, const char *path, int flags)
{
	int	 rc;

	REAL(__openat_2);
	rc = real___openat_2(dirfd, path, flags);
	trace_opened(dirfd, path, flags, rc);
	return (rc);
}

FILE *
fopen(const char *path, const char *mode)
{
	FILE	*f;

	REAL(fopen);
	f = real_fopen(path, mode);
	trace_fopened(path, mode, f);
	return (f);
}

FILE *
fopen64(const char *path, const char *mode)
{
	FILE	*f;

	REAL(fopen64);
	f = real_fopen64(path, mode);
	trace_fopened(path, mode, f);
	return (f);
}

DIR *
opendir(const char *path)
{
	DIR	*d;

	REAL(opendir);
	d = real_opendir(path);
	trace_opened(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, d != NULL ? 0 : -1);
	return (d);
}

/* The stat family: every variant a Nix of 2.8 to 2.34 may call. */
#define STAT_WRAP(name, params, args, dirfd, path)			\
int									\
name params								\
{									\
	int	 rc;							\
									\
	REAL(name);							\
	rc = real_##name args;						\
	trace_path('s', dirfd, path);					\
	return (rc);							\
}

STAT_WRAP(stat, (const char *p, struct stat *st), (p, st), AT_FDCWD, p)
STAT_WRAP(lstat, (const char *p, struct stat *st), (p, st), AT_FDCWD, p)
STAT_WRAP(stat64, (const char *p, struct stat64 *st), (p, st), AT_FDCWD, p)
STAT_WRAP(lstat64, (const char *p, struct stat64 *st), (p, st), AT_FDCWD, p)
STAT_WRAP(fstatat, (int fd, const char *p, struct stat *st, int fl),
    (fd, p, st, fl), fd, p)
STAT_WRAP(fstatat64, (int fd, const char *p, struct stat64 *st, int fl),
    (fd, p, st, fl), fd, p)
STAT_WRAP(statx, (int fd, const char *p, int fl, unsigned int m,
    struct statx *st), (fd, p, fl, m, st), fd, p)
STAT_WRAP(__xstat, (int v, const char *p, struct stat *st), (v, p, st),
    AT_FDCWD, p)
STAT_WRAP(__lxstat, (int v, const char *p, struct stat *st), (v, p, st),
    AT_FDCWD, p)
STAT_WRAP(__fxstatat, (int v, int fd, const char *p, struct stat *st,
    int fl), (v, fd, p, st, fl), fd, p)
STAT_WRAP(access, (const char *p, int m), (p, m), AT_FDCWD, p)
STAT_WRAP(faccessat, (int fd, const char *p, int m, int fl), (fd, p, m, fl),
    fd, p)

ssize_t
readlink(const char *path, char *buf, size_t len)
{
	ssize_t	 rc;

	REAL(readlink);
	rc = real_readlink(path, buf, len);
	trace_path('s', AT_FDCWD, path);
	return (rc);
}

ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	ssize_t	 rc;

	REAL(readlinkat);
	rc = real_readlinkat(dirfd, path, buf, len);
	trace_path('s', dirfd, path);
	return (rc);
}

/* The hook's changes to the tree: renamed, removed (both ends: 'w'). */
static void
trace_changed(int dirfd, const char *path, int rc)
{
	if (trace_out != NULL && rc == 0)
		trace_path('w', dirfd, path);
}

int
rename(const char *from, const char *to)
{
	int	 rc;

	REAL(rename);
	rc = real_rename(from, to);
	trace_changed(AT_FDCWD, from, rc);
	trace_changed(AT_FDCWD, to, rc);
	return (rc);
}

int
renameat(int fromfd, const char *from, int tofd, const char *to)
{
	int	 rc;

	REAL(renameat);
	rc = real_renameat(fromfd, from, tofd, to);
	trace_changed(fromfd, from, rc);
	trace_changed(tofd, to, rc);
	return (rc);
}

int
renameat2(int fromfd, const char *from, int tofd, const char *to,
    unsigned int flags)
{
	int	 rc;

	REAL(renameat2);
	rc = real_renameat2(fromfd, from, tofd, to, flags);
	trace_changed(fromfd, from, rc);
	trace_changed(tofd, to, rc);
	return (rc);
}

int
unlink(const char *path)
{
	int	 rc;

	REAL(unlink);
	rc = real_unlink(path);
	trace_changed(AT_FDCWD, path, rc);
	return (rc);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	int	 rc;

	REAL(unlinkat);
	rc = real_unlinkat(dirfd, path, flags);
	trace_changed(dirfd, path, rc);
	return (rc);
}
