/*
 * Request handlers, one per message type, found through one table. Each
 * handler reads its fields through a protocol_reader and checks that the
 * payload was well-formed and fully consumed before acting on it; a
 * malformed request makes the handler return -1 and the server drops that
 * client.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.1.0"
#endif

/* Directories come from clients: cap them like every other input. */
#define REQUEST_MAX_DIR	4096

typedef int	(*request_fn)(struct client *, struct protocol_reader *);

static void
request_reply_text(struct client *c, enum msg_type type, const char *text)
{
	struct buf	 b = BUF_INIT;
	size_t		 off;

	off = protocol_begin(&b, type);
	protocol_put_str(&b, text);
	protocol_end(&b, off);
	server_send(c, &b);
}

/*
 * Check a directory read from a request, once the whole payload was read:
 * NULL (and the directory freed) if the request is malformed.
 */
static char *
request_dir_ok(struct protocol_reader *r, char *dir)
{
	if (protocol_reader_done(r) != 0 || dir == NULL || dir[0] != '/' ||
	    strlen(dir) > REQUEST_MAX_DIR) {
		free(dir);
		return (NULL);
	}
	return (dir);
}

/* Read the one directory field most requests carry. */
static char *
request_dir(struct protocol_reader *r)
{
	return (request_dir_ok(r, protocol_get_str(r)));
}

int
request_shell_reply(struct buf *b, const char *dir, uint64_t applied,
    int with_env)
{
	struct shell_info	 info;
	size_t			 off;
	int			 unsettled;

	workspace_describe(dir, &info);
	unsettled = info.state == SHELL_EVALUATING;
	off = protocol_begin(b, MSG_SHELL);
	protocol_put_u8(b, info.state);
	protocol_put_str(b, info.root);
	protocol_put_str(b, info.shell);
	protocol_put_str(b, info.message);
	protocol_put_str(b, info.changed);
	protocol_put_u64(b, info.snapshot_id);
	protocol_put_u64(b, info.snapshot_made);
	protocol_put_u64(b, info.last_eval);
	protocol_put_u32(b, info.last_eval_ms);
	/* A shell that already has this snapshot needs no copy of it. */
	if (with_env && info.env != NULL && info.snapshot_id != applied) {
		protocol_put_u8(b, 1);
		protocol_put_bytes(b, info.env->data, info.env->len);
		protocol_put_bytes(b, info.hook_output->data,
		    info.hook_output->len);
	} else
		protocol_put_u8(b, 0);
	protocol_end(b, off);
	shell_info_release(&info);
	return (unsettled);
}

static int
request_ping(struct client *c, struct protocol_reader *r)
{
	struct buf	 b = BUF_INIT;
	size_t		 off;

	if (protocol_reader_done(r) != 0)
		return (-1);
	off = protocol_begin(&b, MSG_PONG);
	protocol_put_u32(&b, (uint32_t)getpid());
	protocol_put_str(&b, HEARTH_VERSION);
	protocol_end(&b, off);
	server_send(c, &b);
	return (0);
}

static int
request_export(struct client *c, struct protocol_reader *r)
{
	struct buf	 b = BUF_INIT;
	char		*dir;
	uint64_t	 applied;

	dir = protocol_get_str(r);
	applied = protocol_get_u64(r);
	if ((dir = request_dir_ok(r, dir)) == NULL)
		return (-1);
	request_shell_reply(&b, dir, applied, 1);
	server_send(c, &b);
	free(dir);
	return (0);
}

static int
request_status(struct client *c, struct protocol_reader *r)
{
	struct buf	 b = BUF_INIT;
	char		*dir;

	if ((dir = request_dir(r)) == NULL)
		return (-1);
	request_shell_reply(&b, dir, 0, 0);
	server_send(c, &b);
	free(dir);
	return (0);
}

static int
request_wait(struct client *c, struct protocol_reader *r)
{
	struct buf	 b = BUF_INIT;
	char		*dir;

	if ((dir = request_dir(r)) == NULL)
		return (-1);
	/* Answer now if settled; otherwise when the shell settles. */
	if (request_shell_reply(&b, dir, 0, 0))
		server_wait(c, dir);
	else
		server_send(c, &b);
	buf_release(&b);
	free(dir);
	return (0);
}

static int
request_trust(struct client *c, struct protocol_reader *r,
    int (*fn)(const char *, char **, char **))
{
	char	*dir, *msg = NULL, *cause = NULL;

	if ((dir = request_dir(r)) == NULL)
		return (-1);
	if (fn(dir, &msg, &cause) == 0)
		request_reply_text(c, MSG_OK, msg);
	else
		request_reply_text(c, MSG_ERROR, cause);
	free(msg);
	free(cause);
	free(dir);
	return (0);
}

static int
request_allow(struct client *c, struct protocol_reader *r)
{
	return (request_trust(c, r, workspace_allow));
}

static int
request_deny(struct client *c, struct protocol_reader *r)
{
	return (request_trust(c, r, workspace_deny));
}

static int
request_stop(struct client *c, struct protocol_reader *r)
{
	if (protocol_reader_done(r) != 0)
		return (-1);
	request_reply_text(c, MSG_OK, "hearthd stopping");
	hearthd_shutdown();
	return (0);
}

static const struct {
	enum msg_type	 type;
	request_fn	 fn;
} request_table[] = {
	{ MSG_PING, request_ping },
	{ MSG_EXPORT, request_export },
	{ MSG_STATUS, request_status },
	{ MSG_WAIT, request_wait },
	{ MSG_ALLOW, request_allow },
	{ MSG_DENY, request_deny },
	{ MSG_STOP, request_stop },
};

int
request_dispatch(struct client *c, uint16_t type, const void *payload,
    size_t len)
{
	struct protocol_reader	 r;
	size_t			 i;

	for (i = 0; i < sizeof request_table / sizeof *request_table; i++) {
		if (request_table[i].type != type)
			continue;
		protocol_reader_init(&r, payload, len);
		return (request_table[i].fn(c, &r));
	}
	log_warnx("unknown request type %u", type);
	return (-1);
}
