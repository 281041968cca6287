/*
 * At start-up, find out whether the daemon's Nix can use flakes and
 * record it (common/nixcache.c), so that a prompt can tell a Nix too old
 * for flakes from one that works without ever running Nix itself: the
 * client reads the cache and, when this Nix cannot, says so and points
 * at `hearth fallback` instead of asking us for shells we cannot make.
 *
 * One probe (nix eval --expr 'builtins ? getFlake', with hearth's usual
 * flags), run in the background like an evaluation, with a deadline no
 * longer than an evaluation's (HEARTH_EVAL_TIMEOUT); a
 * fresh answer already cached is not asked again. When the answer is no,
 * the generation is bumped so that the next prompt hears of it. The
 * probe is a job (job.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "hearth/buf.h"
#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/nixcache.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "changed.h"
#include "job.h"
#include "nixprobe.h"
#include "settings.h"

/* What the probe may print: it prints one word. */
#define NIXPROBE_MAX_OUT	(64 * 1024)

static struct {
	struct job	*job;		/* while it runs */
	int		 stopping;
	char		*key;
	char		*path;
	struct buf	 out[2];	/* stdout, stderr */
} probe;

/* Seconds a probe may take: no more than an evaluation may. */
static unsigned
nixprobe_deadline(void)
{
	if (settings.timeout_sec > 0 &&
	    settings.timeout_sec < NIXCACHE_PROBE_TIMEOUT)
		return (settings.timeout_sec);
	return (NIXCACHE_PROBE_TIMEOUT);
}

static void
nixprobe_done(const struct job_result *r, void *arg)
{
	char	*why = NULL, *cause = NULL;
	int	 ok;

	(void)arg;
	if (r->error != 0)
		log_warnx("%s", r->cause);
	else if (r->timed_out)
		log_warnx("%s: no answer in %u s to whether it can use flakes",
		    probe.path, nixprobe_deadline());
	else if (!probe.stopping) {
		ok = nix_flakes_judge(r->signal == 0 && r->status == 0,
		    probe.out[0].data, probe.out[0].len, probe.out[1].data,
		    probe.out[1].len, &why);
		if (nixcache_record(probe.key, ok, ok ? "" : why, &cause) != 0) {
			log_warnx("cannot record what %s can do: %s",
			    probe.path, cause);
			free(cause);
		}
		if (ok)
			log_info("%s can use flakes", probe.path);
		else {
			log_warnx("%s cannot use flakes: %s", probe.path, why);
			changed_announce("nix cannot use flakes");
		}
		free(why);
	}
	buf_release(&probe.out[0]);
	buf_release(&probe.out[1]);
	free(probe.key);
	free(probe.path);
	probe.key = probe.path = NULL;
	probe.job = NULL;
}

void
nixprobe_start(uv_loop_t *loop, const char *nix, char *const *env)
{
	struct job_spec		 js;
	struct nix_argv		*argv;
	char			*path, *key, *why = NULL;
	long long		 when;
	int			 ok, i;

	if (probe.job != NULL || (path = path_which(nix)) == NULL)
		return;
	if ((key = nixcache_key(path)) == NULL) {
		free(path);
		return;
	}
	if (nixcache_lookup(key, &ok, &when, &why) && (ok ||
	    when + NIXCACHE_RETRY_SEC > (long long)time(NULL))) {
		free(why);
		free(key);
		free(path);
		return;
	}
	free(why);
	memset(&probe, 0, sizeof probe);
	probe.key = key;
	probe.path = path;
	argv = nix_argv_flakes_probe(path);
	memset(&js, 0, sizeof js);
	for (i = 0; i < 2; i++) {
		buf_init(&probe.out[i]);
		js.out[i].fd = i + 1;
		js.out[i].to = &probe.out[i];
		js.out[i].cap = NIXPROBE_MAX_OUT;
		js.out[i].keep_tail = 1;
	}
	js.nout = 2;
	js.argv = nix_argv_vector(argv);
	js.env = env;
	js.cwd = "/";
	js.timeout_ms = (uint64_t)nixprobe_deadline() * 1000;
	js.cb = nixprobe_done;
	probe.job = job_start(loop, &js);
	nix_argv_free(argv);
}

void
nixprobe_stop(void)
{
	if (probe.job == NULL)
		return;
	probe.stopping = 1;
	job_cancel(probe.job);
}
