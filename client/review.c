/*
 * The review of a workspace's trust, for `hearth status --trust` and
 * `hearth allow --diff`: the daemon's MSG_TRUST answer (lines of
 * tab-separated fields, see include/hearth/protocol.h) shown to a person.
 * The diff is git's where the workspace is a repository: the allowance
 * keeps only each file's BLAKE2b hash, so the allowed content is looked
 * for among the file's recent versions in git, by that hash; where it is
 * not there (never committed, or no git), the files and their hashes are
 * shown instead. The repository is not trusted yet, so git only reads
 * objects (log, cat-file, with pager and signature checks off: nothing
 * its config names runs) and diff(1) compares the allowed version with
 * the file, never git diff (which would run the repository's filters).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hearth/buf.h"
#include "hearth/hash.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* Versions of a file searched for its allowed content. */
#define REVIEW_DEPTH	50
#define REVIEW_GIT_SEC	30
#define REVIEW_MAX_OUT	(16U * 1024 * 1024)

/* Split a line into up to n tab-separated fields; how many it had. */
static int
review_fields(char *line, char **f, int n)
{
	int	 i = 0;

	while (i < n && line != NULL) {
		f[i++] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
	}
	return (i);
}

int
review_fetch(const char *dir, char **text, char **cause)
{
	struct ipc_reply	 reply;

	if (ipc_dir_request(MSG_TRUST, dir, &reply, IPC_DEADLINE_MS,
	    cause) != 0)
		return (-1);
	*text = reply_text(&reply);
	ipc_reply_release(&reply);
	return (0);
}

