/*
 * ptyrun - drive a real interactive program (bash, zsh, fish) on a
 * pseudo-terminal for hearth's integration tests.  The shell under test
 * must believe it is talking to a user: interactive, line editing on, job
 * control on, with a controlling terminal.  ptyrun starts PROGRAM as a
 * session leader on a fresh pty, waits until a marker string (the test's
 * prompt) shows up in its output, then types the lines read from its own
 * stdin one at a time, each followed by a carriage return, waiting for the
 * marker to appear again (after the shell has echoed that line's Enter)
 * before typing the next.  After the last line it types "exit" and waits
 * for PROGRAM to finish.  Everything PROGRAM writes to the terminal is
 * copied, with carriage returns dropped, to stdout (or a transcript file)
 * so tests can grep it, and an overall timeout turns a hung shell into a
 * failed test rather than a hung one.  With -T it also times each typed
 * line: the microseconds from writing its Enter to the pty until the next
 * prompt marker is read back, which is what a user waits at a prompt.
 *
 * Build: cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
 *            -o build/ptyrun tests/tools/ptyrun.c -lutil
 */

#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_MARKER	"PTYRUN_PROMPT>"
#define DEFAULT_TIMEOUT	60.0
#define WIN_COLS	200
#define WIN_ROWS	50
#define READ_CHUNK	4096
/*
 * After the child is reaped we keep reading the master until the slave side
 * reports EOF, but a stray grandchild may hold the slave open forever, so
 * give up once the pty has been quiet this long.
 */
#define DRAIN_QUIET_MS	200

#define EXIT_USAGE	2
#define EXIT_TIMEOUT	124	/* same as timeout(1) */
#define EXIT_INTERNAL	125	/* ptyrun itself failed */

static const char usage_text[] =
    "usage: ptyrun [-t SECONDS] [-m MARKER] [-o TRANSCRIPT] [-T TIMES] -- "
    "PROGRAM [ARGS...]\n"
    "\n"
    "Run PROGRAM on a pseudo-terminal (200x50) as a session leader.  Wait for\n"
    "MARKER (default '" DEFAULT_MARKER "') in its output, then type each line\n"
    "of stdin followed by CR, waiting for MARKER again after each line (only\n"
    "output after the first newline that follows the typed line counts).\n"
    "After the last line type 'exit' and wait for PROGRAM to exit.  The\n"
    "terminal output, without CR bytes, goes to stdout or to TRANSCRIPT.\n"
    "\n"
    "  -t SECONDS     overall timeout (default 60)\n"
    "  -m MARKER      prompt marker to wait for\n"
    "  -o TRANSCRIPT  write the terminal output to this file\n"
    "  -T TIMES       for each typed line, write to TIMES one line with the\n"
    "                 microseconds from writing its CR to the pty until the\n"
    "                 next MARKER was read (CLOCK_MONOTONIC)\n"
    "  -h, --help     show this help\n"
    "\n"
    "Exit status: PROGRAM's status (128+N if killed by signal N), 124 on\n"
    "timeout, 2 on bad usage, 125 if ptyrun itself fails.\n";

struct script {
	char	**lines;
	size_t	  nlines;
};

struct run {
	const struct script *script;
	const char *marker;
	size_t	 mlen;
	int	 master;	/* pty master; -1 once it reports EOF */
	int	 sigfd;		/* signalfd delivering SIGCHLD */
	int	 outfd;		/* transcript */
	bool	 out_failed;	/* stop writing after the first error */
	pid_t	 pid;
	int	 status;
	bool	 reaped;
	size_t	 sent;		/* script lines typed so far */
	bool	 exit_sent;
	/*
	 * False from typing a line until the shell echoes the newline that
	 * ends it: line editors (fish on a dumb terminal, for one) repaint
	 * the prompt while echoing input, and such a repaint is not the
	 * prompt for the next line.
	 */
	bool	 armed;
	/* Output seen since armed, enough to match a split marker. */
	char	*tail;
	size_t	 taillen;
	char	*scratch;	/* tail + one chunk, for matching */
	/* Keystrokes not yet accepted by the master (it is non-blocking). */
	char	*keys;
	size_t	 keyslen;
	size_t	 keysoff;
	int	 qstate;	/* progress through a terminal query */
	/*
	 * -T: the time the last keystroke of the line being timed was
	 * written (0 while it is still queued), and whether a line awaits
	 * its prompt.
	 */
	FILE	*timesfp;
	bool	 timing;
	double	 sent_at;
	double	 read_at;	/* when the output being matched was read */
};

