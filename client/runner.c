/*
 * Running a program from the client and collecting what it prints, with a
 * deadline: the commands that call Nix themselves (`hearth check`, the
 * probe of what the installed Nix can do) use it. The client links no
 * libuv, so this is fork, exec and poll. The program runs in a process
 * group of its own, so that a timeout kills everything it started.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/monotime.h"
#include "hearth/nix.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* How much of the error output is kept: its end, where errors are. */
#define RUNNER_ERR_KEEP	(64 * 1024)

void
runner_result_init(struct runner_result *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->out);
	buf_init(&r->err);
}

void
runner_result_release(struct runner_result *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
}

/* Keep the last RUNNER_ERR_KEEP bytes, from a line start if possible. */
static void
runner_keep_tail(struct buf *b)
{
	const char	*cut, *nl;
	size_t		 drop;

	if (b->len <= 2 * RUNNER_ERR_KEEP)
		return;
	cut = b->data + b->len - RUNNER_ERR_KEEP;
	if ((nl = memchr(cut, '\n', RUNNER_ERR_KEEP)) != NULL)
		cut = nl + 1;
	drop = cut - b->data;
	memmove(b->data, cut, b->len - drop);
	buf_truncate(b, b->len - drop);
}

static void
runner_child(char *const argv[], const char *cwd, int out, int err)
{
	int	 fd;

	setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		close(fd);
	}
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	if (cwd != NULL && chdir(cwd) == -1) {
		fprintf(stderr, "cannot enter %s: %s\n", cwd, strerror(errno));
		_exit(126);
	}
	execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

int
runner_run(char *const argv[], const char *cwd, unsigned timeout_sec,
    size_t out_cap, struct runner_result *r, char **cause)
{
	struct pollfd	 pfd[2];
	struct buf	*to[2] = { &r->out, &r->err };
	char		 chunk[65536];
	int		 po[2], pe[2], status, i, open_fds = 2, left, rc;
	int64_t		 start = monotime_ms(), deadline;
	ssize_t		 n;
	pid_t		 pid;

	deadline = start + (int64_t)timeout_sec * 1000;
	if (pipe2(po, O_CLOEXEC) == -1) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		return (-1);
	}
	if (pipe2(pe, O_CLOEXEC) == -1) {
		*cause = xasprintf("pipe: %s", strerror(errno));
		close(po[0]);
		close(po[1]);
		return (-1);
	}
	if ((pid = fork()) == -1) {
		*cause = xasprintf("fork: %s", strerror(errno));
		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		return (-1);
	}
	if (pid == 0)
		runner_child(argv, cwd, po[1], pe[1]);
	/* Both sides, or a kill can race the child's own setpgid. */
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		left = (int)(deadline - monotime_ms());
		if (left <= 0) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		if ((rc = poll(pfd, 2, progress_poll_ms(left))) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (rc == 0) {
			progress_tick();
			continue;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			n = read(pfd[i].fd, chunk, sizeof chunk);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
				continue;
			}
			if (i == 1) {
				buf_add(to[i], chunk, n);
				runner_keep_tail(to[i]);
			} else if (to[i]->len < out_cap) {
				if ((size_t)n > out_cap - to[i]->len)
					r->truncated = 1;
				buf_add(to[i], chunk, (size_t)n <
				    out_cap - to[i]->len ? (size_t)n :
				    out_cap - to[i]->len);
			} else
				r->truncated = 1;
		}
	}
	for (i = 0; i < 2; i++) {
		if (pfd[i].fd != -1)
			close(pfd[i].fd);
	}
	/* What it started may hold its pipes: the whole group goes. */
	if (r->timed_out)
		kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			status = 0;
			break;
		}
	}
	r->status = status;
	r->ms = (uint32_t)(monotime_ms() - start);
	return (0);
}

int
runner_ok(const struct runner_result *r)
{
	return (!r->timed_out && WIFEXITED(r->status) &&
	    WEXITSTATUS(r->status) == 0);
}

char *
runner_why(const struct runner_result *r, unsigned timeout_sec)
{
	char	*msg;

	if (r->timed_out)
		return (xasprintf("timed out after %u s", timeout_sec));
	/* Nix's first error message, else the last line it printed. */
	if ((msg = nix_error_message(r->err.data, r->err.len,
	    NIX_ERROR_ELSE_LAST)) != NULL)
		return (msg);
	if (WIFSIGNALED(r->status))
		return (xasprintf("killed by signal %d", WTERMSIG(r->status)));
	if (WIFEXITED(r->status))
		return (xasprintf("exit status %d", WEXITSTATUS(r->status)));
	return (xstrdup("failed"));
}