void
review_print(const char *text)
{
	char		*copy = xstrdup(text), *line, *next, *f[6], when[32];
	struct tm	 tm;
	time_t		 tt;
	int		 n, sets = 0;

	for (line = copy; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n = review_fields(line, f, 6);
		if (n == 2 && strcmp(f[0], "root") == 0)
			printf("%-10s %s\n", "workspace", f[1]);
		else if (n == 2 && strcmp(f[0], "state") == 0)
			printf("%-10s %s\n", "trust", strcmp(f[1], "location")
			    == 0 ? "trusted by location (config.ini [trust])" :
			    f[1]);
		else if (n == 5 && strcmp(f[0], "changed") == 0)
			printf("%-10s %s (hearth allow --diff shows how)\n",
			    "pending", f[1]);
		else if (n == 5 && strcmp(f[0], "set") == 0) {
			tt = (time_t)strtoll(f[1], NULL, 10);
			localtime_r(&tt, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
			printf("%-10s allowed %s, %s files%s\n", sets++ == 0 ?
			    "allowed" : "", when, f[3], strcmp(f[4], "1") == 0 ?
			    " (matches the files now)" : "");
		}
	}
	if (sets == 0)
		printf("%-10s no allowed content remembered\n", "allowed");
	free(copy);
}

/* Run git in top with the repository's helpers off; 0 if it succeeded. */
static int
review_git(const char *top, char *const args[], struct runner_result *res)
{
	char	*argv[24], *cause = NULL;
	size_t	 n = 0, i;

	argv[n++] = "git";
	argv[n++] = "-c";
	argv[n++] = "core.pager=cat";
	argv[n++] = "-c";
	argv[n++] = "core.fsmonitor=false";
	argv[n++] = "-c";
	argv[n++] = "log.showSignature=false";
	argv[n++] = "--no-pager";
	for (i = 0; args[i] != NULL && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	runner_result_init(res);
	if (runner_run(argv, top, REVIEW_GIT_SEC, REVIEW_MAX_OUT, res,
	    &cause) != 0) {
		free(cause);
		return (-1);
	}
	return (runner_ok(res) ? 0 : -1);
}

/*
 * The most recent commit holding path with the allowed hash, its content
 * in *content; NULL if none.
 */
static char *
review_find(const char *root, const char *path, const char *want,
    struct buf *content)
{
	struct runner_result	 log, show;
	struct hash_state	*h;
	char			 depth[16], hex[HASH_HEX_SIZE], *spec, *line;
	char			*next, *found = NULL;

	snprintf(depth, sizeof depth, "-n%d", REVIEW_DEPTH);
	if (review_git(root, (char *[]){ "log", "--format=%H", depth, "--",
	    (char *)path, NULL }, &log) != 0) {
		runner_result_release(&log);
		return (NULL);
	}
	for (line = log.out.data; found == NULL && line != NULL &&
	    *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		spec = xasprintf("%s:./%s", line, path);
		if (review_git(root, (char *[]){ "cat-file", "blob", spec,
		    NULL }, &show) == 0) {
			h = hash_new();
			hash_update_bytes_as_file(h, show.out.data,
			    show.out.len);
			hash_final(h, hex);
			if (strcmp(hex, want) == 0) {
				found = xstrdup(line);
				buf_add(content, show.out.data, show.out.len);
			}
		}
		runner_result_release(&show);
		free(spec);
	}
	runner_result_release(&log);
	return (found);
}

/* diff -u of the allowed content against the file as it is now. */
static void
review_show(const char *root, const char *path, const struct buf *was)
{
	struct runner_result	 res;
	char			 tmpl[] = "/tmp/hearth-allowed.XXXXXX";
	char			*now, *a, *b, *cause = NULL;
	int			 fd;

	if ((fd = mkstemp(tmpl)) == -1) {
		printf("(cannot write a temporary file: %s)\n",
		    strerror(errno));
		return;
	}
	if (write(fd, was->data, was->len) != (ssize_t)was->len) {
		close(fd);
		unlink(tmpl);
		return;
	}
	close(fd);
	now = xasprintf("%s/%s", root, path);
	a = xasprintf("allowed/%s", path);
	b = xasprintf("now/%s", path);
	runner_result_init(&res);
	if (runner_run((char *[]){ "diff", "-u", "--label", a, "--label", b,
	    tmpl, now, NULL }, NULL, REVIEW_GIT_SEC, REVIEW_MAX_OUT, &res,
	    &cause) == 0)
		fwrite(res.out.data, 1, res.out.len, stdout);
	else
		printf("(%s)\n", cause);
	free(cause);
	runner_result_release(&res);
	unlink(tmpl);
	free(now);
	free(a);
	free(b);
}

int
review_diff(const char *text)
{
	struct runner_result	 res;
	struct buf		 was = BUF_INIT;
	char	*copy = xstrdup(text), *line, *next, *f[6], *root = NULL;
	char	*commit;
	int	 n, changed = 0, git;

	for (line = copy; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		n = review_fields(line, f, 6);
		if (n == 2 && strcmp(f[0], "root") == 0)
			root = f[1];
		if (n != 5 || strcmp(f[0], "changed") != 0 || root == NULL)
			continue;
		changed++;
		git = review_git(root, (char *[]){ "rev-parse", "--git-dir",
		    NULL }, &res) == 0;
		runner_result_release(&res);
		commit = NULL;
		buf_reset(&was);
		if (git && *f[2] == 'r' && strcmp(f[4], "-") != 0)
			commit = review_find(root, f[1], f[4], &was);
		if (commit != NULL) {
			printf("%s: changed since you allowed it (as in git "
			    "commit %.12s):\n", f[1], commit);
			fflush(stdout);
			review_show(root, f[1], &was);
			free(commit);
		} else if (strcmp(f[4], "-") == 0)
			printf("%s: new to the allowance (now blake2b %.16s)\n",
			    f[1], f[3]);
		else
			printf("%s: blake2b %.16s when allowed, %.16s now%s\n",
			    f[1], f[4], f[3], git ? " (the allowed content "
			    "is not in its recent git history)" : "");
	}
	if (changed == 0)
		printf("hearth: nothing changed since the last allowance\n");
	else
		printf("hearth: review, then run hearth allow to evaluate "
		    "it\n");
	buf_release(&was);
	free(copy);
	return (changed);
}
