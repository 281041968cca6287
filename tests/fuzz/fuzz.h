/*
 * What every libFuzzer harness in tests/fuzz shares: the two entry points
 * libFuzzer calls, declared so the strict warnings accept them, and
 * fuzz_check(), which stops the run on a broken invariant with the
 * condition's text, so that libFuzzer saves the input as a crash.
 */
#ifndef HEARTH_FUZZ_H
#define HEARTH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static inline void __attribute__((noreturn))
fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

#define fuzz_check(e)	((e) ? (void)0 : fuzz_fail(#e, __FILE__, __LINE__))

#endif
