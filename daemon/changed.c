/*
 * "Something a shell could see changed", said in one place: a snapshot
 * landed, a shell failed, a workspace was allowed, denied or blocked. The
 * announcement bumps the generation file that prompt hooks compare (so
 * that their next prompt runs the client) and answers the clients waiting
 * for their shell to settle, always both, in that order.
 */
#include "changed.h"
#include "generation.h"
#include "server.h"

void
changed_announce(const char *why)
{
	generation_bump(why);
	server_notify();
}

void
changed_recheck(void)
{
	server_notify();
}
