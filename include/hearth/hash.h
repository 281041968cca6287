/*
 * BLAKE2b hashing (libsodium) of files and strings, as lowercase hex.
 * Trust and snapshot keys are built from these.
 */
#ifndef HEARTH_HASH_H
#define HEARTH_HASH_H

#include <sys/types.h>

#include <stddef.h>

/* 32-byte BLAKE2b digests, printed as 64 hex digits plus NUL. */
#define HASH_HEX_SIZE	65
/* The largest file hashed; a larger one is an error (EFBIG). */
#define HASH_FILE_MAX	((off_t)1 << 30)

struct hash_state;

/* Start a hash. */
struct hash_state *hash_new(void);
/* Add bytes. */
void	 hash_update(struct hash_state *, const void *, size_t);
/*
 * Add a file's contents, framed by its length so that concatenations
 * cannot collide; a missing file adds a distinct marker. -1 with errno
 * on any other error, and for anything but a regular file of at most
 * HASH_FILE_MAX bytes (see safefile.h): never blocks, never runs on.
 */
int	 hash_update_file(struct hash_state *, const char *);
/* Add bytes exactly as hash_update_file adds a file holding them. */
void	 hash_update_bytes_as_file(struct hash_state *, const void *, size_t);
/* Finish into hex and free the state. */
void	 hash_final(struct hash_state *, char [HASH_HEX_SIZE]);
/* The hash of one file's contents; -1 if it cannot be read. */
int	 hash_file(const char *, char [HASH_HEX_SIZE]);

#endif
