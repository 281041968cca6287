/*
 * The time deadlines are measured in: a monotonic clock, in milliseconds,
 * which no change of the wall clock moves. (The daemon has uv_now.)
 */
#ifndef HEARTH_MONOTIME_H
#define HEARTH_MONOTIME_H

#include <stdint.h>

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
int64_t	 monotime_ms(void);

#endif
