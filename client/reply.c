/*
 * Decoding the daemon's replies. Like the daemon's request parser, every
 * field is read through a bounds-checked protocol_reader: a confused or
 * hostile daemon gives an error, never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/xmalloc.h"
#include "hearth.h"

int
shell_reply_decode(struct shell_reply *r, const struct ipc_reply *reply,
    char **cause)
{
	struct protocol_reader	 rd;
	const char		*hook, *env;
	size_t			 hooklen;

	memset(r, 0, sizeof *r);
	if (reply->type == MSG_ERROR) {
		*cause = reply_text(reply);
		return (-1);
	}
	if (reply->type != MSG_SHELL) {
		*cause = xasprintf("unexpected reply %u from hearthd",
		    reply->type);
		return (-1);
	}
	protocol_reader_init(&rd, reply->payload.data, reply->payload.len);
	r->state = protocol_get_u8(&rd);
	r->root = protocol_get_str(&rd);
	r->shell = protocol_get_str(&rd);
	r->message = protocol_get_str(&rd);
	r->changed = protocol_get_str(&rd);
	r->snapshot_id = protocol_get_u64(&rd);
	r->snapshot_made = protocol_get_u64(&rd);
	r->last_eval = protocol_get_u64(&rd);
	r->last_eval_ms = protocol_get_u32(&rd);
	r->inputs_note = protocol_get_str(&rd);
	r->has_env = protocol_get_u8(&rd);
	if (r->has_env) {
		/* Copied: the reply's buffer is released before use. */
		if ((env = protocol_get_bytes(&rd, &r->envlen)) != NULL) {
			r->env = xmalloc(r->envlen + 1);
			memcpy(r->env, env, r->envlen);
		}
		hook = protocol_get_bytes(&rd, &hooklen);
		if (hook != NULL)
			r->hook_output = xstrndup(hook, hooklen);
	}
	/* Fields a daemon before them does not send. */
	if (rd.left > 0 && !rd.error) {
		r->eval_started = protocol_get_u64(&rd);
		r->activity = protocol_get_str(&rd);
	}
	if (r->activity == NULL)
		r->activity = xstrdup("");
	if (protocol_reader_done(&rd) != 0 || r->state > SHELL_STATE_MAX) {
		shell_reply_release(r);
		*cause = xstrdup("malformed reply from hearthd");
		return (-1);
	}
	return (0);
}

void
shell_reply_release(struct shell_reply *r)
{
	free(r->root);
	free(r->shell);
	free(r->message);
	free(r->changed);
	free(r->inputs_note);
	free(r->hook_output);
	free(r->env);
	free(r->activity);
	memset(r, 0, sizeof *r);
}

char *
reply_text(const struct ipc_reply *reply)
{
	struct protocol_reader	 rd;
	char			*s;

	protocol_reader_init(&rd, reply->payload.data, reply->payload.len);
	s = protocol_get_str(&rd);
	if (protocol_reader_done(&rd) != 0) {
		free(s);
		return (xstrdup("malformed reply from hearthd"));
	}
	return (s);
}
