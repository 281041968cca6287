/*
 * hearthd: the interface of request.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_REQUEST_H
#define HEARTHD_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include "server.h"

/* request.c: one handler per message type. */
/* What STOP calls: an orderly shutdown of the daemon. */
typedef void	(*request_stop_cb)(void);
/* Set up the handlers with what STOP calls. */
void		 request_init(request_stop_cb);
/* What the transport is started with: the handler table and WAIT's reply. */
extern const struct server_ops request_server_ops;

#endif
