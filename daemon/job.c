/*
 * The daemon's one child-process runner, in the manner of tmux's job.c.
 * A job is an argv (never a shell command line), an environment and a
 * working directory; each output fd it asks for is a pipe read into a
 * buffer with its own cap (past it, the end is kept or the job fails)
 * and, if asked, handed over line by line as it comes. The child leads a
 * process group of its own, killed whole on a deadline, a cancel or an
 * overflow, so that nothing it started outlives it. The owner hears once,
 * after the process has exited and every pipe has closed; the job then
 * frees itself. Its handles live in it and it is freed only from the last
 * close callback, so no zombie and no handle is ever left behind.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "job.h"

struct job_pipe {
	uv_pipe_t	 pipe;
	struct job_out	 out;
	struct buf	 line;		/* a partial line */
	int		 skip;		/* the line is too long: drop it */
	struct job	*job;
};

struct job {
	uv_process_t	 proc;
	uv_timer_t	 timer;
	struct job_pipe	 pipes[JOB_MAX_OUTS];
	int		 npipes;
	int		 open;		/* process and pipes not closed yet */
	pid_t		 pid;		/* the group to kill; 0 if none */
	char		*cause;
	struct job_result result;
	job_cb		 cb;
	void		*arg;
};

/* Kill the child's whole group, while anything of the job is open. */
static void
job_kill(struct job *j)
{
	/*
	 * After the child has exited, its group lives on as long as
	 * something it started does (what still holds a pipe, say), and
	 * its id is not reused meanwhile.
	 */
	if (j->pid > 0 && j->open > 0)
		kill(-j->pid, SIGKILL);
}

static void
job_timer_closed(uv_handle_t *h)
{
	struct job	*j = h->data;
	int		 i;

	j->result.cause = j->cause;
	j->cb(&j->result, j->arg);
	for (i = 0; i < j->npipes; i++)
		buf_release(&j->pipes[i].line);
	free(j->cause);
	free(j);
}

/* The process or a pipe closed; the last one ends the job. */
static void
job_closed(uv_handle_t *h)
{
	struct job	*j = h->data;

	if (--j->open > 0)
		return;
	/* The timer goes last, so that its close callback frees the job. */
	uv_timer_stop(&j->timer);
	uv_close((uv_handle_t *)&j->timer, job_timer_closed);
}

static void
job_pipe_closed(uv_handle_t *h)
{
	struct job_pipe	*p = h->data;

	job_closed((uv_handle_t *)&p->job->proc);
}

static void
job_pipe_close(struct job_pipe *p)
{
	uv_read_stop((uv_stream_t *)&p->pipe);
	uv_close((uv_handle_t *)&p->pipe, job_pipe_closed);
}

/* Hand whole lines to the callback; a line past JOB_MAX_LINE is dropped. */
static void
job_lines(struct job_pipe *p, const char *s, size_t n)
{
	const char	*nl;
	size_t		 len;

	while (n > 0) {
		nl = memchr(s, '\n', n);
		len = nl != NULL ? (size_t)(nl - s) : n;
		if (!p->skip && p->line.len + len <= JOB_MAX_LINE)
			buf_add(&p->line, s, len);
		else {
			p->skip = 1;
			buf_reset(&p->line);
		}
		if (nl == NULL)
			return;
		if (!p->skip)
			p->out.line(p->line.data, p->job->arg);
		buf_reset(&p->line);
		p->skip = 0;
		n -= len + 1;
		s = nl + 1;
	}
}

static void
job_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	b->base = xmalloc(65536);
	b->len = 65536;
}

