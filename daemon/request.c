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

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/protocol.h"
#include "hearth/xmalloc.h"
#include "devshell.h"
#include "liveshells.h"
#include "request.h"
#include "server.h"
#include "settings.h"
#include "store.h"
#include "workspace.h"

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "0.1.0"
#endif

/* Directories come from clients: cap them like every other input. */
#define REQUEST_MAX_DIR	4096

typedef int	(*request_fn)(struct client *, struct protocol_reader *);

static request_stop_cb	 request_stop_fn;

#define REQUEST_UNSETTLED	0x1	/* the shell may still change */
#define REQUEST_SENT_ENV	0x2	/* the reply carries the snapshot */

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

/* Encode a SHELL reply; the REQUEST_* flags. */
static int
request_shell_encode(struct buf *b, struct shell_info *info,
    uint64_t applied, int with_env)
{
	size_t	 off;
	int	 flags;

	flags = info->state == SHELL_EVALUATING ? REQUEST_UNSETTLED : 0;
	off = protocol_begin(b, MSG_SHELL);
	protocol_put_u8(b, info->state);
	protocol_put_str(b, info->root);
	protocol_put_str(b, info->shell);
	protocol_put_str(b, info->message);
	protocol_put_str(b, info->changed);
	protocol_put_u64(b, info->snapshot_id);
	protocol_put_u64(b, info->snapshot_made);
	protocol_put_u64(b, info->last_eval);
	protocol_put_u32(b, info->last_eval_ms);
	protocol_put_str(b, info->inputs_note != NULL ? info->inputs_note : "");
	/* A shell that already has this snapshot needs no copy of it. */
	if (with_env && info->env != NULL && info->snapshot_id != applied) {
		protocol_put_u8(b, 1);
		flags |= REQUEST_SENT_ENV;
		protocol_put_bytes(b, info->env->data, info->env->len);
		protocol_put_bytes(b, info->hook_output->data,
		    info->hook_output->len);
	} else
		protocol_put_u8(b, 0);
	/* Added later, at the end: a client before them reads none. */
	protocol_put_u64(b, info->eval_started);
	protocol_put_str(b, info->activity != NULL ? info->activity : "");
	protocol_end(b, off);
	return (flags);
}

/*
 * Encode a SHELL reply for a directory, with the snapshot when asked and
 * the shell has one other than applied. Returns REQUEST_* flags.
 */
static int
request_shell_reply(struct buf *b, const char *dir, uint64_t applied,
    int with_env)
{
	struct shell_info	 info;
	int			 flags;

	workspace_describe(dir, &info);
	flags = request_shell_encode(b, &info, applied, with_env);
	shell_info_release(&info);
	return (flags);
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
	struct buf		 b = BUF_INIT;
	struct shell_info	 info;
	struct devshell		*sh;
	char			*dir, *cause = NULL;
	uint64_t		 applied;
	int			 sent_env, usable;

	dir = protocol_get_str(r);
	applied = protocol_get_u64(r);
	if ((dir = request_dir_ok(r, dir)) == NULL)
		return (-1);
	workspace_describe(dir, &info);
	sent_env = request_shell_encode(&b, &info, applied, 1) &
	    REQUEST_SENT_ENV;
	/*
	 * The shell keeps what it has where a snapshot is usable. Before
	 * the reply: once it has it, the client exits, and its parent, the
	 * shell, can no longer be read from /proc.
	 */
	usable = info.snapshot_id != 0 && (info.state == SHELL_READY ||
	    info.state == SHELL_EVALUATING || info.state == SHELL_FAILED);
	liveshells_note(server_client_pid(c), usable ? info.root : NULL);
	server_send(c, &b);
	shell_info_release(&info);
	/*
	 * A shell is about to apply a snapshot it did not have: mark it
	 * used, so that the cache and `hearth gc` keep it. After the reply,
	 * which the prompt waits for; the store's writes need not delay it.
	 */
	if (sent_env && (sh = workspace_devshell(dir, &cause)) != NULL)
		devshell_used(sh);
	free(cause);
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
	if (request_shell_reply(&b, dir, 0, 0) & REQUEST_UNSETTLED)
		server_wait(c, dir);
	else
		server_send(c, &b);
	buf_release(&b);
	free(dir);
	return (0);
}

/*
 * DEVSHELL: one named devShell of the workspace holding dir, with its
 * snapshot (`hearth tools` asks for each in turn).
 */
