/*
 * The file watcher: one inotify descriptor, polled by the libuv loop.
 * Callers watch directories, not files, so that an editor's
 * write-to-temp-and-rename and a git checkout are seen like any write; the
 * callback gets the owner and the name of the file that changed.
 *
 * This is the only file that knows about inotify: a kqueue or FSEvents
 * backend would replace it behind the same four functions.
 */
#include <sys/inotify.h>
#include <sys/queue.h>

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "watcher.h"

#define WATCHER_MASK	(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | \
			 IN_CREATE | IN_DELETE | IN_ATTRIB | \
			 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/*
 * One inotify watch, shared by every owner that asked for its directory
 * (a nested workspace and its parent may both watch one directory; inotify
 * gives them the same watch descriptor).
 */
struct watch {
	int			 wd;
	void			**owners;
	size_t			 nowners;
	LIST_ENTRY(watch)	 entry;
};

struct watcher {
	int			 fd;
	size_t			 count;		/* watch descriptors in use */
	size_t			 limit;		/* HEARTH_MAX_WATCHES, 0: none */
	uv_poll_t		 poll;
	watcher_cb		 cb;
	LIST_HEAD(, watch)	 watches;
};

static void		 watcher_read(uv_poll_t *, int, int);
static struct watch	*watcher_find(struct watcher *, int);

struct watcher *
watcher_new(uv_loop_t *loop, watcher_cb cb, char **cause)
{
	struct watcher	*w;
	int		 rc;

	w = xcalloc(1, sizeof *w);
	w->cb = cb;
	if (getenv("HEARTH_MAX_WATCHES") != NULL)
		w->limit = strtoul(getenv("HEARTH_MAX_WATCHES"), NULL, 10);
	LIST_INIT(&w->watches);
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1) {
		*cause = xasprintf("inotify_init1: %s", strerror(errno));
		free(w);
		return (NULL);
	}
	if ((rc = uv_poll_init(loop, &w->poll, w->fd)) != 0 ||
	    (rc = uv_poll_start(&w->poll, UV_READABLE, watcher_read)) != 0) {
		*cause = xasprintf("uv_poll: %s", uv_strerror(rc));
		close(w->fd);
		free(w);
		return (NULL);
	}
	w->poll.data = w;
	return (w);
}

int
watcher_add(struct watcher *w, const char *dir, void *owner)
{
	struct watch	*wa;
	size_t		 i;
	int		 wd;

	/* A cap below the system's, for users who share a low limit. */
	if (w->limit != 0 && w->count >= w->limit) {
		errno = ENOSPC;
		return (-1);
	}
	if ((wd = inotify_add_watch(w->fd, dir, WATCHER_MASK)) == -1) {
		/* The caller decides what a full table means. */
		if (errno != ENOSPC && errno != ENOENT && errno != ENOTDIR)
			log_warn("cannot watch %s", dir);
		return (-1);
	}
	/* inotify returns the same wd for a directory watched twice. */
	if ((wa = watcher_find(w, wd)) == NULL) {
		wa = xcalloc(1, sizeof *wa);
		wa->wd = wd;
		LIST_INSERT_HEAD(&w->watches, wa, entry);
		w->count++;
	}
	for (i = 0; i < wa->nowners; i++) {
		if (wa->owners[i] == owner)
			return (wd);
	}
	wa->owners = xrealloc(wa->owners, (wa->nowners + 1) *
	    sizeof *wa->owners);
	wa->owners[wa->nowners++] = owner;
	log_debug("%s: %s is wd %d", __func__, dir, wd);
	return (wd);
}

static struct watch *
watcher_find(struct watcher *w, int wd)
{
	struct watch	*wa;

	LIST_FOREACH(wa, &w->watches, entry) {
		if (wa->wd == wd)
			return (wa);
	}
	return (NULL);
}

static void
watch_free(struct watcher *w, struct watch *wa)
{
	LIST_REMOVE(wa, entry);
	free(wa->owners);
	free(wa);
	w->count--;
}

void
watcher_remove(struct watcher *w, int wd, void *owner)
{
	struct watch	*wa;
	size_t		 i;

	if ((wa = watcher_find(w, wd)) == NULL)
		return;
	for (i = 0; i < wa->nowners; i++) {
		if (wa->owners[i] == owner) {
			wa->owners[i] = wa->owners[--wa->nowners];
			break;
		}
	}
	/* The last owner gone: the watch goes. */
	if (wa->nowners == 0) {
		inotify_rm_watch(w->fd, wd);
		watch_free(w, wa);
	}
}

/* Tell every owner of a watch; a callback may remove watches. */
static void
watcher_tell(struct watcher *w, int wd, const char *name)
{
	struct watch	*wa;
	void		**owners;
	size_t		  n, i;

	if ((wa = watcher_find(w, wd)) == NULL || wa->nowners == 0)
		return;
	n = wa->nowners;
	owners = xcalloc(n, sizeof *owners);
	memcpy(owners, wa->owners, n * sizeof *owners);
	for (i = 0; i < n; i++)
		w->cb(owners[i], name);
	free(owners);
}

static void
watcher_read(uv_poll_t *poll, int status, int events)
{
	struct watcher			*w = poll->data;
	char				 chunk[16384]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event	*ev;
	struct watch			*wa;
	ssize_t				 n;
	char				*p;

	(void)events;
	if (status < 0) {
		log_warnx("inotify poll: %s", uv_strerror(status));
		return;
	}
	for (;;) {
		n = read(w->fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (p = chunk; p < chunk + n;
		    p += sizeof *ev + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				/* Events were lost: every owner rechecks. */
				log_warnx("inotify queue overflow");
				LIST_FOREACH(wa, &w->watches, entry) {
					for (size_t i = 0; i < wa->nowners; i++)
						w->cb(wa->owners[i], "");
				}
				continue;
			}
			/*
			 * Look the watch up for each event: a callback may
			 * have removed it meanwhile.
			 */
			if ((wa = watcher_find(w, ev->wd)) == NULL)
				continue;
			if (ev->mask & IN_IGNORED) {
				/* The directory went away: owners rewatch. */
				watcher_tell(w, ev->wd, "");
				if ((wa = watcher_find(w, ev->wd)) != NULL)
					watch_free(w, wa);
				continue;
			}
			watcher_tell(w, ev->wd, ev->len > 0 ? ev->name : "");
		}
	}
}

int
watcher_pending(struct watcher *w)
{
	struct pollfd	 pfd;

	if (w == NULL)
		return (0);
	pfd.fd = w->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	return (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
}

static void
watcher_closed(uv_handle_t *h)
{
	struct watcher	*w = h->data;

	close(w->fd);
	free(w);
}

void
watcher_free(struct watcher *w)
{
	struct watch	*wa;

	if (w == NULL)
		return;
	while ((wa = LIST_FIRST(&w->watches)) != NULL)
		watch_free(w, wa);
	uv_close((uv_handle_t *)&w->poll, watcher_closed);
}
