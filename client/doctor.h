/*
 * What `hearth doctor`'s checks share (client/cmd-doctor.c runs them):
 * the report, one line per check, and the checks that live in files of
 * their own (doctor.c).
 */
#ifndef HEARTH_DOCTOR_H
#define HEARTH_DOCTOR_H

#include <stdint.h>

#include "hearth/nix.h"

struct doctor {
	int		 failed;
	int		 passed;
	int		 skipped;
	char		*nix;		/* the nix program found, or NULL */
	char		*version_line;	/* what its --version said */
	struct nix_version version;
	int		 have_version;	/* version parsed */
	int		 rundir_ok;
	uint32_t	 daemon_pid;	/* 0: no daemon answered */
};

/* One line: the check passed, failed (with the fix) or was skipped. */
void	doctor_ok(struct doctor *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	doctor_fail(struct doctor *, const char *, const char *,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	doctor_skip(struct doctor *, const char *, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* The hook in the rc files of $SHELL. */
void	doctor_check_hook(struct doctor *);

#endif
