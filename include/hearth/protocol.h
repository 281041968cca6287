/*
 * The wire protocol between hearth (client) and hearthd (daemon).
 *
 * A frame is an 8-byte header followed by a payload:
 *   u32 payload length, u16 protocol version, u16 message type
 * all big-endian. The payload is a sequence of fields, each a u8, u32, u64
 * (big-endian) or a byte string (u32 length, then the bytes). Every frame
 * carries the version, so the first exchange always checks it; a daemon
 * that sees another version answers MSG_ERROR and closes.
 *
 * Bump PROTOCOL_VERSION whenever a message's fields change.
 */
#ifndef HEARTH_PROTOCOL_H
#define HEARTH_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "hearth/buf.h"

#define PROTOCOL_VERSION	3
#define PROTOCOL_HEADER_SIZE	8
/* No frame may be larger; a snapshot is far smaller than this. */
#define PROTOCOL_MAX_PAYLOAD	(16U * 1024 * 1024)

/*
 * Requests are 1-99, replies 100-199. Payloads, in field order:
 *  PING	(nothing)			-> PONG	u32 pid, str version
 *  EXPORT	str dir, u64 applied snapshot	-> SHELL
 *  STATUS	str dir				-> SHELL
 *  WAIT	str dir				-> SHELL, sent once not evaluating
 *  ALLOW	str dir				-> OK str message | ERROR
 *  DENY	str dir				-> OK str message | ERROR
 *  STOP	(nothing)			-> OK str message
 *  LIST	(nothing)			-> LIST_REPLY
 *  RELOAD	str dir				-> OK str message | ERROR
 *  LOG		str dir				-> OK str log | ERROR
 *  STATS	(nothing)			-> STATS_REPLY
 *  GC		u32 days unused[, u8 flags]	-> OK str summary | ERROR
 *  DEVSHELL	str dir, str devShell name	-> SHELL, with the snapshot
 *  TRUST	str dir				-> OK str review | ERROR
 *  ERROR	str message (a one-line error to show the user)
 *  SHELL	u8 state, str root, str shell, str message, str changed,
 *		u64 snapshot id, u64 snapshot made (unix s),
 *		u64 last evaluation (unix s), u32 last evaluation ms,
 *		str inputs (why the snapshot's input set is approximate,
 *		or empty), u8 has_env; if has_env: str envdiff, str hook output;
 *		then u64 evaluation started (unix s; 0 unless one runs),
 *		str what Nix is doing ("building NAME", or empty). Readers
 *		take these last two only where the payload has them.
 *  LIST_REPLY	u32 n, then n times: str root, str shell, u8 state,
 *		u64 snapshot made, u64 last evaluation, u32 its ms, str message
 *  STATS_REPLY	u32 n, then n times: str root, u32 shells,
 *		u32 evaluations, u32 failures, u32 cache hits,
 *		u32 median evaluation ms
 * TRUST's review is lines of tab-separated fields (see daemon/trust.h):
 * "root DIR", "state STATE", "changed PATH KIND NOW WAS"...,
 * "set CREATED USED FILES MATCHES"...; a client skips lines it does not
 * know. Added without a version bump: an older daemon drops the request
 * (and the connection), which the client reports as a failure.
 * DEVSHELL describes a devShell of the workspace holding dir by name,
 * whichever shell dir itself maps to.
 * EXPORT gets has_env = 1 only when the snapshot differs from the one the
 * shell says it applied, so a prompt that changes nothing stays small.
 */
enum msg_type {
	MSG_PING = 1,
	MSG_EXPORT = 2,
	MSG_STATUS = 3,
	MSG_WAIT = 4,
	MSG_ALLOW = 5,
	MSG_DENY = 6,
	MSG_STOP = 7,
	MSG_LIST = 8,
	MSG_RELOAD = 9,
	MSG_LOG = 10,
	MSG_STATS = 11,
	MSG_GC = 12,
	MSG_DEVSHELL = 13,
	MSG_TRUST = 14,

	MSG_OK = 100,
	MSG_ERROR = 101,
	MSG_PONG = 102,
	MSG_SHELL = 103,
	MSG_LIST_REPLY = 104,
	MSG_STATS_REPLY = 105,
};

/* GC's flags (absent: 0). */
#define GC_DRY_RUN	0x1	/* say what would go; change nothing */

/* The state of the shell a directory maps to, as the SHELL reply says. */
enum shell_state {
	SHELL_NONE = 0,		/* not inside a workspace */
	SHELL_UNTRUSTED = 1,	/* never allowed */
	SHELL_BLOCKED = 2,	/* flake.nix changed since `hearth allow` */
	SHELL_EVALUATING = 3,	/* an evaluation is queued or running */
	SHELL_READY = 4,	/* the snapshot matches the inputs */
	SHELL_FAILED = 5,	/* the last evaluation failed */
};
#define SHELL_STATE_MAX SHELL_FAILED

/* The name of a state, as `hearth status` prints it. */
const char	*protocol_state_name(enum shell_state);

/* Start a frame of the given type at the end of b; returns its offset. */
size_t		 protocol_begin(struct buf *, enum msg_type);
/* Fill in the length of the frame started at offset. */
void		 protocol_end(struct buf *, size_t);
void		 protocol_put_u8(struct buf *, uint8_t);
void		 protocol_put_u32(struct buf *, uint32_t);
void		 protocol_put_u64(struct buf *, uint64_t);
void		 protocol_put_bytes(struct buf *, const void *, size_t);
void		 protocol_put_str(struct buf *, const char *);

/*
 * Parse a frame header. Returns 0 and fills in the payload length and type,
 * or -1 with *cause set (static text) when the version is wrong or the
 * payload is too large.
 */
int		 protocol_header(const void *, uint32_t *, uint16_t *,
		     const char **);
/* The protocol version a frame header carries, to name it in an error. */
uint16_t	 protocol_header_version(const void *);

/*
 * A reader over one payload. Every get checks the remaining length first;
 * a short or malformed field sets the sticky error flag and returns zero or
 * NULL, so a handler reads all its fields and checks once at the end with
 * protocol_reader_done().
 */
struct protocol_reader {
	const unsigned char	*p;
	size_t			 left;
	int			 error;
};

void		 protocol_reader_init(struct protocol_reader *, const void *,
		     size_t);
uint8_t		 protocol_get_u8(struct protocol_reader *);
uint32_t	 protocol_get_u32(struct protocol_reader *);
uint64_t	 protocol_get_u64(struct protocol_reader *);
/* A byte string, pointing into the payload (not NUL-terminated). */
const void	*protocol_get_bytes(struct protocol_reader *, size_t *);
/* A text string without NUL bytes, copied; the caller frees it. */
char		*protocol_get_str(struct protocol_reader *);
/* 0 if every field was well-formed and the payload fully consumed. */
int		 protocol_reader_done(struct protocol_reader *);

#endif
