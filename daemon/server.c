/*
 * The control socket: a Unix socket in the private runtime directory,
 * accepting only peers of the daemon's own uid (SO_PEERCRED). Each client
 * sends frames (see include/hearth/protocol.h); this file reassembles them,
 * checks their header and hands them to the dispatch function it was
 * started with; it knows nothing of what they ask. Anything malformed
 * disconnects that one client and never stops the daemon. Under systemd
 * (socket activation) the listening socket is inherited instead of bound,
 * and it stays when the daemon stops, so that the next client starts it.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/protocol.h"
#include "hearth/xmalloc.h"
#include "server.h"

/* Unanswered bytes a client may have queued before it is dropped. */
#define SERVER_MAX_PENDING	(64U * 1024 * 1024)

struct client {
	uv_pipe_t		 pipe;
	struct buf		 in;
	int			 closing;
	char			*wait_dir;	/* set while in WAIT */
	size_t			 pending;	/* bytes being written */
	uv_shutdown_t		 shutdown;
	TAILQ_ENTRY(client)	 entry;
};

struct write_req {
	uv_write_t	 req;
	struct client	*client;
	char		*data;
	size_t		 len;
};

static TAILQ_HEAD(, client) clients = TAILQ_HEAD_INITIALIZER(clients);
static uv_pipe_t	*server_pipe;	/* the listener; a rebind replaces it */
static int		 server_listening;
static char		*server_want;	/* where clients connect */
static char		*server_path;	/* the socket bound there, if any */
static const struct server_ops *server_ops;
static int		 server_notifying;	/* in server_notify() */
static int		 server_renotify;	/* asked again meanwhile */

static void
client_closed(uv_handle_t *h)
{
	struct client	*c = h->data;

	buf_release(&c->in);
	free(c->wait_dir);
	free(c);
}

static void
client_shut(uv_shutdown_t *req, int status)
{
	struct client	*c = req->data;

	(void)status;
	uv_close((uv_handle_t *)&c->pipe, client_closed);
}

/* Close a client once its queued replies (an error, STOP's answer) left. */
static void
server_hangup(struct client *c)
{
	if (c->closing)
		return;
	if (c->pending == 0) {
		server_drop(c, NULL);
		return;
	}
	c->closing = 1;
	TAILQ_REMOVE(&clients, c, entry);
	c->shutdown.data = c;
	if (uv_shutdown(&c->shutdown, (uv_stream_t *)&c->pipe,
	    client_shut) != 0)
		uv_close((uv_handle_t *)&c->pipe, client_closed);
}

void
server_drop(struct client *c, const char *why)
{
	if (c->closing)
		return;
	if (why != NULL)
		log_warnx("dropping client: %s", why);
	c->closing = 1;
	TAILQ_REMOVE(&clients, c, entry);
	uv_close((uv_handle_t *)&c->pipe, client_closed);
}

static void
server_written(uv_write_t *req, int status)
{
	struct write_req	*w = req->data;

	w->client->pending -= w->len;
	if (status < 0 && status != UV_ECANCELED)
		server_drop(w->client, NULL);
	free(w->data);
	free(w);
}

void
server_send(struct client *c, struct buf *frame)
{
	struct write_req	*w;
	uv_buf_t		 b;
	int			 rc;

	if (c->closing) {
		buf_release(frame);
		return;
	}
	w = xcalloc(1, sizeof *w);
	w->client = c;
	w->data = buf_detach(frame, &w->len);
	w->req.data = w;
	b = uv_buf_init(w->data, (unsigned)w->len);
	if ((rc = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1,
	    server_written)) != 0) {
		free(w->data);
		free(w);
		server_drop(c, uv_strerror(rc));
		return;
	}
	c->pending += w->len;
	if (c->pending > SERVER_MAX_PENDING)
		server_drop(c, "not reading its replies");
}

static void
server_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	b->base = xmalloc(65536);
	b->len = 65536;
}

/* Hand every complete frame in the client's buffer to the dispatcher. */
static void
server_frames(struct client *c)
{
	uint32_t	 len;
	uint16_t	 type;
	const char	*cause;
	struct buf	 err = BUF_INIT;
	size_t		 off, used = 0;

	while (!c->closing && c->in.len - used >= PROTOCOL_HEADER_SIZE) {
		if (protocol_header(c->in.data + used, &len, &type,
		    &cause) != 0) {
			/* Tell the client why before hanging up. */
			off = protocol_begin(&err, MSG_ERROR);
			protocol_put_str(&err, cause);
			protocol_end(&err, off);
			server_send(c, &err);
			server_drop(c, cause);
			return;
		}
		if (c->in.len - used - PROTOCOL_HEADER_SIZE < len)
			break;
		if (server_ops->dispatch(c, type, c->in.data + used +
		    PROTOCOL_HEADER_SIZE, len) != 0) {
			server_drop(c, "malformed request");
			return;
		}
		used += PROTOCOL_HEADER_SIZE + len;
	}
	if (used != 0 && !c->closing) {
		memmove(c->in.data, c->in.data + used, c->in.len - used);
		buf_truncate(&c->in, c->in.len - used);
	}
}

