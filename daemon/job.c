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
 *
 * A job that ends at exit (a shellHook's bash) is over when its process
 * exits, whatever it left running: what the process wrote is all in the
 * pipes by then and is read at once, the owner hears, and the pipes that
 * something it started still holds are drained to nowhere until they
 * close (or the daemon stops), so that it neither blocks nor dies
 * writing. A kill (deadline, cancel, overflow) takes the whole group,
 * the session, and every descendant still linked to the child.
 */
#include <sys/ioctl.h>
#include <sys/queue.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
	int		 closed;
	struct job	*job;
};

struct job {
	uv_process_t	 proc;
	uv_timer_t	 timer;
	struct job_pipe	 pipes[JOB_MAX_OUTS];
	int		 npipes;
	int		 open;		/* process and pipes not closed yet */
	pid_t		 pid;		/* the group to kill; 0 if none */
	int		 end_at_exit;
	int		 ended;		/* the owner has heard */
	char		*argv0;
	int		 lingering;	/* on job_lingering */
	char		*cause;
	struct job_result result;
	job_cb		 cb;
	void		*arg;
	TAILQ_ENTRY(job) entry;		/* while it lingers */
};

/* Jobs over but for pipes that what they left running still holds. */
static TAILQ_HEAD(, job) job_lingering = TAILQ_HEAD_INITIALIZER(job_lingering);
static int	 job_stopping;

/* One process of /proc: its parent, group and session. */
struct job_proc {
	pid_t	 pid, ppid, pgrp, sid;
	int	 mark;
};

/* Read /proc/PID/stat's parent, group and session; -1 if it is gone. */
static int
job_proc_read(pid_t pid, struct job_proc *p)
{
	char	 path[64], text[512], *s;
	FILE	*f;
	size_t	 n;
	int	 ppid, pgrp, sid;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	/* The command name may hold anything: the fields follow its ')'. */
	if ((s = strrchr(text, ')')) == NULL ||
	    sscanf(s + 1, " %*c %d %d %d", &ppid, &pgrp, &sid) != 3)
		return (-1);
	p->pid = pid;
	p->ppid = ppid;
	p->pgrp = pgrp;
	p->sid = sid;
	p->mark = 0;
	return (0);
}

/*
 * Kill everything the child started: its group and session (what a hook
 * put in the background), and every process descended from those (what
 * left them with setsid or setpgid), found before any of them dies, since
 * an orphan's parent becomes init. Only what double-forked and left its
 * session before is out of reach.
 */
static void
job_kill_tree(pid_t leader)
{
	struct job_proc	*ps = NULL, p;
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, i, k;
	int		 more;

	if ((d = opendir("/proc")) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (!isdigit((unsigned char)de->d_name[0]) ||
			    job_proc_read(atoi(de->d_name), &p) != 0)
				continue;
			ps = xrealloc(ps, (n + 1) * sizeof *ps);
			ps[n++] = p;
		}
		closedir(d);
	}
	for (i = 0; i < n; i++)
		ps[i].mark = ps[i].pid == leader || ps[i].pgrp == leader ||
		    ps[i].sid == leader;
	do {
		more = 0;
		for (i = 0; i < n; i++) {
			for (k = 0; !ps[i].mark && k < n; k++) {
				if (ps[k].mark && ps[k].pid == ps[i].ppid)
					more = ps[i].mark = 1;
			}
		}
	} while (more);
	kill(-leader, SIGKILL);
	for (i = 0; i < n; i++) {
		if (ps[i].mark && ps[i].pid > 1 && ps[i].pid != getpid())
			kill(ps[i].pid, SIGKILL);
	}
	free(ps);
}

/* Kill the child and all it started, while the owner waits on the job. */
static void
job_kill(struct job *j)
{
	/*
	 * After the child has exited, its group lives on as long as
	 * something it started does (what still holds a pipe, say), and
	 * its id is not reused meanwhile.
	 */
	if (j->pid > 0 && j->open > 0 && !j->ended)
		job_kill_tree(j->pid);
}

