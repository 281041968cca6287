/*
 * Thin wrappers over libsodium's crypto_generichash (BLAKE2b) for hashing
 * files and strings into hex digests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "hearth/hash.h"
#include "hearth/xmalloc.h"

struct hash_state {
	crypto_generichash_state	 st;
};

struct hash_state *
hash_new(void)
{
	struct hash_state	*h;

	h = xmalloc(sizeof *h);
	crypto_generichash_init(&h->st, NULL, 0, 32);
	return (h);
}

void
hash_update(struct hash_state *h, const void *p, size_t n)
{
	crypto_generichash_update(&h->st, p, n);
}

void
hash_update_bytes_as_file(struct hash_state *h, const void *p, size_t n)
{
	uint64_t	 total = n;

	hash_update(h, "file\0", 5);
	hash_update(h, p, n);
	hash_update(h, &total, sizeof total);
}

int
hash_update_file(struct hash_state *h, const char *path)
{
	unsigned char	 chunk[65536];
	ssize_t		 n;
	uint64_t	 total = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			return (-1);
		hash_update(h, "missing\0", 8);
		return (0);
	}
	hash_update(h, "file\0", 5);
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			close(fd);
			return (-1);
		}
		if (n == 0)
			break;
		hash_update(h, chunk, n);
		total += n;
	}
	close(fd);
	/* The length after the bytes frames this file against the next. */
	hash_update(h, &total, sizeof total);
	return (0);
}

void
hash_final(struct hash_state *h, char hex[HASH_HEX_SIZE])
{
	unsigned char	 out[32];

	crypto_generichash_final(&h->st, out, sizeof out);
	sodium_bin2hex(hex, HASH_HEX_SIZE, out, sizeof out);
	sodium_memzero(h, sizeof *h);
	free(h);
}

int
hash_file(const char *path, char hex[HASH_HEX_SIZE])
{
	struct hash_state	*h = hash_new();
	int			 fd;

	/* A missing file has no hash: trust needs a real flake.nix. */
	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		hash_final(h, hex);
		return (-1);
	}
	close(fd);
	if (hash_update_file(h, path) == -1) {
		hash_final(h, hex);
		return (-1);
	}
	hash_final(h, hex);
	return (0);
}
