/*
 * `hearth gc`: forget the workspaces whose flake vanished or that were not
 * used for days, with their snapshots' GC roots. The store decides and
 * commits in one transaction; only then are the roots removed and the
 * owner told to stop tending each forgotten workspace, so that a failed
 * gc leaves every workspace as it was, trusted and watched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "changed.h"
#include "devenv.h"
#include "gc.h"
#include "settings.h"
#include "store.h"

/* What a gc decided, acted on only once the store has committed it. */
struct gc_run_state {
	struct buf	report;		/* "removed ROOT (why)\n" each */
	struct buf	gone;		/* "ROOT\0" each */
};

/* gc: keep a workspace whose flake is still there and that was used. */
static int
gc_keep(const char *root, int recent, void *arg)
{
	struct gc_run_state	*run = arg;
	char			*flake;
	int			 there;

	flake = path_join(root, PATH_FLAKE);
	there = access(flake, F_OK) == 0;
	free(flake);
	if (there && recent)
		return (1);
	buf_addf(&run->report, "removed %s (%s)\n", root,
	    there ? "unused" : "vanished");
	buf_add(&run->gone, root, strlen(root) + 1);
	return (0);
}

int
gc_run(unsigned days, gc_forget_cb forget, char **msg, char **cause)
{
	struct gc_run_state	 run = { BUF_INIT, BUF_INIT };
	const char		*p;
	char			*why = NULL;
	unsigned		 removed;
	int64_t			 before = time(NULL) - (int64_t)days * 86400;

	if (store_gc(settings.store, before, gc_keep,
	    devenv_unroot, &run, &removed, &why) != 0) {
		*cause = xasprintf("cannot clean the store, nothing removed: "
		    "%s", why);
		free(why);
		buf_release(&run.report);
		buf_release(&run.gone);
		return (-1);
	}
	for (p = run.gone.data; p < run.gone.data + run.gone.len;
	    p += strlen(p) + 1)
		forget(p);
	buf_release(&run.gone);
	buf_addf(&run.report, "%u workspace%s removed", removed,
	    removed == 1 ? "" : "s");
	*msg = buf_detach(&run.report, NULL);
	log_info("gc: %s", *msg);
	changed_announce("gc");
	return (0);
}
