/*
 * What a shellHook read: inputs of its snapshot too, as `.env` is for
 * `set -a; . ./.env; set +a`. Nix never sees those files; the bash that
 * runs the hook, and every program it starts, does.
 *
 * The bash runs with hearth-nixtrace.so preloaded in its hook mode (see
 * nixtrace/nixtrace.c), which appends a record for each file opened,
 * listed or looked for under the flake's top to a trace file in the
 * daemon's private directory, and one for each file written, renamed or
 * removed. When the hook has ended, those records become inputs of the
 * kinds that see the work tree as the hook did (untracked and ignored
 * files included, since the hook reads them there):
 *  - a file read: its content (INPUTS_WORK);
 *  - a file looked for, or a directory listed: whether it exists, and as
 *    what (INPUTS_WORK_STAT), so that creating `.env` later counts;
 * but never the repository's .git, nor the top or the root themselves.
 * A file the hook wrote (`[ -f .env ] || cp .env.example .env`, a log)
 * is not an input of that run: its content is the hook's own doing, and
 * as an input it would make the result stale, or the workspace's trust
 * (which covers the inputs, trust.c) blocked, each time the hook wrote
 * it. The set is kept apart for devshell.c's staleness check. A later
 * run that only reads the file makes it an input then.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hookreads.h"
#include "inputs.h"

#define HOOKREADS_TAG		"\036hearth-nixtrace "
/* The most of a trace read, and of inputs taken from it. */
#define HOOKREADS_MAX_TRACE	(8U * 1024 * 1024)
#define HOOKREADS_MAX_INPUTS	4096

struct hookreads {
	char		*top;
	char		*root;
	char		*file;		/* the trace; NULL once read */
	char		**env;
	char		 token[33];
};

/* A new environment: env less LD_PRELOAD, with the tracer's settings. */
static char **
hookreads_make_env(struct hookreads *hr, char *const *env, const char *so)
{
	const char	*pre = NULL;
	char		**out;
	size_t		 n, i, j;

	for (n = 0; env[n] != NULL; n++)
		if (strncmp(env[n], "LD_PRELOAD=", 11) == 0)
			pre = env[n] + 11;
	out = xcalloc(n + 7, sizeof *out);
	for (i = j = 0; i < n; i++)
		if (strncmp(env[i], "LD_PRELOAD=", 11) != 0)
			out[j++] = xstrdup(env[i]);
	out[j++] = pre != NULL && *pre != '\0' ?
	    xasprintf("LD_PRELOAD=%s:%s", pre, so) :
	    xasprintf("LD_PRELOAD=%s", so);
	out[j++] = xasprintf("HEARTH_NIXTRACE_SO=%s", so);
	out[j++] = xasprintf("HEARTH_NIXTRACE_TOKEN=%s", hr->token);
	out[j++] = xasprintf("HEARTH_NIXTRACE_PPID=%d", (int)getpid());
	out[j++] = xasprintf("HEARTH_NIXTRACE_PREFIXES=%s", hr->top);
	out[j++] = xasprintf("HEARTH_NIXTRACE_OUT=%s", hr->file);
	return (out);
}

struct hookreads *
hookreads_new(const char *top, const char *root, char *const *env,
    const char *so, const char *file)
{
	struct hookreads	*hr;
	unsigned char		 rnd[16];
	size_t			 i;
	int			 fd;

	if (so == NULL)
		return (NULL);
	/* Made here, empty: the tracer appends and never creates it. */
	if ((fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("%s", file);
		return (NULL);
	}
	close(fd);
	hr = xcalloc(1, sizeof *hr);
	hr->top = xstrdup(top);
	hr->root = xstrdup(root);
	hr->file = xstrdup(file);
	randombytes_buf(rnd, sizeof rnd);
	for (i = 0; i < sizeof rnd; i++)
		snprintf(hr->token + 2 * i, 3, "%02x", rnd[i]);
	hr->env = hookreads_make_env(hr, env, so);
	return (hr);
}

void
hookreads_free(struct hookreads *hr)
{
	size_t	 i;

	if (hr == NULL)
		return;
	if (hr->file != NULL)
		unlink(hr->file);
	for (i = 0; hr->env[i] != NULL; i++)
		free(hr->env[i]);
	free(hr->env);
	free(hr->file);
	free(hr->top);
	free(hr->root);
	free(hr);
}

char *const *
hookreads_env(const struct hookreads *hr)
{
	return (hr->env);
}

/*
 * The path lexically normal, in place ("." and ".." segments resolved,
 * slashes single, none at the end): the tracer joins the cwd and what a
 * program asked for, as it asked.
 */
static void
hookreads_normal(char *path)
{
	char	*r = path, *w = path, *seg;
	size_t	 n;

	while (*r != '\0') {
		while (*r == '/')
			r++;
		seg = r;
		n = strcspn(r, "/");
		r += n;
		if (n == 0 || (n == 1 && seg[0] == '.'))
			continue;
		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			while (w > path && *--w != '/')
				;
			continue;
		}
		*w++ = '/';
		memmove(w, seg, n);
		w += n;
	}
	if (w == path)
		*w++ = '/';
	*w = '\0';
}

