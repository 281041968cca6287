/*
 * `hearth export SHELL`: what the prompt hook runs. It prints shell code
 * that brings the environment in line with the current directory: it
 * applies the snapshot of the workspace's dev shell, switches to a newer
 * one when the daemon has it, and undoes everything on the way out,
 * restoring what the shell had.
 *
 * It never waits for Nix: the daemon answers from snapshots it already
 * has, within a deadline of a few tens of milliseconds; a daemon that is
 * not running is started and waited for within that same deadline.
 * Outside any workspace, with nothing applied, it prints nothing and does
 * not contact the daemon at all. Notices ("not allowed", "failed") are
 * printed once per change, not at every prompt; the state variable
 * remembers the last.
 *
 * It also tells the hook, in plain shell variables, what it would print
 * on leaving, so that a cd out of a workspace runs no process:
 *  _hearth_root   the workspace of this directory (physical, as seen
 *                 here); empty outside every workspace
 *  _hearth_undo   the code a run outside every workspace would print now:
 *                 each variable restored, the PATH-like ones computed from
 *                 their values now, and the state that leaves behind
 *  _hearth_guard  a test that the PATH-like variables still have those
 *                 values (if the user changed one, the hook runs us)
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hearth/monotime.h"
#include "hearth/path.h"
#include "hearth/shellname.h"
#include "hearth/xmalloc.h"
#include "hearth.h"

/* How long a prompt waits for the daemon, unless HEARTH_TIMEOUT_MS says. */
#define EXPORT_TIMEOUT_MS	50

static int	cmd_export_exec(const struct cmd_parsed *);
static void	cmd_export_help(FILE *);

const struct cmd_entry cmd_export_entry = {
	.name = "export",
	.args = "SHELL",
	.min_args = 1,
	.max_args = 1,
	.complete = CMD_COMPLETE_WORDS,
	.words = "bash zsh fish nu elvish xonsh tcsh json gha",
	.summary = "print code that applies the dev shell for this directory",
	.help =
	    "The prompt hook runs this; you do not need to.\n"
	    "json prints direnv's JSON for editors: an object mapping each\n"
	    "name to its new value, or to null to unset it, HEARTH_STATE\n"
	    "included; nothing when nothing changes. gha prints lines for\n"
	    "$GITHUB_ENV.\n"
	    "Environment: HEARTH_TIMEOUT_MS, how long to wait for the daemon,\n"
	    "starting it first when it is not running (default 50).\n",
	.help_table = cmd_export_help,
	.exec = cmd_export_exec,
};

/* The shells SHELL may name. */
static void
cmd_export_help(FILE *f)
{
	struct buf	 names = BUF_INIT;

	shell_list(&names, ", ", ", ");
	fprintf(f, "SHELL is %s, json or gha.\n", names.data);
	buf_release(&names);
}

