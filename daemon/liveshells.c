/*
 * The shells that have a workspace's dev shell applied, so that `hearth
 * gc` never forgets a workspace a shell is in. A prompt's `hearth export`
 * is a child of the shell, so each EXPORT names its shell: the client's
 * parent process, known by its pid and its start time (a pid alone may
 * be reused once the shell exits). A shell counts while that process
 * runs. Known only since the daemon started: after a restart, a shell
 * counts again from its next `hearth export`.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hearth/xmalloc.h"
#include "liveshells.h"

struct liveshell {
	pid_t			 pid;
	unsigned long long	 start;		/* in clock ticks since boot */
	char			*root;
	LIST_ENTRY(liveshell)	 entry;
};

static LIST_HEAD(, liveshell) liveshells = LIST_HEAD_INITIALIZER(liveshells);

/* A process's parent and start time, from /proc; -1 if it is gone. */
static int
liveshells_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char		 path[64], buf[1024], *p;
	size_t		 n;
	FILE		*f;
	int		 fields, parent;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: after the last. */
	if ((p = strrchr(buf, ')')) == NULL)
		return (-1);
	fields = sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%*u %*u %*d %*d %*d %*d %*d %*d %llu", &parent, start);
	if (fields != 2)
		return (-1);
	*ppid = parent;
	return (0);
}

/* 1 if the shell still runs: its pid has the same start time. */
static int
liveshells_alive(const struct liveshell *ls)
{
	unsigned long long	 start;
	pid_t			 ppid;

	return (liveshells_stat(ls->pid, &ppid, &start) == 0 &&
	    start == ls->start);
}

static void
liveshells_remove(struct liveshell *ls)
{
	LIST_REMOVE(ls, entry);
	free(ls->root);
	free(ls);
}

void
liveshells_note(pid_t client, const char *root)
{
	struct liveshell	*ls, *next;
	unsigned long long	 start, unused;
	pid_t			 shell, ppid;

	if (client <= 0 || liveshells_stat(client, &shell, &unused) != 0 ||
	    shell <= 1 || liveshells_stat(shell, &ppid, &start) != 0)
		return;
	for (ls = LIST_FIRST(&liveshells); ls != NULL; ls = next) {
		next = LIST_NEXT(ls, entry);
		if (ls->pid == shell || !liveshells_alive(ls))
			liveshells_remove(ls);
	}
	if (root == NULL)
		return;
	ls = xcalloc(1, sizeof *ls);
	ls->pid = shell;
	ls->start = start;
	ls->root = xstrdup(root);
	LIST_INSERT_HEAD(&liveshells, ls, entry);
}

unsigned
liveshells_in(const char *root)
{
	struct liveshell	*ls, *next;
	unsigned		 n = 0;

	for (ls = LIST_FIRST(&liveshells); ls != NULL; ls = next) {
		next = LIST_NEXT(ls, entry);
		if (!liveshells_alive(ls))
			liveshells_remove(ls);
		else if (strcmp(ls->root, root) == 0)
			n++;
	}
	return (n);
}

void
liveshells_free(void)
{
	struct liveshell	*ls;

	while ((ls = LIST_FIRST(&liveshells)) != NULL)
		liveshells_remove(ls);
}