static _Noreturn void
die(const char *msg)
{
	fprintf(stderr, "ptyrun: %s: %s\n", msg, strerror(errno));
	exit(EXIT_INTERNAL);
}

static _Noreturn void
usage_error(const char *msg)
{
	fprintf(stderr, "ptyrun: %s (try 'ptyrun --help')\n", msg);
	exit(EXIT_USAGE);
}

static void *
xrealloc(void *p, size_t n)
{
	void *q;

	if ((q = realloc(p, n)) == NULL)
		die("realloc");
	return q;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct script
read_script(FILE *fp)
{
	struct script s = { NULL, 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, fp)) != -1) {
		/* Tolerate CRLF scripts: we add the CR ourselves. */
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		s.lines = xrealloc(s.lines, (s.nlines + 1) * sizeof(*s.lines));
		if ((s.lines[s.nlines++] = strdup(line)) == NULL)
			die("strdup");
	}
	if (ferror(fp))
		die("reading script from stdin");
	free(line);
	return s;
}

static void
transcript(struct run *r, const char *buf, size_t len)
{
	ssize_t n;

	while (!r->out_failed && len > 0) {
		n = write(r->outfd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "ptyrun: writing transcript: %s\n",
			    strerror(errno));
			r->out_failed = true;
			break;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void
queue_keys(struct run *r, const char *buf, size_t len)
{
	/* An empty line queues nothing; realloc(p, 0) would free p. */
	if (len == 0)
		return;
	r->keys = xrealloc(r->keys, r->keyslen + len);
	memcpy(r->keys + r->keyslen, buf, len);
	r->keyslen += len;
}

/* Type a line and forget output seen so far: only a later prompt counts. */
static void
type_line(struct run *r, const char *line)
{
	queue_keys(r, line, strlen(line));
	queue_keys(r, "\r", 1);	/* Enter, as a terminal sends it */
	r->taillen = 0;
	r->armed = false;
}

/*
 * Answer Primary Device Attributes queries (ESC [ c, ESC [ 0 c) as a VT100
 * would.  fish 4.1 and later send one at startup and stall for seconds if
 * no terminal answers; fish 3.x and bash/zsh never ask.  A byte-at-a-time
 * state machine, so a query split across reads is still seen.
 */
static void
answer_queries(struct run *r, const char *buf, size_t len)
{
	static const char da_reply[] = "\033[?1;2c";
	/* nushell's line editor asks where the cursor is: top left. */
	static const char cpr_reply[] = "\033[1;1R";
	size_t i;

	for (i = 0; i < len; i++) {
		switch (buf[i] == '\033' ? 0 : r->qstate) {
		case 0:
			r->qstate = buf[i] == '\033';
			break;
		case 1:
			r->qstate = buf[i] == '[' ? 2 : 0;
			break;
		case 2:
		case 3:
			if (buf[i] == 'c')
				queue_keys(r, da_reply, sizeof(da_reply) - 1);
			if (buf[i] == '6' && r->qstate == 2) {
				r->qstate = 4;
				break;
			}
			r->qstate = buf[i] == '0' && r->qstate == 2 ? 3 : 0;
			break;
		case 4:
			if (buf[i] == 'n')
				queue_keys(r, cpr_reply, sizeof(cpr_reply) - 1);
			r->qstate = 0;
			break;
		}
	}
}

static void
prompt_seen(struct run *r)
{
	if (r->timing) {
		/* The shell echoed the line, so all its keys were written. */
		double t = r->sent_at > 0 ? r->read_at - r->sent_at : 0;

		if (fprintf(r->timesfp, "%.0f\n", t * 1e6) < 0)
			die("writing -T file");
		r->timing = false;
	}
	if (r->sent < r->script->nlines) {
		type_line(r, r->script->lines[r->sent++]);
		r->timing = r->timesfp != NULL;
		r->sent_at = 0;
	} else if (!r->exit_sent) {
		type_line(r, "exit");
		r->exit_sent = true;
	}
}

/* Look for the marker in CR-free output, even if split across reads. */
static void
match_output(struct run *r, const char *buf, size_t len)
{
	const char *nl;
	size_t keep, total;

	if (r->exit_sent)
		return;
	if (!r->armed) {
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return;
		r->armed = true;
		len -= (size_t)(nl + 1 - buf);
		buf = nl + 1;
	}
	while (len > 0) {
		size_t n = len < READ_CHUNK ? len : READ_CHUNK;

		memcpy(r->scratch, r->tail, r->taillen);
		memcpy(r->scratch + r->taillen, buf, n);
		total = r->taillen + n;
		if (memmem(r->scratch, total, r->marker, r->mlen) != NULL) {
			/*
			 * Whatever follows the marker in this chunk was
			 * written before we typed anything, so drop it.
			 */
			prompt_seen(r);
			return;
		}
		keep = r->mlen - 1 < total ? r->mlen - 1 : total;
		memcpy(r->tail, r->scratch + total - keep, keep);
		r->taillen = keep;
		buf += n;
		len -= n;
	}
}

/* Read what the master has; on EOF (EIO on Linux) mark it closed. */
static void
read_master(struct run *r)
{
	char buf[READ_CHUNK];
	ssize_t n;
	size_t i, j;

	for (;;) {
		n = read(r->master, buf, sizeof(buf));
		r->read_at = now();
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			/* EIO: all slave fds are closed; the child is gone. */
			if (n == -1 && errno != EIO)
				fprintf(stderr, "ptyrun: reading pty: %s\n",
				    strerror(errno));
			close(r->master);
			r->master = -1;
			r->keyslen = r->keysoff = 0;
			return;
		}
		answer_queries(r, buf, (size_t)n);
		for (i = j = 0; i < (size_t)n; i++)
			if (buf[i] != '\r')
				buf[j++] = buf[i];
		transcript(r, buf, j);
		match_output(r, buf, j);
	}
}

static void
write_keys(struct run *r)
{
	ssize_t n;

	while (r->keysoff < r->keyslen) {
		n = write(r->master, r->keys + r->keysoff,
		    r->keyslen - r->keysoff);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n == -1) {
			/* EIO: the child is gone; its status will tell. */
			r->keysoff = r->keyslen;
			break;
		}
		r->keysoff += (size_t)n;
	}
	/* All keys are out: the Enter of a timed line was just sent. */
	if (r->timing && r->sent_at == 0)
		r->sent_at = now();
	r->keysoff = r->keyslen = 0;
}

