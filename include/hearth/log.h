/*
 * Logging in the OpenBSD style: log_warn appends strerror(errno),
 * log_warnx does not; fatal and fatalx log and exit. The daemon logs to a
 * file (and stderr when in the foreground); the client logs to stderr with
 * a "hearth: " prefix.
 */
#ifndef HEARTH_LOG_H
#define HEARTH_LOG_H

#include <stdarg.h>

/* What reaches stderr: nothing, warnings and fatal errors, or all. */
#define LOG_STDERR_NONE	0
#define LOG_STDERR_WARN	1
#define LOG_STDERR_ALL	2

/* Where log lines go: a file path (or NULL), stderr, and verbosity. */
void	log_init(const char *prog, const char *file, int to_stderr,
	    int verbose);
/* Close the log file. */
void	log_close(void);
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2),
	    noreturn));

#endif
