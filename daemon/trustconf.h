/*
 * hearthd: the interface of trustconf.c.
 * Struct bodies stay in the .c files; other files see only this.
 */
#ifndef HEARTHD_TRUSTCONF_H
#define HEARTHD_TRUSTCONF_H

/* trustconf.c: the user's [trust] section, directories trusted by place. */
/* The user's config.ini; NULL when there is no home to hold it. */
char		*trustconf_path(void);
/* 1 if the user's config.ini trusts the workspace at a canonical root. */
int		 trustconf_trusted(const char *);

#endif
