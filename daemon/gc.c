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
	int		dry_run;
	gc_in_use_cb	in_use;
	unsigned	would;		/* removed, in a dry run */
};

/*
 * gc: keep a workspace whose flake is still there and that was used, and
 * any that a running shell is in; in a dry run, keep every one.
 */
static int
gc_keep(const char *root, int recent, void *arg)
{
	struct gc_run_state	*run = arg;
	char			*flake;
	unsigned		 shells;
	int			 there;

	flake = path_join(root, PATH_FLAKE);
	there = access(flake, F_OK) == 0;
	free(flake);
	if (there && recent)
		return (1);
	if ((shells = run->in_use(root)) != 0) {
		buf_addf(&run->report, "kept %s (%s, but %u shell%s in it)\n",
		    root, there ? "unused" : "vanished", shells,
		    shells == 1 ? " is" : "s are");
		return (1);
	}
	buf_addf(&run->report, "%s %s (%s)\n", run->dry_run ? "would remove" :
	    "removed", root, there ? "unused" : "vanished");
	if (run->dry_run) {
		run->would++;
		return (1);
	}
	buf_add(&run->gone, root, strlen(root) + 1);
	return (0);
}

int
gc_run(unsigned days, int dry_run, gc_in_use_cb in_use, gc_forget_cb forget,
    char **msg, char **cause)
{
	struct gc_run_state	 run = { BUF_INIT, BUF_INIT, dry_run, in_use, 0 };
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
	if (dry_run) {
		buf_addf(&run.report, "%u workspace%s would be removed (a dry "
		    "run: nothing was changed)", run.would, run.would == 1 ?
		    "" : "s");
		*msg = buf_detach(&run.report, NULL);
		return (0);
	}
	buf_addf(&run.report, "%u workspace%s removed", removed,
	    removed == 1 ? "" : "s");
	*msg = buf_detach(&run.report, NULL);
	log_info("gc: %s", *msg);
	changed_announce("gc");
	return (0);
}
