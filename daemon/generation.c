/*
 * The generation file: a number in the runtime directory that changes
 * whenever anything a shell could see changes (a snapshot lands, a shell
 * fails, a workspace is allowed, denied or blocked). The prompt hooks read
 * it with a shell builtin and compare it, with $PWD, to what they saw
 * last: only when one of them differs do they run `hearth export`. So a
 * prompt where nothing changed costs no process at all.
 *
 * The number starts at the daemon's start time in microseconds, so it
 * never repeats a previous daemon's, and is written atomically (a temp
 * file renamed over it), so a hook never reads half of it.
 *
 * tcsh reads a file with a builtin only as code (`source`; `cat` would
 * fork), so the same number is also written next to it as tcsh code,
 * generation.tcsh: `set _hearth_n = N`, which the tcsh hook sources.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "hearth/log.h"
#include "hearth/path.h"
#include "hearth/xmalloc.h"
#include "generation.h"

static char	*gen_path;
static char	*gen_tmp;
static char	*gen_tcsh;
static char	*gen_tcsh_tmp;
static uint64_t	 gen_value;

static void
generation_write_file(const char *path, const char *tmp, const char *fmt)
{
	char	 text[64];
	int	 fd, n;

	n = snprintf(text, sizeof text, fmt, (unsigned long long)gen_value);
	fd = open(tmp, O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0600);
	if (fd == -1 || write(fd, text, n) != n || close(fd) != 0 ||
	    rename(tmp, path) != 0) {
		log_warn("cannot write %s", path);
		if (fd != -1)
			unlink(tmp);
	}
}

static void
generation_write(void)
{
	generation_write_file(gen_tcsh, gen_tcsh_tmp,
	    "set _hearth_n = %llu\n");
	generation_write_file(gen_path, gen_tmp, "%llu\n");
}

void
generation_init(const char *rundir)
{
	struct timeval	 tv;

	gen_path = path_generation(rundir);
	gen_tmp = xasprintf("%s.tmp", gen_path);
	gen_tcsh = xasprintf("%s.tcsh", gen_path);
	gen_tcsh_tmp = xasprintf("%s.tcsh.tmp", gen_path);
	gettimeofday(&tv, NULL);
	gen_value = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	generation_write();
}

void
generation_bump(const char *why)
{
	if (gen_path == NULL)
		return;
	gen_value++;
	log_debug("%s: %llu (%s)", __func__, (unsigned long long)gen_value,
	    why);
	generation_write();
}

void
generation_free(void)
{
	free(gen_path);
	free(gen_tmp);
	free(gen_tcsh);
	free(gen_tcsh_tmp);
	gen_path = gen_tmp = gen_tcsh = gen_tcsh_tmp = NULL;
}