/* Is path at or under dir? */
static int
hookreads_under(const char *path, const char *dir)
{
	size_t	 n = strlen(dir);

	return (strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/'));
}

void
hookreads_end(struct hookreads *hr, struct inputs *to, struct inputs *written)
{
	struct buf	 trace = BUF_INIT;
	struct stat	 st;
	char		*line, *next, *path, *git;
	char		 op;
	struct inputs	*seen;
	size_t		 i, taglen = strlen(HOOKREADS_TAG), toklen;
	int		 fd, cut = 0, loaded = 0;
	ssize_t		 n;
	char		 chunk[65536];

	if (hr == NULL || hr->file == NULL)
		return;
	if ((fd = open(hr->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		log_warn("%s", hr->file);
		goto out;
	}
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (trace.len + n > HOOKREADS_MAX_TRACE) {
			cut = 1;
			break;
		}
		buf_add(&trace, chunk, n);
	}
	close(fd);
	git = xasprintf("%s/.git", hr->top);
	toklen = strlen(hr->token);
	seen = inputs_new();
	for (line = trace.data; line < trace.data + trace.len; line = next) {
		if ((next = memchr(line, '\n', trace.data + trace.len -
		    line)) == NULL)
			break;		/* cut short: not a whole record */
		*next++ = '\0';
		/* "TAG TOKEN OP /PATH", from a process of this hook only. */
		if (strncmp(line, HOOKREADS_TAG, taglen) != 0 ||
		    strncmp(line + taglen, hr->token, toklen) != 0 ||
		    line[taglen + toklen] != ' ')
			continue;
		op = line[taglen + toklen + 1];
		path = line + taglen + toklen + 2;
		if (op == 'h')
			loaded = 1;
		if (op == '\0' || *path++ != ' ' || *path != '/')
			continue;
		hookreads_normal(path);
		if (!hookreads_under(path, hr->top) ||
		    hookreads_under(path, git) ||
		    strcmp(path, hr->top) == 0 || strcmp(path, hr->root) == 0)
			continue;
		if (op == 'w') {
			inputs_add(written, path);
			continue;
		}
		if (op != 'r' && op != 'd' && op != 's')
			continue;
		if (inputs_count(seen) >= HOOKREADS_MAX_INPUTS) {
			cut = 1;
			break;
		}
		/* A directory read whole is one listed, not a tree. */
		if (op == 'r' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			op = 's';
		inputs_add_kind(seen, path, op == 'r' ? INPUTS_WORK :
		    INPUTS_WORK_STAT);
	}
	free(git);
	/* Only after the whole trace: a file may be read before written. */
	for (i = 0; i < inputs_count(seen); i++) {
		if (!inputs_has(written, inputs_path(seen, i)))
			inputs_add_kind(to, inputs_path(seen, i),
			    inputs_kind(seen, i));
	}
	inputs_free(seen);
	if (!loaded && !cut)
		log_warnx("%s: the shellHook's bash did not load "
		    "hearth-nixtrace.so: the files it reads are not followed",
		    hr->root);
	if (cut)
		log_warnx("%s: the shellHook read more files than hearth "
		    "follows; only the first %d are its inputs", hr->root,
		    HOOKREADS_MAX_INPUTS);
out:
	buf_release(&trace);
	unlink(hr->file);
	free(hr->file);
	hr->file = NULL;
}
