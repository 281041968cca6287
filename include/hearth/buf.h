/*
 * buf: the one growable byte buffer used for strings and wire frames.
 *
 * Invariants (the same as Git's strbuf):
 *  - b->data is never NULL after buf_init(): an empty buffer points at a
 *    shared static "" until the first write.
 *  - b->data[b->len] is always '\0', so a buffer holding text is a C string;
 *    the buffer may also hold NUL bytes in data[0..len).
 *  - buf_detach() hands the allocation to the caller and leaves the buffer
 *    empty and initialised; buf_release() frees it.
 * Allocation failure is fatal (see xmalloc.h), so no function here fails.
 */
#ifndef HEARTH_BUF_H
#define HEARTH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 alloc;
};

#define BUF_INIT { .data = buf_empty, .len = 0, .alloc = 0 }

extern char buf_empty[];

/* Initialise an embedded buffer to empty. */
void	 buf_init(struct buf *);
/* Free the buffer's memory and leave it empty and initialised. */
void	 buf_release(struct buf *);
/* Make room for at least n more bytes. */
void	 buf_grow(struct buf *, size_t);
/* Drop the contents but keep the allocation. */
void	 buf_reset(struct buf *);
/* Cut the buffer to len bytes (len must not exceed the current length). */
void	 buf_truncate(struct buf *, size_t);
/* Append n bytes. */
void	 buf_add(struct buf *, const void *, size_t);
/* Append a C string. */
void	 buf_adds(struct buf *, const char *);
/* Append one byte. */
void	 buf_addc(struct buf *, char);
/* Append printf-formatted text. */
void	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append vprintf-formatted text. */
void	 buf_vaddf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Take ownership of the contents; the buffer is left empty. */
char	*buf_detach(struct buf *, size_t *);

#endif