static void
server_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct client	*c = s->data;

	if (n > 0) {
		buf_add(&c->in, b->base, n);
		server_frames(c);
	} else if (n < 0)
		server_drop(c, NULL);
	free(b->base);
}

/*
 * Only the daemon's own user may talk to it. Anyone else is told why, in
 * one line, and disconnected.
 */
static int
server_peer_ok(struct client *c)
{
	struct ucred	 cred;
	socklen_t	 len = sizeof cred;
	uv_os_fd_t	 fd;
	struct buf	 b = BUF_INIT;
	size_t		 off;
	char		*msg;

	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return (0);
	if (cred.uid == getuid())
		return (1);
	log_warnx("refused a connection from uid %u (pid %d)",
	    (unsigned)cred.uid, (int)cred.pid);
	msg = xasprintf("permission denied: this hearthd serves uid %u only; "
	    "run hearth as that user", (unsigned)getuid());
	off = protocol_begin(&b, MSG_ERROR);
	protocol_put_str(&b, msg);
	protocol_end(&b, off);
	server_send(c, &b);
	free(msg);
	server_hangup(c);
	return (0);
}

static void
server_pipe_closed(uv_handle_t *h)
{
	free(h);
}

static void
server_accept(uv_stream_t *s, int status)
{
	struct client	*c;

	if (status < 0) {
		log_warnx("accept: %s", uv_strerror(status));
		return;
	}
	c = xcalloc(1, sizeof *c);
	buf_init(&c->in);
	uv_pipe_init(s->loop, &c->pipe, 0);
	c->pipe.data = c;
	TAILQ_INSERT_TAIL(&clients, c, entry);
	if (uv_accept(s, (uv_stream_t *)&c->pipe) != 0) {
		server_drop(c, NULL);
		return;
	}
	if (!server_peer_ok(c)) {
		server_hangup(c);
		return;
	}
	uv_read_start((uv_stream_t *)&c->pipe, server_alloc, server_read);
}

/*
 * Is a daemon answering on this path? A socket file with nobody behind it
 * is left over from a crash and may be replaced.
 */
static int
server_alive(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, rc;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, path, sizeof sun.sun_path - 1);
	rc = connect(fd, (struct sockaddr *)&sun, sizeof sun);
	close(fd);
	return (rc == 0);
}

/* The first descriptor a service manager passes (SD_LISTEN_FDS_START). */
#define SERVER_LISTEN_FDS_START	3

/* An integer socket option of fd, or -1. */
static int
server_sockopt(int fd, int opt)
{
	int		 v;
	socklen_t	 len = sizeof v;

	if (getsockopt(fd, SOL_SOCKET, opt, &v, &len) != 0)
		return (-1);
	return (v);
}

int
server_inherited(int *fdp, char **cause)
{
	const char	*pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	char		*end;
	long		 mine = 0, n = 0, i;
	int		 fd = SERVER_LISTEN_FDS_START;

	*fdp = -1;
	if (pid == NULL || fds == NULL)
		return (0);
	/*
	 * As sd_listen_fds(3) does: the descriptors are for the process
	 * LISTEN_PID names only, and the variables are unset so that
	 * evaluations never see them. Parse them before they are unset.
	 */
	errno = 0;
	if (strtol(pid, &end, 10) == (long)getpid() && *end == '\0' &&
	    errno == 0) {
		mine = 1;
		n = strtol(fds, &end, 10);
		if (*end != '\0' || errno != 0)
			n = 0;
	}
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (!mine || n < 1)
		return (0);
	/* Only the first is used; none of them may reach an evaluation. */
	for (i = 0; i < n && i < 1024; i++)
		fcntl(fd + i, F_SETFD, FD_CLOEXEC);
	if (server_sockopt(fd, SO_DOMAIN) != AF_UNIX ||
	    server_sockopt(fd, SO_TYPE) != SOCK_STREAM ||
	    server_sockopt(fd, SO_ACCEPTCONN) != 1) {
		*cause = xasprintf("LISTEN_FDS is set, but fd %d is not a "
		    "listening Unix stream socket", fd);
		return (-1);
	}
	*fdp = fd;
	return (0);
}

/*
 * Listen on a socket the service manager bound. Its path is the manager's
 * to keep: it is neither checked for staleness nor removed on stop.
 */
