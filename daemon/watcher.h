/*
 * hearthd: the interface of watcher.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_WATCHER_H
#define HEARTHD_WATCHER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct watcher;

/* watcher.c: inotify on directories; never sees SQLite. */
typedef void	(*watcher_cb)(void *, const char *);
/* Start watching; events call cb(owner, file name). */
struct watcher	*watcher_new(uv_loop_t *, watcher_cb, char **);
/* Watch a directory for changes to the files in it; a watch id or -1. */
int		 watcher_add(struct watcher *, const char *, void *);
/* Stop one owner's watch (the directory stays watched for others). */
void		 watcher_remove(struct watcher *, int, void *);
/* 1 if events wait in the kernel, not read yet. */
int		 watcher_pending(struct watcher *);
/* Stop everything; the watcher is freed once its handle has closed. */
void		 watcher_free(struct watcher *);

#endif