/* Tell the owner, once. */
static void
job_end(struct job *j)
{
	if (j->ended)
		return;
	j->ended = 1;
	uv_timer_stop(&j->timer);
	j->result.cause = j->cause;
	j->cb(&j->result, j->arg);
}

static void
job_timer_closed(uv_handle_t *h)
{
	struct job	*j = h->data;
	int		 i;

	job_end(j);
	for (i = 0; i < j->npipes; i++)
		buf_release(&j->pipes[i].line);
	free(j->cause);
	free(j->argv0);
	free(j);
}

/* The process or a pipe closed; the last one ends the job. */
static void
job_closed(uv_handle_t *h)
{
	struct job	*j = h->data;

	if (--j->open > 0)
		return;
	if (j->lingering)
		TAILQ_REMOVE(&job_lingering, j, entry);
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
	if (p->closed)
		return;
	p->closed = 1;
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

/* Take n bytes the child wrote on p; nothing once the owner has heard. */
static void
job_take(struct job_pipe *p, const char *data, size_t n)
{
	struct buf	*to = p->out.to;
	size_t		 drop;

	if (p->job->ended || p->closed)
		return;
	if (p->out.line != NULL)
		job_lines(p, data, n);
	buf_add(to, data, n);
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
}

static void
job_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct job_pipe	*p = s->data;

	if (n > 0)
		job_take(p, b->base, n);
	else if (n < 0)
		job_pipe_close(p);
	free(b->base);
}

/*
 * The process has exited, so all it wrote is in the pipe: read what is
 * there now, and no more, since what it left running may write on.
 */
static void
job_drain(struct job_pipe *p)
{
	char		 data[65536];
	uv_os_fd_t	 fd;
	ssize_t		 n;
	int		 avail;

	if (p->closed || uv_fileno((uv_handle_t *)&p->pipe, &fd) != 0 ||
	    ioctl(fd, FIONREAD, &avail) == -1)
		return;
	while (avail > 0 && !p->closed) {
		n = read(fd, data, (size_t)avail < sizeof data ?
		    (size_t)avail : sizeof data);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		job_take(p, data, n);
		avail -= n;
	}
}

static void
job_exited(uv_process_t *proc, int64_t status, int sig)
{
	struct job	*j = proc->data;
	struct job_pipe	*p;
	int		 i, open = 0;

	j->result.status = status;
	j->result.signal = sig;
	if (j->end_at_exit) {
		for (i = 0; i < j->npipes; i++)
			job_drain(&j->pipes[i]);
		job_end(j);
		/*
		 * What the process left running may still hold a pipe:
		 * drain it to nowhere, without keeping the loop alive.
		 */
		for (i = 0; i < j->npipes; i++) {
			p = &j->pipes[i];
			if (!p->closed && job_stopping)
				job_pipe_close(p);
			else if (!p->closed) {
				uv_unref((uv_handle_t *)&p->pipe);
				open = 1;
			}
		}
		if (open) {
			log_debug("%s: left processes running", j->argv0);
			TAILQ_INSERT_TAIL(&job_lingering, j, entry);
			j->lingering = 1;
		}
	}
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
	j->end_at_exit = spec->end_at_exit;
	j->argv0 = xstrdup(spec->argv[0]);
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
	if (j == NULL || j->ended)
		return;
	j->result.cancelled = 1;
	job_kill(j);
}

/* Stop draining what jobs left running: their pipes close. */
void
job_shutdown(void)
{
	struct job	*j;
	int		 i;

	job_stopping = 1;
	/* Each is removed from the list by its last close callback. */
	TAILQ_FOREACH(j, &job_lingering, entry) {
		for (i = 0; i < j->npipes; i++)
			job_pipe_close(&j->pipes[i]);
	}
}
