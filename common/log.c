/*
 * Log lines with a timestamp to the daemon's log file, and plain
 * "prog: message" lines to stderr. Logging never fails the caller: a log
 * file that cannot be written is dropped silently.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/log.h"

static const char	*log_prog = "hearth";
static FILE		*log_file;
static int		 log_stderr = 1;
static int		 log_verbose;

void
log_init(const char *prog, const char *file, int to_stderr, int verbose)
{
	int	 fd;

	log_prog = prog;
	log_stderr = to_stderr;
	log_verbose = verbose;
	log_close();
	if (file == NULL)
		return;
	fd = open(file, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600);
	if (fd == -1)
		return;
	if ((log_file = fdopen(fd, "a")) == NULL)
		close(fd);
	else
		setvbuf(log_file, NULL, _IOLBF, 0);
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

static void
log_vwrite(const char *level, const char *fmt, va_list ap, const char *err)
{
	char		 msg[4096], stamp[32];
	struct timespec	 ts;
	struct tm	 tm;

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_stderr == LOG_STDERR_ALL || (log_stderr == LOG_STDERR_WARN &&
	    strcmp(level, "info") != 0 && strcmp(level, "debug") != 0)) {
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_prog, msg, err);
		else
			fprintf(stderr, "%s: %s\n", log_prog, msg);
	}
	if (log_file != NULL) {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(log_file, "%s.%03ld [%d] %s: %s%s%s\n", stamp,
		    ts.tv_nsec / 1000000, (int)getpid(), level, msg,
		    err != NULL ? ": " : "", err != NULL ? err : "");
	}
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite("debug", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("info", fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite("warn", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("warn", fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite("fatal", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite("fatal", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