static int
request_devshell(struct client *c, struct protocol_reader *r)
{
	struct buf		 b = BUF_INIT;
	struct shell_info	 info;
	char			*dir, *name;

	dir = protocol_get_str(r);
	name = protocol_get_str(r);
	if ((dir = request_dir_ok(r, dir)) == NULL || name == NULL ||
	    *name == '\0' || strlen(name) > REQUEST_MAX_DIR) {
		free(dir);
		free(name);
		return (-1);
	}
	workspace_describe_named(dir, name, &info);
	request_shell_encode(&b, &info, 0, 1);
	shell_info_release(&info);
	server_send(c, &b);
	free(name);
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
request_review(struct client *c, struct protocol_reader *r)
{
	return (request_trust(c, r, workspace_review));
}

static void
request_list_one(const struct shell_info *info, void *arg)
{
	struct buf	*b = arg;

	protocol_put_str(b, info->root);
	protocol_put_str(b, info->shell);
	protocol_put_u8(b, info->state);
	protocol_put_u64(b, info->snapshot_made);
	protocol_put_u64(b, info->last_eval);
	protocol_put_u32(b, info->last_eval_ms);
	protocol_put_str(b, info->message);
}

static void
request_count_one(const struct shell_info *info, void *arg)
{
	(void)info;
	(*(uint32_t *)arg)++;
}

static int
request_list(struct client *c, struct protocol_reader *r)
{
	struct buf	 b = BUF_INIT;
	uint32_t	 n = 0;
	size_t		 off;

	if (protocol_reader_done(r) != 0)
		return (-1);
	workspace_each(request_count_one, &n);
	off = protocol_begin(&b, MSG_LIST_REPLY);
	protocol_put_u32(&b, n);
	workspace_each(request_list_one, &b);
	protocol_end(&b, off);
	server_send(c, &b);
	return (0);
}

static int
request_reload(struct client *c, struct protocol_reader *r)
{
	char	*dir, *cause = NULL, *msg = NULL;

	if ((dir = request_dir(r)) == NULL)
		return (-1);
	if (workspace_reload(dir, &msg, &cause) != 0) {
		request_reply_text(c, MSG_ERROR, cause);
		free(cause);
	} else {
		request_reply_text(c, MSG_OK, msg);
		free(msg);
	}
	free(dir);
	return (0);
}

static int
request_log(struct client *c, struct protocol_reader *r)
{
	struct buf	 text = BUF_INIT;
	char		*dir, *cause = NULL;

	if ((dir = request_dir(r)) == NULL)
		return (-1);
	if (workspace_log(dir, &text, &cause) != 0) {
		request_reply_text(c, MSG_ERROR, cause);
		free(cause);
	} else
		request_reply_text(c, MSG_OK, text.data);
	buf_release(&text);
	free(dir);
	return (0);
}

struct stats_rows {
	struct buf	 b;
	uint32_t	 n;
};

static void
request_stats_one(const char *root, uint32_t shells, uint32_t evals,
    uint32_t failures, uint32_t hits, uint32_t median, void *arg)
{
	struct stats_rows	*rows = arg;
	struct buf		*b = &rows->b;

	rows->n++;
	protocol_put_str(b, root);
	protocol_put_u32(b, shells);
	protocol_put_u32(b, evals);
	protocol_put_u32(b, failures);
	protocol_put_u32(b, hits);
	protocol_put_u32(b, median);
}

static int
request_stats(struct client *c, struct protocol_reader *r)
{
	struct stats_rows	 rows = { .b = BUF_INIT, .n = 0 };
	struct buf		 b = BUF_INIT;
	size_t			 off;

	if (protocol_reader_done(r) != 0)
		return (-1);
	if (store_stats(settings.store, request_stats_one, &rows) != 0) {
		request_reply_text(c, MSG_ERROR, "cannot read the statistics "
		    "(see the daemon log)");
		buf_release(&rows.b);
		return (0);
	}
	off = protocol_begin(&b, MSG_STATS_REPLY);
	protocol_put_u32(&b, rows.n);
	buf_add(&b, rows.b.data, rows.b.len);
	protocol_end(&b, off);
	server_send(c, &b);
	buf_release(&rows.b);
	return (0);
}

static int
request_gc(struct client *c, struct protocol_reader *r)
{
	uint32_t	 days = protocol_get_u32(r);
	uint8_t		 flags = 0;
	char		*msg = NULL, *cause = NULL;

	/* The flags came later: a client before them sends none. */
	if (r->left > 0)
		flags = protocol_get_u8(r);
	if (protocol_reader_done(r) != 0)
		return (-1);
	if (workspace_gc(days, flags & GC_DRY_RUN, &msg, &cause) == 0)
		request_reply_text(c, MSG_OK, msg);
	else
		request_reply_text(c, MSG_ERROR, cause);
	free(msg);
	free(cause);
	return (0);
}

static int
request_stop(struct client *c, struct protocol_reader *r)
{
	if (protocol_reader_done(r) != 0)
		return (-1);
	request_reply_text(c, MSG_OK, "hearthd stopping");
	if (request_stop_fn != NULL)
		request_stop_fn();
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
	{ MSG_LIST, request_list },
	{ MSG_RELOAD, request_reload },
	{ MSG_LOG, request_log },
	{ MSG_STATS, request_stats },
	{ MSG_GC, request_gc },
	{ MSG_DEVSHELL, request_devshell },
	{ MSG_TRUST, request_review },
};

/* The reply to a waiting client, once its shell settled. */
static int
request_settled(struct buf *b, const char *dir)
{
	return (!(request_shell_reply(b, dir, 0, 0) & REQUEST_UNSETTLED));
}

/* Handle one frame; -1 means the client sent something malformed. */
static int
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

void
request_init(request_stop_cb stop)
{
	request_stop_fn = stop;
}

const struct server_ops request_server_ops = {
	.dispatch = request_dispatch,
	.settled = request_settled,
};
