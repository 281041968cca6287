/*
 * fakedaemon: a stand-in hearthd of another version on a Unix socket, for
 * the tests of `hearth doctor`'s version checks.
 *
 *   fakedaemon [-n CONNECTIONS] [-t SECONDS] -v VERSION SOCKET
 *	answer PING with a PONG saying VERSION (and this pid), and STOP
 *	with OK, then exit, as hearthd does
 *   fakedaemon [-n CONNECTIONS] [-t SECONDS] -p PROTOCOL SOCKET
 *	answer every frame with an ERROR whose header says PROTOCOL, as a
 *	hearthd of that protocol answers a frame of ours
 *
 * The socket is bound under a temporary name and renamed to SOCKET once it
 * listens, so a test may wait for SOCKET to exist and then connect. One
 * frame is read and answered per connection. It exits after CONNECTIONS
 * connections (default: no limit), after SECONDS (default 60), on SIGTERM
 * or SIGINT, or after STOP, and removes SOCKET: no test can hang on it.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/monotime.h"
#include "hearth/protocol.h"

/* How long one client may take to send its frame. */
#define FAKE_READ_MS	2000

static volatile sig_atomic_t	 fake_quit;

static void
fake_signal(int sig)
{
	(void)sig;
	fake_quit = 1;
}

static const char	 fake_usage[] = "usage: fakedaemon [-n connections] "
    "[-t seconds] (-v VERSION | -p PROTOCOL) SOCKET\n";

/* Read exactly n bytes within FAKE_READ_MS; -1 on a slow or gone client. */
static int
read_n(int fd, unsigned char *p, size_t n)
{
	struct pollfd	 pfd = { .fd = fd, .events = POLLIN };
	long long	 deadline = monotime_ms() + FAKE_READ_MS, left;
	ssize_t		 r;

	while (n > 0) {
		if ((left = deadline - monotime_ms()) <= 0 ||
		    poll(&pfd, 1, (int)left) <= 0)
			return (-1);
		if ((r = read(fd, p, n)) <= 0)
			return (-1);
		p += r;
		n -= r;
	}
	return (0);
}

/* Answer one client's frame; 1 after STOP (time to exit), else 0. */
static int
answer(int fd, const char *version, int protocol)
{
	unsigned char	 hdr[PROTOCOL_HEADER_SIZE], skip[4096];
	struct buf	 b = BUF_INIT;
	const char	*cause;
	uint32_t	 len;
	uint16_t	 type;
	size_t		 off, n;
	int		 stop = 0;

	if (read_n(fd, hdr, sizeof hdr) != 0 ||
	    protocol_header(hdr, &len, &type, &cause) != 0)
		return (0);
	for (; len > 0; len -= n) {
		n = len < sizeof skip ? len : sizeof skip;
		if (read_n(fd, skip, n) != 0)
			return (0);
	}
	if (protocol != -1) {
		off = protocol_begin(&b, MSG_ERROR);
		protocol_put_str(&b, "protocol version mismatch");
		protocol_end(&b, off);
		/* protocol_begin writes ours: the u16 after the length. */
		b.data[off + 4] = (char)(protocol >> 8);
		b.data[off + 5] = (char)(protocol & 0xff);
	} else if (type == MSG_PING) {
		off = protocol_begin(&b, MSG_PONG);
		protocol_put_u32(&b, (uint32_t)getpid());
		protocol_put_str(&b, version);
		protocol_end(&b, off);
	} else if (type == MSG_STOP) {
		off = protocol_begin(&b, MSG_OK);
		protocol_put_str(&b, "fakedaemon is stopping");
		protocol_end(&b, off);
		stop = 1;
	} else {
		off = protocol_begin(&b, MSG_ERROR);
		protocol_put_str(&b, "fakedaemon answers PING and STOP only");
		protocol_end(&b, off);
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len)
		fprintf(stderr, "fakedaemon: write: %s\n", strerror(errno));
	buf_release(&b);
	return (stop);
}

int
main(int argc, char **argv)
{
	struct sockaddr_un	 sun;
	struct sigaction	 sa;
	sigset_t		 block, wait;
	struct pollfd		 pfd;
	const char		*version = NULL, *path;
	char			*end, tmp[sizeof sun.sun_path];
	long			 protocol = -1, seconds = 60, conns = 0, served;
	long long		 deadline, left;
	struct timespec		 ts;
	int			 ch, fd, c, rc = 1;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s"
		    "  -v VERSION   answer PING with a PONG saying VERSION\n"
		    "  -p PROTOCOL  answer with frames of protocol PROTOCOL\n"
		    "  -n N         exit after N connections (default: no "
		    "limit)\n"
		    "  -t SECONDS   exit after SECONDS (default 60)\n",
		    fake_usage);
		return (0);
	}
	opterr = 0;
	while ((ch = getopt(argc, argv, "n:p:t:v:")) != -1) {
		switch (ch) {
		case 'n':
			conns = strtol(optarg, &end, 10);
			if (*end != '\0' || conns < 1)
				goto bad;
			break;
		case 'p':
			protocol = strtol(optarg, &end, 10);
			if (*end != '\0' || protocol < 0 || protocol > 65535 ||
			    protocol == PROTOCOL_VERSION)
				goto bad;
			break;
		case 't':
			seconds = strtol(optarg, &end, 10);
			if (*end != '\0' || seconds < 1 || seconds > 3600)
				goto bad;
			break;
		case 'v':
			version = optarg;
			break;
		default:
			goto bad;
		}
	}
	/* Exactly one mode, and the socket. */
	if ((version == NULL) == (protocol == -1) || argc - optind != 1)
		goto bad;
	path = argv[optind];
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (snprintf(tmp, sizeof tmp, "%s.fake", path) >= (int)sizeof tmp) {
		fprintf(stderr, "fakedaemon: socket path too long: %s\n", path);
		return (1);
	}
	strcpy(sun.sun_path, tmp);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fake_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Taken only inside ppoll(), so none slips in before it waits. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &wait);
	sigdelset(&wait, SIGTERM);
	sigdelset(&wait, SIGINT);

	unlink(tmp);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof sun) == -1 ||
	    listen(fd, 16) == -1 || rename(tmp, path) == -1) {
		fprintf(stderr, "fakedaemon: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return (1);
	}
	deadline = monotime_ms() + seconds * 1000;
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (served = 0; !fake_quit && (conns == 0 || served < conns);) {
		if ((left = deadline - monotime_ms()) <= 0) {
			fprintf(stderr, "fakedaemon: %ld s passed\n", seconds);
			goto out;
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = left % 1000 * 1000000;
		if (ppoll(&pfd, 1, &ts, &wait) <= 0)
			continue;
		if ((c = accept(fd, NULL, NULL)) == -1)
			continue;
		served++;
		if (answer(c, version, (int)protocol)) {
			close(c);
			break;
		}
		close(c);
	}
	rc = 0;
out:
	unlink(path);
	close(fd);
	return (rc);

bad:
	fputs(fake_usage, stderr);
	return (2);
}