static void
reap(struct run *r)
{
	struct signalfd_siginfo si;
	pid_t p;

	/* SIGCHLDs coalesce: drain the signalfd and ask waitpid. */
	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		continue;
	do
		p = waitpid(r->pid, &r->status, WNOHANG);
	while (p == -1 && errno == EINTR);
	if (p == r->pid)
		r->reaped = true;
	else if (p == -1)
		die("waitpid");
}

/*
 * SIGKILL every process left in the child's session: background jobs have
 * process groups of their own and no one else would ever stop them.
 */
static void
kill_session(pid_t sid)
{
	struct dirent *de;
	DIR *d;
	char *end;
	long p;

	if ((d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		p = strtol(de->d_name, &end, 10);
		if (*end == '\0' && p > 0 && getsid((pid_t)p) == sid)
			kill((pid_t)p, SIGKILL);
	}
	closedir(d);
}

static void
timed_out(struct run *r, double timeout)
{
	pid_t fg;

	if (r->exit_sent)
		fprintf(stderr, "ptyrun: timed out after %g s waiting for "
		    "the child to exit after typing 'exit'\n", timeout);
	else if (r->sent == 0)
		fprintf(stderr, "ptyrun: timed out after %g s waiting for "
		    "the first prompt\n", timeout);
	else
		fprintf(stderr, "ptyrun: timed out after %g s waiting for "
		    "the prompt after line %zu: %s\n", timeout, r->sent,
		    r->script->lines[r->sent - 1]);
	/*
	 * With job control on, a running command sits in its own process
	 * group, which killing the shell's group would miss.
	 */
	if (r->master != -1 && (fg = tcgetpgrp(r->master)) > 0 &&
	    fg != r->pid)
		kill(-fg, SIGKILL);
	kill(-r->pid, SIGKILL);
	kill_session(r->pid);
	while (waitpid(r->pid, NULL, 0) == -1 && errno == EINTR)
		continue;
}

static pid_t
spawn(int *masterp, char **argv, const sigset_t *childmask)
{
	struct winsize ws = { .ws_row = WIN_ROWS, .ws_col = WIN_COLS };
	pid_t pid;

	/* forkpty makes the child a session leader with the pty as its tty. */
	if ((pid = forkpty(masterp, NULL, NULL, &ws)) == -1)
		die("forkpty");
	if (pid == 0) {
		/* Don't leak our blocked SIGCHLD into the shell. */
		sigprocmask(SIG_SETMASK, childmask, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "ptyrun: exec %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	return pid;
}

static int
run(struct run *r, char **argv, double timeout)
{
	sigset_t chld, oldmask;
	struct pollfd pfd[2];
	double deadline, left, quiet_until = 0;
	int ms, n, flags;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &chld, &oldmask) == -1)
		die("sigprocmask");
	if ((r->sigfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		die("signalfd");
	r->pid = spawn(&r->master, argv, &oldmask);
	if ((flags = fcntl(r->master, F_GETFL)) == -1 ||
	    fcntl(r->master, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(r->master, F_SETFD, FD_CLOEXEC) == -1)
		die("fcntl");

	deadline = now() + timeout;
	for (;;) {
		left = deadline - now();
		if (r->reaped && (r->master == -1 || now() >= quiet_until ||
		    left <= 0))
			break;
		if (!r->reaped && left <= 0) {
			timed_out(r, timeout);
			return EXIT_TIMEOUT;
		}
		/* Round up so we never spin on a sub-millisecond remainder. */
		ms = (int)(left * 1000) + 1;
		if (r->reaped && ms > DRAIN_QUIET_MS)
			ms = DRAIN_QUIET_MS;

		pfd[0].fd = r->master;
		pfd[0].events = POLLIN | (r->keyslen > 0 ? POLLOUT : 0);
		pfd[0].revents = 0;
		pfd[1].fd = r->reaped ? -1 : r->sigfd;
		pfd[1].events = POLLIN;
		pfd[1].revents = 0;
		n = poll(pfd, 2, ms);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			die("poll");
		if (n == 0 && r->reaped)
			break;		/* quiet after exit: done draining */
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			read_master(r);
			quiet_until = now() + DRAIN_QUIET_MS / 1000.0;
		}
		if (r->master != -1 && (pfd[0].revents & POLLOUT))
			write_keys(r);
		if (pfd[1].revents & POLLIN) {
			reap(r);
			quiet_until = now() + DRAIN_QUIET_MS / 1000.0;
		}
	}
	if (WIFSIGNALED(r->status))
		return 128 + WTERMSIG(r->status);
	return WEXITSTATUS(r->status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct run r = { .master = -1, .sigfd = -1, .outfd = STDOUT_FILENO,
	    .armed = true };
	struct script script;
	const char *outpath = NULL, *timespath = NULL;
	double timeout = DEFAULT_TIMEOUT;
	char *end, msg[128];
	int c, status;
	size_t i;

	r.marker = DEFAULT_MARKER;
	opterr = 0;	/* we print our own one-line errors */
	/* '+': stop at PROGRAM so its own options are left alone. */
	while ((c = getopt_long(argc, argv, "+ht:m:o:T:", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 't':
			errno = 0;
			timeout = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(timeout > 0 && timeout <= 1e6))
				usage_error("-t wants a positive number "
				    "of seconds");
			break;
		case 'm':
			if (*optarg == '\0')
				usage_error("-m wants a non-empty marker");
			r.marker = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'T':
			timespath = optarg;
			break;
		case '?':
		default:
			if (optopt != 0 && strchr("tmoT", optopt) != NULL)
				snprintf(msg, sizeof(msg),
				    "option -%c needs an argument", optopt);
			else if (optopt != 0)
				snprintf(msg, sizeof(msg),
				    "unknown option -%c", optopt);
			else
				snprintf(msg, sizeof(msg), "unknown option %s",
				    argv[optind - 1]);
			usage_error(msg);
		}
	}
	if (optind >= argc)
		usage_error("no PROGRAM given");

	if (outpath != NULL &&
	    (r.outfd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1)
		die(outpath);
	if (timespath != NULL &&
	    (r.timesfp = fopen(timespath, "we")) == NULL)
		die(timespath);

	script = read_script(stdin);
	r.script = &script;
	r.mlen = strlen(r.marker);
	if ((r.tail = malloc(r.mlen)) == NULL ||
	    (r.scratch = malloc(r.mlen + READ_CHUNK)) == NULL)
		die("malloc");

	status = run(&r, argv + optind, timeout);
	if (r.out_failed && status != EXIT_TIMEOUT)
		status = EXIT_INTERNAL;

	if (r.master != -1)
		close(r.master);
	close(r.sigfd);
	if (outpath != NULL && close(r.outfd) == -1) {
		fprintf(stderr, "ptyrun: closing %s: %s\n", outpath,
		    strerror(errno));
		status = EXIT_INTERNAL;
	}
	if (r.timesfp != NULL && fclose(r.timesfp) == EOF) {
		fprintf(stderr, "ptyrun: closing %s: %s\n", timespath,
		    strerror(errno));
		status = EXIT_INTERNAL;
	}
	for (i = 0; i < script.nlines; i++)
		free(script.lines[i]);
	free(script.lines);
	free(r.tail);
	free(r.scratch);
	free(r.keys);
	return status;
}
