/*
 * hearthd: the interface of rundir.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_RUNDIR_H
#define HEARTHD_RUNDIR_H

#include <uv.h>

/* rundir.c: notice the runtime directory or the socket vanish. */
/*
 * Called once the socket or its directory is gone: make them again, 0,
 * or -1 when that is not possible (the watch then stops).
 */
typedef int	(*rundir_gone_cb)(void);
/*
 * Watch the runtime directory dir, where the daemon listens on sock;
 * -1 with *cause.
 */
int		 rundir_start(uv_loop_t *, const char *, const char *,
		     rundir_gone_cb, char **);
/* Stop watching (the daemon is stopping). */
void		 rundir_stop(void);

#endif
