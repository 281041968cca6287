/*
 * hearthd: the interface of server.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_SERVER_H
#define HEARTHD_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "hearth/buf.h"

struct client;

/* server.c: the control socket and its clients. */
/*
 * The listening socket a service manager passed (sd_listen_fds(3)) in *fd,
 * or -1 when there is none; -1 with *cause when it is not a usable one.
 * Unsets LISTEN_PID and LISTEN_FDS.
 */
int		 server_inherited(int *, char **);
/*
 * Listen on the inherited socket fd, or (fd -1) bind the socket path;
 * -1 with *cause.
 */
/* Handle one frame; -1 when the client sent something malformed. */
typedef int	(*server_dispatch_cb)(struct client *, uint16_t, const void *,
		    size_t);
/*
 * Encode the reply to a client waiting on a directory: 1 when its shell
 * settled (the frame is sent), 0 to keep waiting.
 */
typedef int	(*server_settled_cb)(struct buf *, const char *);
struct server_ops {
	server_dispatch_cb	 dispatch;
	server_settled_cb	 settled;
};
int		 server_start(uv_loop_t *, const char *, int,
		     const struct server_ops *, char **);
/*
 * Bind the socket's path again, once it was removed under the daemon; -1
 * with *cause.
 */
int		 server_rebind(char **);
/* Stop listening and drop every client. */
void		 server_stop(void);
/* Queue a frame to a client. */
void		 server_send(struct client *, struct buf *);
/* Disconnect a client (a malformed request, or after STOP). */
void		 server_drop(struct client *, const char *);
/* Mark a client as waiting for its directory's shell to settle. */
void		 server_wait(struct client *, const char *);
/* Something changed: answer the waiting clients whose shell settled. */
void		 server_notify(void);

#endif
