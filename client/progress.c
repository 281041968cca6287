/*
 * Progress of long work (hearth wait, tools, check): on a terminal only,
 * one line on stderr, rewritten in place with \r, saying what is being
 * evaluated or built and for how long; cleared once the work is done, so
 * that what the command prints after it stands alone. Nothing at all when
 * stderr is not a terminal, so that scripts and CI logs get only results.
 * The waits of ipc.c and runner.c poll at most a second at a time and
 * call progress_tick(), so no timer or thread is needed.
 */
#include <sys/ioctl.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/monotime.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* How often the line is redrawn, and the first time it is drawn. */
#define PROGRESS_EVERY_MS	1000

static struct {
	int		 on;
	int		 busy;		/* inside refresh: no nested tick */
	int64_t		 start;
	int64_t		 last;
	size_t		 shown;		/* columns the line took */
	char		*what;
	progress_refresh_cb refresh;
} progress;

void
progress_start(progress_refresh_cb refresh)
{
	progress.on = isatty(STDERR_FILENO);
	progress.start = progress.last = monotime_ms();
	progress.refresh = refresh;
	progress.shown = 0;
}

void
progress_set(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	if (!progress.on)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		fatalx("%s: out of memory", __func__);
	va_end(ap);
	free(progress.what);
	progress.what = s;
}

int
progress_poll_ms(int left)
{
	if (!progress.on || progress.busy)
		return (left);
	return (left < 0 || left > PROGRESS_EVERY_MS ? PROGRESS_EVERY_MS :
	    left);
}

/* The terminal's width, less one so that the line never wraps. */
static size_t
progress_width(void)
{
	struct winsize	 ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return (ws.ws_col - 1);
	return (79);
}

void
progress_tick(void)
{
	char	*line;
	size_t	 n, w;
	int64_t	 now = monotime_ms();

	if (!progress.on || progress.busy ||
	    now - progress.last < PROGRESS_EVERY_MS)
		return;
	progress.last = now;
	if (progress.refresh != NULL) {
		progress.busy = 1;
		progress.refresh();
		progress.busy = 0;
	}
	if (progress.what == NULL)
		return;
	line = xasprintf("hearth: %s (%lld s)", progress.what,
	    (long long)((now - progress.start) / 1000));
	n = strlen(line);
	if (n > (w = progress_width()))
		n = w;
	/* Spaces over what is left of a longer line before it. */
	fprintf(stderr, "\r%.*s%*s", (int)n, line,
	    progress.shown > n ? (int)(progress.shown - n) : 0, "");
	if (progress.shown > n)
		fprintf(stderr, "\r%.*s", (int)n, line);
	fflush(stderr);
	progress.shown = n;
	free(line);
}

/* The shell being waited for, asked about at each tick. */
static char	*progress_dir;

/* Say what the daemon is doing for the shell of progress_dir. */
static void
progress_shell_refresh(void)
{
	struct ipc_reply	 reply;
	struct shell_reply	 r;
	char			*cause = NULL;

	if (ipc_dir_request(MSG_STATUS, progress_dir, &reply, 1000,
	    &cause) != 0) {
		free(cause);
		return;
	}
	if (shell_reply_decode(&r, &reply, &cause) == 0) {
		if (r.state == SHELL_EVALUATING && *r.shell != '\0')
			progress_set("evaluating the %s shell of %s%s%s",
			    r.shell, r.root, *r.activity != '\0' ? ": " : "",
			    r.activity);
		else if (r.state == SHELL_EVALUATING)
			progress_set("listing the devShells of %s", r.root);
		shell_reply_release(&r);
	}
	free(cause);
	ipc_reply_release(&reply);
}

void
progress_start_shell(const char *dir)
{
	free(progress_dir);
	progress_dir = xstrdup(dir);
	progress_start(progress_shell_refresh);
	progress_set("waiting for the shell of %s", dir);
}

void
progress_clear(void)
{
	if (progress.on && progress.shown != 0) {
		fprintf(stderr, "\r%*s\r", (int)progress.shown, "");
		fflush(stderr);
	}
	progress.shown = 0;
}

void
progress_end(void)
{
	progress_clear();
	progress.on = 0;
	progress.shown = 0;
	progress.refresh = NULL;
	free(progress.what);
	progress.what = NULL;
	free(progress_dir);
	progress_dir = NULL;
}
