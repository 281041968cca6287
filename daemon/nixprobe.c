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
 * the generation is bumped so that the next prompt hears of it.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hearth/log.h"
#include "hearth/nix.h"
#include "hearth/nixcache.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "hearthd.h"

/* What the probe may print: it prints one word. */
#define NIXPROBE_MAX_OUT	(64 * 1024)

static struct {
	int		 running;
	int		 stopping;
	int		 open;		/* handles not closed yet */
	char		*key;
	char		*path;
	uv_process_t	 proc;
	uv_pipe_t	 pipe[2];	/* stdout, stderr */
	struct buf	 out[2];
	uv_timer_t	 timer;
	int		 exited;
	int64_t		 status;
	int		 timed_out;
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
nixprobe_timer_closed(uv_handle_t *h)
{
	char	*why = NULL, *cause = NULL;
	int	 ok;

	(void)h;
	if (probe.exited && !probe.timed_out && !probe.stopping) {
		ok = nix_flakes_judge(probe.status == 0, probe.out[0].data,
		    probe.out[0].len, probe.out[1].data, probe.out[1].len,
		    &why);
		if (nixcache_record(probe.key, ok, ok ? "" : why, &cause) != 0) {
			log_warnx("cannot record what %s can do: %s",
			    probe.path, cause);
			free(cause);
		}
		if (ok)
			log_info("%s can use flakes", probe.path);
		else {
			log_warnx("%s cannot use flakes: %s", probe.path, why);
			generation_bump("nix cannot use flakes");
		}
		free(why);
	} else if (probe.timed_out)
		log_warnx("%s: no answer in %u s to whether it can use flakes",
		    probe.path, nixprobe_deadline());
	buf_release(&probe.out[0]);
	buf_release(&probe.out[1]);
	free(probe.key);
	free(probe.path);
	probe.key = probe.path = NULL;
	probe.running = 0;
}

/* One of the three handles closed; the last one ends the probe. */
static void
nixprobe_closed(uv_handle_t *h)
{
	(void)h;
	if (--probe.open > 0)
		return;
	uv_timer_stop(&probe.timer);
	uv_close((uv_handle_t *)&probe.timer, nixprobe_timer_closed);
}

static void
nixprobe_exited(uv_process_t *p, int64_t status, int signo)
{
	probe.exited = 1;
	probe.status = signo != 0 ? -1 : status;
	uv_close((uv_handle_t *)p, nixprobe_closed);
}

static void
nixprobe_alloc(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	b->base = xmalloc(4096);
	b->len = 4096;
}

static void
nixprobe_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	struct buf	*to = s->data;

	if (n > 0 && to->len < NIXPROBE_MAX_OUT)
		buf_add(to, b->base, n);
	else if (n < 0) {
		uv_read_stop(s);
		uv_close((uv_handle_t *)s, nixprobe_closed);
	}
	free(b->base);
}

static void
nixprobe_kill(void)
{
	/* Its own process group: whatever it started goes too. */
	if (probe.running && !probe.exited && probe.proc.pid > 0)
		kill(-probe.proc.pid, SIGKILL);
}

static void
nixprobe_timeout(uv_timer_t *t)
{
	(void)t;
	probe.timed_out = 1;
	nixprobe_kill();
}

void
nixprobe_start(uv_loop_t *loop, const char *nix, char *const *env)
{
	uv_process_options_t	 opts;
	uv_stdio_container_t	 stdio[3];
	struct nix_argv		*argv;
	char			*path, *key, *why = NULL;
	long long		 when;
	size_t			 i;
	int			 ok, rc;

	if (probe.running || (path = path_which(nix)) == NULL)
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
	memset(&opts, 0, sizeof opts);
	memset(stdio, 0, sizeof stdio);
	stdio[0].flags = UV_IGNORE;
	for (i = 0; i < 2; i++) {
		buf_init(&probe.out[i]);
		uv_pipe_init(loop, &probe.pipe[i], 0);
		probe.pipe[i].data = &probe.out[i];
		stdio[i + 1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
		stdio[i + 1].data.stream = (uv_stream_t *)&probe.pipe[i];
	}
	opts.file = path;
	opts.args = nix_argv_vector(argv);
	opts.env = (char **)env;
	opts.cwd = "/";
	opts.stdio = stdio;
	opts.stdio_count = 3;
	opts.flags = UV_PROCESS_DETACHED;
	opts.exit_cb = nixprobe_exited;
	uv_timer_init(loop, &probe.timer);
	probe.running = 1;
	probe.open = 3;
	/* uv_spawn has run the program (or failed) when it returns. */
	rc = uv_spawn(loop, &probe.proc, &opts);
	nix_argv_free(argv);
	if (rc != 0) {
		/* A failed spawn never exits: close its handle ourselves. */
		log_warnx("cannot run %s: %s", path, uv_strerror(rc));
		probe.stopping = 1;
		uv_close((uv_handle_t *)&probe.proc, nixprobe_closed);
		for (i = 0; i < 2; i++)
			uv_close((uv_handle_t *)&probe.pipe[i],
			    nixprobe_closed);
		return;
	}
	for (i = 0; i < 2; i++)
		uv_read_start((uv_stream_t *)&probe.pipe[i], nixprobe_alloc,
		    nixprobe_read);
	uv_timer_start(&probe.timer, nixprobe_timeout,
	    (uint64_t)nixprobe_deadline() * 1000, 0);
}

void
nixprobe_stop(void)
{
	if (!probe.running)
		return;
	probe.stopping = 1;
	nixprobe_kill();
}