static int
server_adopt(uv_loop_t *loop, const char *path, int fd, char **cause)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof sun;
	int			 rc;

	memset(&sun, 0, sizeof sun);
	if (getsockname(fd, (struct sockaddr *)&sun, &len) == 0 &&
	    strncmp(sun.sun_path, path, sizeof sun.sun_path) != 0)
		log_warnx("the inherited socket is %.*s, but hearth connects "
		    "to %s", (int)sizeof sun.sun_path, sun.sun_path, path);
	server_pipe = xcalloc(1, sizeof *server_pipe);
	uv_pipe_init(loop, server_pipe, 0);
	if ((rc = uv_pipe_open(server_pipe, fd)) == 0)
		rc = uv_listen((uv_stream_t *)server_pipe, 64, server_accept);
	if (rc != 0) {
		*cause = xasprintf("cannot listen on the inherited socket "
		    "(fd %d): %s", fd, uv_strerror(rc));
		uv_close((uv_handle_t *)server_pipe, server_pipe_closed);
		server_pipe = NULL;
		return (-1);
	}
	log_info("using the listening socket passed by the service manager "
	    "(fd %d)", fd);
	server_listening = 1;
	return (0);
}

/* Bind and listen on path, replacing the listener there was; -1 with *cause. */
static int
server_bind(uv_loop_t *loop, const char *path, char **cause)
{
	uv_pipe_t	*p;
	int		 rc;
	mode_t		 old;

	/* Closing a bound pipe unlinks its path: close before binding. */
	if (server_pipe != NULL) {
		uv_close((uv_handle_t *)server_pipe, server_pipe_closed);
		server_pipe = NULL;
		server_listening = 0;
	}
	p = xcalloc(1, sizeof *p);
	uv_pipe_init(loop, p, 0);
	old = umask(0177);
	rc = uv_pipe_bind(p, path);
	umask(old);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)p, 64, server_accept);
	if (rc != 0) {
		*cause = xasprintf("cannot listen on %s: %s", path,
		    uv_strerror(rc));
		uv_close((uv_handle_t *)p, server_pipe_closed);
		return (-1);
	}
	server_pipe = p;
	server_listening = 1;
	free(server_path);
	server_path = xstrdup(path);
	return (0);
}

int
server_start(uv_loop_t *loop, const char *path, int fd,
    const struct server_ops *ops, char **cause)
{
	server_ops = ops;
	if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		*cause = xasprintf("socket path too long: %s", path);
		return (-1);
	}
	server_want = xstrdup(path);
	if (fd != -1)
		return (server_adopt(loop, path, fd, cause));
	if (server_alive(path)) {
		*cause = xasprintf("another hearthd answers on %s", path);
		return (-1);
	}
	if (unlink(path) == 0)
		log_info("removed stale socket %s", path);
	return (server_bind(loop, path, cause));
}

/*
 * Listen at the socket's path again, after it was removed (with its
 * directory, which the caller made again). An inherited socket is
 * replaced too: its path is gone, so no client could reach it.
 */
int
server_rebind(char **cause)
{
	uv_loop_t	*loop;

	if (!server_listening) {
		*cause = xstrdup("not listening");
		return (-1);
	}
	loop = server_pipe->loop;
	if (unlink(server_want) == 0)
		log_info("removed %s, which was not this daemon's socket",
		    server_want);
	return (server_bind(loop, server_want, cause));
}

void
server_stop(void)
{
	struct client	*c;

	if (server_listening) {
		uv_close((uv_handle_t *)server_pipe, server_pipe_closed);
		server_pipe = NULL;
		server_listening = 0;
		if (server_path != NULL)
			unlink(server_path);
		free(server_path);
		server_path = NULL;
	}
	free(server_want);
	server_want = NULL;
	while ((c = TAILQ_FIRST(&clients)) != NULL)
		server_hangup(c);
}

void
server_wait(struct client *c, const char *dir)
{
	free(c->wait_dir);
	c->wait_dir = xstrdup(dir);
}

void
server_notify(void)
{
	struct client	*c, *next;
	struct buf	 frame;

	/*
	 * Building a reply can announce a change again (a shell found
	 * blocked): answer that with another pass, not from inside this one,
	 * which would answer a client twice.
	 */
	if (server_notifying) {
		server_renotify = 1;
		return;
	}
	server_notifying = 1;
	do {
		server_renotify = 0;
		/* Replying can drop a client: walk with the next in hand. */
		for (c = TAILQ_FIRST(&clients); c != NULL; c = next) {
			next = TAILQ_NEXT(c, entry);
			if (c->wait_dir == NULL)
				continue;
			buf_init(&frame);
			if (!server_ops->settled(&frame, c->wait_dir)) {
				buf_release(&frame);
				continue;
			}
			free(c->wait_dir);
			c->wait_dir = NULL;
			server_send(c, &frame);
		}
	} while (server_renotify);
	server_notifying = 0;
}
