/*
 * Fuzzing the client's parser of the daemon's replies (client/reply.c):
 * shell_reply_decode() and reply_text(), then, as `hearth export` does,
 * envdiff_decode() of the snapshot a SHELL reply carries. The input's
 * first byte picks the reply type (mostly SHELL, else ERROR or the byte
 * itself), the rest is the payload. A reply that decodes must re-encode,
 * field by field as request.c writes it, to the payload it came from (the
 * hook output is kept up to its first NUL byte, so it only has to match
 * that far); one that does not must leave the reply empty and say why.
 */
#include <stdlib.h>
#include <string.h>

#include "hearth/envdiff.h"
#include "hearth/protocol.h"
#include "hearth/xmalloc.h"
#include "hearth.h"
#include "fuzz.h"

static uint64_t
be32(const unsigned char *p)
{
	return ((uint64_t)p[0] << 24 | (uint64_t)p[1] << 16 |
	    (uint64_t)p[2] << 8 | p[3]);
}

/*
 * The trailing fields a newer daemon sends (evaluation start, what Nix
 * builds) and an older one does not: put into b when the payload has
 * more than its first `at` bytes, and absent (zero, "") when it has not.
 */
static void
check_trailer(const struct shell_reply *r, struct buf *b, size_t at,
    const unsigned char *payload, size_t len)
{
	(void)payload;
	if (at == len) {
		fuzz_check(r->eval_started == 0 && r->activity != NULL &&
		    r->activity[0] == '\0');
		return;
	}
	protocol_put_u64(b, r->eval_started);
	protocol_put_str(b, r->activity);
}

/* A decoded SHELL reply, written back as the daemon would. */
static void
check_reencode(const struct shell_reply *r, const unsigned char *payload,
    size_t len)
{
	struct buf	 b = BUF_INIT;
	size_t		 hook, hooklen, n;

	protocol_put_u8(&b, (uint8_t)r->state);
	protocol_put_str(&b, r->root);
	protocol_put_str(&b, r->shell);
	protocol_put_str(&b, r->message);
	protocol_put_str(&b, r->changed);
	protocol_put_u64(&b, r->snapshot_id);
	protocol_put_u64(&b, r->snapshot_made);
	protocol_put_u64(&b, r->last_eval);
	protocol_put_u32(&b, r->last_eval_ms);
	protocol_put_str(&b, r->inputs_note);
	protocol_put_u8(&b, (uint8_t)r->has_env);
	if (!r->has_env) {
		fuzz_check(r->env == NULL && r->hook_output == NULL);
		check_trailer(r, &b, b.len, payload, len);
		fuzz_check(b.len == len && memcmp(b.data, payload, len) == 0);
		buf_release(&b);
		return;
	}
	fuzz_check(r->env != NULL && r->hook_output != NULL);
	protocol_put_bytes(&b, r->env, r->envlen);
	hook = b.len;
	fuzz_check(hook + 4 <= len && memcmp(b.data, payload, hook) == 0);
	hooklen = be32(payload + hook);
	fuzz_check(hook + 4 + hooklen <= len);
	n = strlen(r->hook_output);
	fuzz_check(n <= hooklen);
	fuzz_check(memcmp(r->hook_output, payload + hook + 4, n) == 0);
	fuzz_check(n == hooklen || payload[hook + 4 + n] == '\0');
	buf_release(&b);
	/* The fields after the hook's output, as check_trailer puts them. */
	check_trailer(r, &b, hook + 4 + hooklen, payload, len);
	fuzz_check(b.len == len - (hook + 4 + hooklen) &&
	    memcmp(b.data, payload + hook + 4 + hooklen, b.len) == 0);
	buf_release(&b);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipc_reply	 reply;
	struct shell_reply	 r, zero;
	struct envdiff		 d;
	char			*cause = NULL, *text;
	size_t			 len;
	int			 rc;

	if (size == 0)
		return (0);
	switch (data[0] & 3) {
	case 0:
	case 1:
		reply.type = MSG_SHELL;
		break;
	case 2:
		reply.type = MSG_ERROR;
		break;
	default:
		reply.type = data[0];
		break;
	}
	/*
	 * The payload as ipc.c leaves it: a buf of exactly its length, with
	 * the NUL byte the buf invariant promises after it.
	 */
	len = size - 1;
	reply.payload.data = xmalloc(len + 1);
	memcpy(reply.payload.data, data + 1, len);
	reply.payload.data[len] = '\0';
	reply.payload.len = len;
	reply.payload.alloc = len + 1;

	rc = shell_reply_decode(&r, &reply, &cause);
	if (rc != 0) {
		memset(&zero, 0, sizeof zero);
		fuzz_check(cause != NULL);
		fuzz_check(memcmp(&r, &zero, sizeof r) == 0);
		free(cause);
	} else {
		fuzz_check(reply.type == MSG_SHELL && cause == NULL);
		fuzz_check((unsigned)r.state <= SHELL_STATE_MAX);
		fuzz_check(r.root != NULL && r.shell != NULL &&
		    r.message != NULL && r.changed != NULL &&
		    r.inputs_note != NULL);
		check_reencode(&r, (const unsigned char *)reply.payload.data,
		    len);
		if (r.has_env) {
			envdiff_init(&d);
			cause = NULL;
			if (envdiff_decode(&d, r.env, r.envlen, &cause) != 0) {
				fuzz_check(cause != NULL && d.n == 0);
				free(cause);
			}
			envdiff_release(&d);
		}
		shell_reply_release(&r);
	}

	/* OK and ERROR replies are read as one text. */
	text = reply_text(&reply);
	fuzz_check(text != NULL);
	if (len >= 4 && be32(data + 1) == len - 4 &&
	    memchr(data + 5, '\0', len - 4) == NULL)
		fuzz_check(strlen(text) == len - 4 &&
		    memcmp(text, data + 5, len - 4) == 0);
	free(text);
	buf_release(&reply.payload);
	return (0);
}
