/*
 * hearthd: the interface of nixprobe.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_NIXPROBE_H
#define HEARTHD_NIXPROBE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

/* nixprobe.c: whether the daemon's Nix can use flakes, for the client. */
/* Probe the nix program (unless a fresh answer is cached) and record it. */
void		 nixprobe_start(uv_loop_t *, const char *, char *const *);
/* Kill a probe still running (at shutdown). */
void		 nixprobe_stop(void);

#endif
