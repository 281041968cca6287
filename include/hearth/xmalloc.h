/*
 * Allocators that never return NULL: running out of memory is fatal, so
 * callers need no error path for it.
 */
#ifndef HEARTH_XMALLOC_H
#define HEARTH_XMALLOC_H

#include <stddef.h>

/* malloc that dies on failure. */
void	*xmalloc(size_t);
/* calloc that dies on failure or overflow. */
void	*xcalloc(size_t, size_t);
/* realloc that dies on failure. */
void	*xrealloc(void *, size_t);
/* strdup that dies on failure. */
char	*xstrdup(const char *);
/* strndup that dies on failure. */
char	*xstrndup(const char *, size_t);
/* asprintf that dies on failure and returns the string. */
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
