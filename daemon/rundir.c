/*
 * The runtime directory under a running daemon. A tmpfiles cleaner, or a
 * user's `rm -rf $XDG_RUNTIME_DIR/hearth`, can remove it while hearthd
 * runs: its socket and generation file go with it. The lock is in the
 * state directory, so no second daemon can start; but no client could
 * reach this one either. So the directory is watched (inotify, through
 * libuv), and once the socket, or the directory itself, is gone the
 * daemon is told to make them again: its evaluations and watches go on,
 * and the next client finds it where it always was.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "hearth/log.h"
#include "hearth/xmalloc.h"
#include "rundir.h"

/*
 * How long after a change the socket is checked: an `rm -rf` that is still
 * removing the directory would fail ("Directory not empty") if the socket
 * came back inside it first.
 */
#define RUNDIR_SETTLE_MS	50

static uv_fs_event_t	 rd_event;
static uv_timer_t	 rd_timer;
static int		 rd_active;
static char		*rd_dir, *rd_sock;
static dev_t		 rd_dev;
static ino_t		 rd_ino;
static rundir_gone_cb	 rd_gone;

static void	rundir_event(uv_fs_event_t *, const char *, int, int);

static void
rundir_closed(uv_handle_t *h)
{
	(void)h;
}

/* Remember which socket is ours, and watch its directory (again). */
static int
rundir_arm(char **cause)
{
	struct stat	 st;
	int		 rc;

	if (lstat(rd_sock, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		*cause = xasprintf("%s: not a socket", rd_sock);
		return (-1);
	}
	rd_dev = st.st_dev;
	rd_ino = st.st_ino;
	if ((rc = uv_fs_event_start(&rd_event, rundir_event, rd_dir, 0)) != 0) {
		*cause = xasprintf("cannot watch %s: %s", rd_dir,
		    uv_strerror(rc));
		return (-1);
	}
	return (0);
}

/* 1 while the socket this daemon listens on is still at its path. */
static int
rundir_intact(void)
{
	struct stat	 st;

	return (lstat(rd_sock, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == rd_dev && st.st_ino == rd_ino);
}

static void
rundir_check(uv_timer_t *t)
{
	char	*cause = NULL;

	(void)t;
	if (!rd_active || rundir_intact())
		return;
	/* The directory may be a new one: its old watch is gone with it. */
	uv_fs_event_stop(&rd_event);
	if (rd_gone() != 0 || rundir_arm(&cause) != 0) {
		if (cause != NULL)
			log_warnx("%s", cause);
		free(cause);
		rd_active = 0;
	}
}

static void
rundir_event(uv_fs_event_t *h, const char *name, int events, int status)
{
	(void)h;
	(void)name;
	(void)events;
	if (status < 0)
		log_warnx("watching %s: %s", rd_dir, uv_strerror(status));
	/*
	 * Once per burst, not restarted by each event: the generation file
	 * changes here all the time, and must not put the check off.
	 */
	if (!uv_is_active((uv_handle_t *)&rd_timer))
		uv_timer_start(&rd_timer, rundir_check, RUNDIR_SETTLE_MS, 0);
}

int
rundir_start(uv_loop_t *loop, const char *dir, const char *sock,
    rundir_gone_cb gone, char **cause)
{
	rd_dir = xstrdup(dir);
	rd_sock = xstrdup(sock);
	rd_gone = gone;
	uv_fs_event_init(loop, &rd_event);
	uv_timer_init(loop, &rd_timer);
	rd_active = 1;
	if (rundir_arm(cause) != 0) {
		rundir_stop();
		return (-1);
	}
	return (0);
}

void
rundir_stop(void)
{
	if (rd_dir == NULL)
		return;
	rd_active = 0;
	uv_close((uv_handle_t *)&rd_event, rundir_closed);
	uv_close((uv_handle_t *)&rd_timer, rundir_closed);
	free(rd_dir);
	free(rd_sock);
	rd_dir = rd_sock = NULL;
}