static void
notice(struct envstate *st, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Show a one-line notice unless it is the one shown last. */
static void
notice(struct envstate *st, const char *key, const char *fmt, ...)
{
	va_list	 ap;

	if (strcmp(envstate_notice(st), key) == 0)
		return;
	envstate_set_notice(st, key);
	if (fmt == NULL)
		return;
	fputs("hearth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int
export_timeout(void)
{
	const char	*v = getenv("HEARTH_TIMEOUT_MS");

	if (v != NULL && atoi(v) > 0)
		return (atoi(v));
	return (EXPORT_TIMEOUT_MS);
}

static void
export_unload(struct envstate *st, struct envset *set)
{
	if (!envstate_applied(st))
		return;
	fprintf(stderr, "hearth: unloaded the %s shell of %s\n",
	    envstate_shell(st), envstate_root(st));
	envstate_revert(st, set);
}

extern char	**environ;

/*
 * In a shell whose names ignore case (nushell), 1 if the diff's i-th name
 * would overwrite another variable there: setting `path` would overwrite
 * PATH. Of names alike in the diff the first in byte order (upper case
 * first) is kept; a name alike to one in the environment, but not there
 * itself, is not.
 */
static int
export_case_clash(const struct envdiff *d, size_t i)
{
	const char	*name = d->entries[i].name;
	size_t		 j, len = strlen(name);
	char		**e;

	for (j = 0; j < d->n; j++) {
		if (strcasecmp(d->entries[j].name, name) == 0 &&
		    strcmp(d->entries[j].name, name) < 0)
			return (1);
	}
	if (getenv(name) != NULL)
		return (0);
	for (e = environ; *e != NULL; e++) {
		if (strncasecmp(*e, name, len) == 0 && (*e)[len] == '=')
			return (1);
	}
	return (0);
}

/*
 * Apply the snapshot a reply carries, replacing what is applied. Names
 * special in this shell, and those no dev shell may set (the prompt's,
 * hearth's own), are left out (`hearth status` lists them).
 */
static void
export_load(const struct shell *sh, struct envstate *st, struct envset *set,
    const struct shell_reply *r)
{
	struct envdiff	 all, d;
	struct buf	 held = BUF_INIT, clash = BUF_INIT;
	char		*cause = NULL;
	size_t		 i;
	int		 update;

	envdiff_init(&all);
	envdiff_init(&d);
	if (!r->has_env ||
	    envdiff_decode(&all, r->env, r->envlen, &cause) != 0) {
		notice(st, "bad-snapshot", "the daemon sent an unusable "
		    "snapshot: %s", cause ? cause : "no environment");
		free(cause);
		return;
	}
	for (i = 0; i < all.n; i++) {
		/* Never the user's shell's own, whatever made the snapshot. */
		if (!shellname_settable(sh->name, all.entries[i].name) ||
		    envdiff_excluded(all.entries[i].name))
			continue;
		/* A value this shell cannot hold: left out, and said so. */
		if (all.entries[i].value != NULL &&
		    !shellname_holds(sh->name, all.entries[i].value)) {
			buf_addf(&held, " %s", all.entries[i].name);
			continue;
		}
		if (sh->names_nocase && export_case_clash(&all, i)) {
			buf_addf(&clash, " %s", all.entries[i].name);
			continue;
		}
		envdiff_add(&d, all.entries[i].op, all.entries[i].name,
		    all.entries[i].value);
	}
	envdiff_release(&all);
	if (clash.len != 0)
		fprintf(stderr, "hearth: not set in %s, where they would "
		    "overwrite a variable named alike in other case:%s\n",
		    sh->name, clash.data);
	buf_release(&clash);
	if (held.len != 0)
		fprintf(stderr, "hearth: not set in %s, whose values must be "
		    "UTF-8:%s\n", sh->name, held.data);
	buf_release(&held);
	update = envstate_applied(st) &&
	    strcmp(envstate_root(st), r->root) == 0 &&
	    strcmp(envstate_shell(st), r->shell) == 0;
	envstate_revert(st, set);
	envstate_apply(st, set, &d, r->root, r->shell, r->snapshot_id);
	if (update && r->changed != NULL && *r->changed != '\0')
		fprintf(stderr, "hearth: the %s shell of %s was updated (%s)\n",
		    r->shell, r->root, r->changed);
	else if (update)
		fprintf(stderr, "hearth: the %s shell of %s was updated\n",
		    r->shell, r->root);
	else
		fprintf(stderr, "hearth: loaded the %s shell of %s "
		    "(%zu variables)\n", r->shell, r->root, d.n);
	/* What shellHook printed is shown once per snapshot and shell. */
	if (envstate_hook_shown(st) != r->snapshot_id &&
	    r->hook_output != NULL && *r->hook_output != '\0') {
		fputs(r->hook_output, stderr);
		if (r->hook_output[strlen(r->hook_output) - 1] != '\n')
			fputc('\n', stderr);
	}
	envstate_set_hook_shown(st, r->snapshot_id);
	envdiff_release(&d);
}

/* A short digest of a message, to tell one notice from the next. */
static uint32_t
export_digest(const char *s)
{
	uint32_t	 h = 2166136261U;	/* FNV-1a */

	for (; s != NULL && *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return (h);
}

/* Act on the daemon's answer for a workspace. */
static void
export_reply(const struct shell *sh, struct envstate *st,
    struct envset *set, const struct shell_reply *r)
{
	char	*key;
	int	 usable, same;

	/* A blocked workspace keeps the last good one: allowed code made it. */
	usable = r->snapshot_id != 0 && (r->state == SHELL_READY ||
	    r->state == SHELL_EVALUATING || r->state == SHELL_FAILED ||
	    r->state == SHELL_BLOCKED);
	same = envstate_snapshot(st) == r->snapshot_id &&
	    strcmp(envstate_root(st), r->root) == 0 &&
	    strcmp(envstate_shell(st), r->shell) == 0;
	if (!usable)
		export_unload(st, set);
	else if (!same)
		export_load(sh, st, set, r);

	/* A new failure is told even if the last notice was a failure. */
	key = xasprintf("%s:%s:%08x", protocol_state_name(r->state), r->root,
	    export_digest(r->message));
	switch (r->state) {
	case SHELL_UNTRUSTED:
		notice(st, key, "%s is not allowed; run `hearth allow` to "
		    "load its dev shell", r->root);
		break;
	case SHELL_BLOCKED:
		notice(st, key, "%s; run hearth allow to evaluate it",
		    r->message != NULL ? r->message : "a file changed");
		break;
	case SHELL_EVALUATING:
		if (!usable)
			notice(st, key, "evaluating the %s shell of %s in the "
			    "background (hearth wait)", r->shell, r->root);
		else
			/* Once: the shell in use stays until then. */
			notice(st, key, "preparing a new %s shell of %s in the "
			    "background; this one stays until it is ready "
			    "(hearth wait)", r->shell, r->root);
		break;
	case SHELL_FAILED:
		notice(st, key, "the %s shell of %s failed to evaluate%s: %s",
		    r->shell, r->root, usable ? " (keeping the last good one)"
		    : "", r->message);
		break;
	default:
		notice(st, key, NULL);
		break;
	}
	free(key);
}

/*
 * Ask the daemon about dir; 0 with the reply, -1 after handling it. A
 * daemon that is not running is started, and waited for within the same
 * deadline: a daemon that is ready in time (it needs milliseconds)
 * answers from the snapshots its store kept, at this very prompt.
 */
static int
export_ask(struct envstate *st, struct envset *set, const char *dir,
    const char *root, struct shell_reply *r)
{
	struct buf		 b = BUF_INIT;
	struct ipc_reply	 reply;
	char			*cause = NULL, **env;
	size_t			 off;
	int64_t			 deadline;
	int			 rc, err, left;

	deadline = monotime_ms() + export_timeout();
	off = protocol_begin(&b, MSG_EXPORT);
	protocol_put_str(&b, dir);
	protocol_put_u64(&b, strcmp(envstate_root(st), root) == 0 ?
	    envstate_snapshot(st) : 0);
	protocol_end(&b, off);
	rc = ipc_request(&b, &reply, export_timeout(), 0, &cause);
	err = errno;
	if (rc != 0 && (err == ENOENT || err == ECONNREFUSED)) {
		free(cause);
		cause = NULL;
		left = (int)(deadline - monotime_ms());
		env = envstate_base_environ();
		rc = ipc_start_daemon(left > 0 ? left : 0, env, &cause);
		err = errno;
		envstate_free_environ(env);
		left = (int)(deadline - monotime_ms());
		if (rc == 0 && left > 0) {
			free(cause);
			cause = NULL;
			rc = ipc_request(&b, &reply, left, 0, &cause);
			err = errno;
		} else if (rc == 0) {
			rc = -1;
			err = ETIMEDOUT;
		}
		/* A new daemon not ready in time will be at the next prompt. */
		if (rc != 0)
			err = err == ETIMEDOUT ? EINPROGRESS : EIO;
	}
	buf_release(&b);
	if (rc == 0) {
		rc = shell_reply_decode(r, &reply, &cause);
		ipc_reply_release(&reply);
		if (rc == 0)
			return (0);
		err = 0;
	}
	/* No answer: keep what is applied, unless we left its workspace. */
	if (envstate_applied(st) && strcmp(envstate_root(st), root) != 0)
		export_unload(st, set);
	if (err == EINPROGRESS)
		/* Nothing is promised: the workspace may not be allowed. */
		notice(st, "starting", "hearthd is starting; hearth asks it "
		    "again at the next prompt");
	else if (err == EIO)
		notice(st, "no-start", "%s", cause);
	else
		notice(st, "no-answer", "%s; keeping the current environment",
		    cause);
	free(cause);
	return (-1);
}

/*
 * Without a Nix that can use flakes there is no dev shell to load and no
 * daemon to ask: say so once per shell session (HEARTH_NONIX remembers
 * it), pointing at `hearth fallback`. 1 if so. Only access(2) and a
 * cache file: nixcheck never makes a prompt wait for Nix.
 */
static int
export_nonix(const struct shell *sh, struct buf *out, struct envstate *st,
    struct envset *set, const char *root)
{
	const char		*shown = getenv("HEARTH_NONIX");
	enum nixcheck_state	 state;
	char			*why, *key;

	state = nixcheck_state(1, NULL, &why);
	if (state != NIXCHECK_MISSING && state != NIXCHECK_NOFLAKES)
		return (0);
	if (envstate_applied(st) && strcmp(envstate_root(st), root) != 0)
		export_unload(st, set);
	key = xasprintf("%d:%s", (int)state, why);
	if (shown == NULL || strcmp(shown, key) != 0) {
		fprintf(stderr, "hearth: %s; `hearth fallback` shows how to "
		    "work on %s without it\n", why, root);
		sh->set(out, "HEARTH_NONIX", key);
	}
	free(key);
	free(why);
	return (1);
}

/*
 * Set the hook's three variables: what a later run outside every
 * workspace would print, computed now over the environment this run
 * leaves (set) and the state it leaves (st), as that run would compute it.
 */
static void
export_leave(const struct shell *sh, struct buf *out, struct envstate *st,
    struct envset *set, const char *root)
{
	struct envstate	 *left;
	struct envset	 *leave;
	struct buf	  undo = BUF_INIT, guard = BUF_INIT, msg = BUF_INIT;
	const char	**names, *name, *value;
	char		 *enc;
	size_t		  i;

	if (root == NULL) {
		/* Outside, nothing applied and no notice: nothing to undo. */
		sh->setvar(out, "_hearth_root", "");
		sh->setvar(out, "_hearth_undo", "");
		sh->setvar(out, "_hearth_guard", "");
		return;
	}
	enc = envstate_encode(st);
	left = envstate_decode(enc);
	free(enc);
	leave = envset_over(set);
	/* export_unload() and notice(st, "", NULL), as printed code. */
	if (envstate_applied(left)) {
		buf_addf(&msg, "hearth: unloaded the %s shell of %s",
		    envstate_shell(left), envstate_root(left));
		buf_adds(&undo, "printf '%s\\n' ");
		sh->quote(&undo, msg.data);
		buf_adds(&undo, " >&2\n");
		envstate_revert(left, leave);
	}
	envstate_set_notice(left, "");
	for (i = 0; i < envset_count(leave); i++) {
		envset_item(leave, i, &name, &value);
		if (shellname_settable(sh->name, name) ||
		    envdiff_valid_name(name))
			sh->set(&undo, name, value);
	}
	/* Last: cut short, the state still says what is applied. */
	enc = envstate_encode(left);
	sh->set(&undo, ENVSTATE_VAR, *enc != '\0' ? enc : NULL);
	free(enc);

	names = envstate_prepended(st);
	for (i = 0; names[i] != NULL; i++)
		sh->guard(&guard, names[i], envset_get(set, names[i]));
	free(names);

	sh->setvar(out, "_hearth_root", root);
	sh->setvar(out, "_hearth_undo", undo.data);
	sh->setvar(out, "_hearth_guard", guard.data);
	buf_release(&msg);
	buf_release(&guard);
	buf_release(&undo);
	envset_free(leave);
	envstate_free(left);
}

static int
cmd_export_exec(const struct cmd_parsed *p)
{
	const struct shell	*sh;
	struct envstate		*st;
	struct envset		*set;
	struct shell_reply	 r;
	struct buf		 out = BUF_INIT;
	const char		*name, *value;
	char			*cause = NULL, *cwd, *root, *enc;
	size_t			 i;

	if ((sh = shell_find_export(cmd_arg(p, 0), &cause)) == NULL) {
		fprintf(stderr, "hearth export: %s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	st = envstate_from_env();
	set = envset_new();
	cwd = getcwd(NULL, 0);
	root = cwd != NULL ? path_find_workspace(cwd) : NULL;
	if (root == NULL) {
		export_unload(st, set);
		notice(st, "", NULL);
	} else if (export_nonix(sh, &out, st, set, root)) {
		/* No usable Nix here: nothing to ask the daemon. */
	} else if (export_ask(st, set, cwd, root, &r) == 0) {
		export_reply(sh, st, set, &r);
		shell_reply_release(&r);
	} else {
		/*
		 * No answer: make the hook's fast path ask again at the next
		 * prompt, rather than wait for a change that may not come.
		 */
		if (sh->hook != NULL)
			sh->set(&out, "_hearth_gen", NULL);
	}

	for (i = 0; i < envset_count(set); i++) {
		envset_item(set, i, &name, &value);
		/* A function another shell's state undoes: not this one's. */
		if (shellname_settable(sh->name, name) ||
		    envdiff_valid_name(name))
			sh->set(&out, name, value);
	}
	if (envstate_changed(st)) {
		enc = envstate_encode(st);
		sh->set(&out, ENVSTATE_VAR, *enc != '\0' ? enc : NULL);
		free(enc);
	}
	/* An output format has no hook to leave variables to. */
	if (sh->hook != NULL)
		export_leave(sh, &out, st, set, root);
	else if (sh->finish != NULL)
		sh->finish(&out);
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	envset_free(set);
	envstate_free(st);
	free(root);
	free(cwd);
	return (EXIT_OK);
}
