/*
 * hearthd: the interface of job.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_JOB_H
#define HEARTHD_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "hearth/buf.h"

struct job;

/* job.c: runs one child process and collects what it writes. */
#define JOB_MAX_OUTS	3		/* output pipes of a job */
#define JOB_MAX_FD	9		/* the highest fd one may be */
#define JOB_MAX_LINE	(64U * 1024)	/* longer lines are not handed over */
struct job_out {
	int		 fd;		/* the child's: 1, 2, 3... */
	struct buf	*to;		/* the owner's, appended to */
	size_t		 cap;
	int		 keep_tail;	/* past cap: keep the end, else fail */
	/* Called with each whole line (no newline) as it comes, or NULL. */
	void		(*line)(const char *, void *);
};
struct job_result {
	int64_t		 status;	/* exit status, if it exited */
	int		 signal;	/* the signal that killed it, or 0 */
	int		 timed_out;
	int		 cancelled;
	int		 overflow;	/* a capped output without keep_tail */
	int		 error;		/* uv_spawn's error; 0 if it ran */
	const char	*cause;		/* why it did not run, or NULL */
};
typedef void	(*job_cb)(const struct job_result *, void *);
struct job_spec {
	char *const	*argv;		/* argv[0] is looked up in PATH */
	char *const	*env;
	const char	*cwd;
	uint64_t	 timeout_ms;	/* 0: no deadline */
	/*
	 * Over when the process exits, though what it started may hold
	 * its pipes: those are read to nowhere until they close.
	 */
	int		 end_at_exit;
	struct job_out	 out[JOB_MAX_OUTS];
	int		 nout;
	job_cb		 cb;		/* once, after exit and every close */
	void		*arg;		/* for cb and the line callbacks */
};
/* Start a job; it is freed when its callback returns. Never NULL. */
struct job	*job_start(uv_loop_t *, const struct job_spec *);
/* Kill a job's process group; its callback still runs. NULL is a no-op. */
void		 job_cancel(struct job *);
/* At shutdown: close the pipes that ended jobs' leftovers still hold. */
void		 job_shutdown(void);

#endif
