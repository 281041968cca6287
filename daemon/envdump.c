/*
 * Stage 2 of an evaluation (eval.c): the bash program that sources a dev
 * shell's rc, and so runs its shellHook, between two dumps of the exported
 * environment on fd 3, and the reading of what it dumped. The dumps go to
 * their own fd so that nothing the rc or the hook prints can mix in; a
 * mark ends each, and the rc gets one more at its end, so that an rc or
 * hook that stops early is told from one that ran through.
 */
#include <string.h>

#include "hearth/buf.h"
#include "envdump.h"

/* Set by the last line hearth appends to the rc. */
#define ENVDUMP_RC_DONE	"__hearth_rc_done=1"

/* Marks the end of the "before" dump and of the "after" dump. */
#define ENVDUMP_MARK	"__HEARTH_DUMP_END__=1"

/*
 * The script. $1 is the rc file. The dumps use only builtins, and
 * reset IFS first because the rc or the hook may change it. They leave
 * out the tracer (hookreads.c), which is hearth's, not the shell's. An rc
 * or hook that exits early leaves the second mark out, and the job fails. Lix
 * (2.95) counts nested dev shells in NIX_SHELL_LEVEL, one more than the
 * caller's: the snapshot's is 1, whatever the daemon's environment had
 * (it is one shell in, wherever it is applied). Exported functions are
 * dumped as BASH_FUNC_name%%=<what declare -f prints>; envdiff.c turns
 * that into what the environment holds.
 */
const char envdump_script[] =
	"exec 2>&1 </dev/null\n"
	"unset NIX_SHELL_LEVEL\n"
	"__hearth_so=${HEARTH_NIXTRACE_SO-}\n"
	"__hearth_dump() {\n"
	"  local IFS=$' \\t\\n' __hearth_n __hearth_v __hearth_f\n"
	"  for __hearth_n in $(compgen -e); do\n"
	"    __hearth_v=${!__hearth_n}\n"
	"    case $__hearth_n in HEARTH_NIXTRACE_*) continue ;; esac\n"
	"    if [ \"$__hearth_n\" = LD_PRELOAD ] && [ -n \"$__hearth_so\" ]; then\n"
	"      case $__hearth_v in\n"
	"      \"$__hearth_so\") continue ;;\n"
	"      *\":$__hearth_so\") __hearth_v=${__hearth_v%\":$__hearth_so\"} ;;\n"
	"      esac\n"
	"    fi\n"
	"    printf '%s=%s\\0' \"$__hearth_n\" \"$__hearth_v\" >&3\n"
	"  done\n"
	"  while read -r _ __hearth_n __hearth_f; do\n"
	"    case $__hearth_n in\n"
	"    -*x*) printf 'BASH_FUNC_%s%%%%=' \"$__hearth_f\" >&3\n"
	"      declare -f -- \"$__hearth_f\" >&3; printf '\\0' >&3 ;;\n"
	"    esac\n"
	"  done < <(declare -F)\n"
	"  printf '%s\\0' '" ENVDUMP_MARK "' >&3\n"
	"}\n"
	"__hearth_dump\n"
	"source \"$1\" 3>&-\n"
	"if [ -z \"${__hearth_rc_done-}\" ]; then\n"
	"  echo 'the dev shell rc stopped before its end' >&2; exit 99\n"
	"fi\n"
	"unset __hearth_rc_done\n"
	"__hearth_dump\n"
	"case ${NIX_BUILD_TOP-} in\n"
	"*/nix-shell.*) rm -rf -- \"$NIX_BUILD_TOP\" ;;\n"
	"esac\n";

void
envdump_end_rc(struct buf *rc)
{
	buf_adds(rc, "\n" ENVDUMP_RC_DONE "\n");
}

int
envdump_split(const struct buf *dump, struct buf *before, struct buf *after)
{
	const char	*mark = ENVDUMP_MARK, *p = dump->data;
	const char	*end = p + dump->len, *m1 = NULL, *m2 = NULL;
	size_t		 n;

	while (p < end) {
		n = strnlen(p, end - p);
		if (p + n == end)
			break;
		if (strcmp(p, mark) == 0) {
			if (m1 == NULL)
				m1 = p;
			else if (m2 == NULL)
				m2 = p;
		}
		p += n + 1;
	}
	if (m1 == NULL || m2 == NULL)
		return (-1);
	buf_add(before, dump->data, m1 - dump->data);
	m1 += strlen(mark) + 1;
	buf_add(after, m1, m2 - m1);
	return (0);
}