static void
job_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct job_pipe	*p = s->data;
	struct buf	*to = p->out.to;
	size_t		 drop;

	if (n > 0) {
		if (p->out.line != NULL)
			job_lines(p, b->base, n);
		buf_add(to, b->base, n);
		if (to->len > p->out.cap) {
			if (p->out.keep_tail) {
				drop = to->len - p->out.cap;
				memmove(to->data, to->data + drop, p->out.cap);
				buf_truncate(to, p->out.cap);
			} else {
				buf_truncate(to, p->out.cap);
				p->job->result.overflow = 1;
				job_kill(p->job);
				job_pipe_close(p);
			}
		}
	} else if (n < 0)
		job_pipe_close(p);
	free(b->base);
}

static void
job_exited(uv_process_t *proc, int64_t status, int sig)
{
	struct job	*j = proc->data;

	j->result.status = status;
	j->result.signal = sig;
	uv_close((uv_handle_t *)proc, job_closed);
}

static void
job_timeout(uv_timer_t *t)
{
	struct job	*j = t->data;

	j->result.timed_out = 1;
	job_kill(j);
}

/*
 * Run a job; spec->cb is called once when it has ended (also when it
 * could not start), and the job is freed when that returns.
 */
struct job *
job_start(uv_loop_t *loop, const struct job_spec *spec)
{
	uv_process_options_t	 opts;
	uv_stdio_container_t	 stdio[JOB_MAX_FD + 1];
	struct job		*j;
	struct job_pipe		*p;
	int			 i, fd, n = 3, rc;

	j = xcalloc(1, sizeof *j);
	j->cb = spec->cb;
	j->arg = spec->arg;
	memset(&opts, 0, sizeof opts);
	memset(stdio, 0, sizeof stdio);
	for (i = 0; i <= JOB_MAX_FD; i++)
		stdio[i].flags = UV_IGNORE;
	uv_timer_init(loop, &j->timer);
	j->timer.data = j;
	j->proc.data = j;
	for (i = 0; i < spec->nout; i++) {
		fd = spec->out[i].fd;
		if (fd < 1 || fd > JOB_MAX_FD || stdio[fd].flags != UV_IGNORE)
			fatalx("job: bad output fd %d", fd);
		p = &j->pipes[j->npipes++];
		p->out = spec->out[i];
		p->job = j;
		buf_init(&p->line);
		uv_pipe_init(loop, &p->pipe, 0);
		p->pipe.data = p;
		stdio[fd].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
		stdio[fd].data.stream = (uv_stream_t *)&p->pipe;
		if (fd + 1 > n)
			n = fd + 1;
	}
	opts.file = spec->argv[0];
	opts.args = (char **)spec->argv;
	opts.env = (char **)spec->env;
	opts.cwd = spec->cwd;
	opts.stdio = stdio;
	opts.stdio_count = n;
	/* Its own session and process group, so that a kill takes it all. */
	opts.flags = UV_PROCESS_DETACHED;
	opts.exit_cb = job_exited;
	j->open = j->npipes + 1;
	if ((rc = uv_spawn(loop, &j->proc, &opts)) != 0) {
		/*
		 * A failed spawn never calls exit_cb, but its handle is
		 * initialised and is closed like the pipes; the owner hears
		 * of it from the callback, as of any other end.
		 */
		j->result.error = rc;
		j->cause = xasprintf("cannot run %s: %s", spec->argv[0],
		    uv_strerror(rc));
		uv_close((uv_handle_t *)&j->proc, job_closed);
		for (i = 0; i < j->npipes; i++)
			uv_close((uv_handle_t *)&j->pipes[i].pipe,
			    job_pipe_closed);
		return (j);
	}
	j->pid = j->proc.pid;
	for (i = 0; i < j->npipes; i++)
		uv_read_start((uv_stream_t *)&j->pipes[i].pipe, job_alloc,
		    job_read);
	if (spec->timeout_ms != 0)
		uv_timer_start(&j->timer, job_timeout, spec->timeout_ms, 0);
	return (j);
}

/* Kill a running job; its callback still runs, with cancelled set. */
void
job_cancel(struct job *j)
{
	if (j == NULL)
		return;
	j->result.cancelled = 1;
	job_kill(j);
}
