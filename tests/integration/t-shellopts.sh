#!/usr/bin/env bash
# The user's shell options, set in the rc file before the hook, neither
# break the hook nor are changed by it: with errexit, nounset, pipefail,
# failglob, nullglob or an exported SHELLOPTS (bash), err_exit, no_unset,
# pipe_fail, null_glob, err_return or no_nomatch (zsh), an interactive
# shell enters a workspace, runs its tool, leaves it, and still has every
# option it had, no error text, and the $? its commands left.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/b" >/dev/null
hearth allow "$T/b" >/dev/null
wait_ready "$T/b"

# bash_case NAME RC-LINES: one interactive bash with RC-LINES before the
# hook. `! true` leaves $? 1 without tripping errexit; the user's own
# PROMPT_COMMAND, after the hook's, records what $? it sees; with a third
# argument there is none (and $_st is 1 throughout). The next command
# sees the $? of the one before the prompt; so does the user's own
# PROMPT_COMMAND, but under errexit, where the hook returns 0 (not to end
# the shell), one joined to it in the string sees 0.
bash_case() {
	local name=$1 out pc="PROMPT_COMMAND='_st=\$?'" pcst=1
	[[ $2 =~ ^set\ -[a-zA-Z]*e|errexit ]] && pcst=0
	[ -n "${3:-}" ] && pc="unset PROMPT_COMMAND; _st=1" pcst=1
	IT_BASHRC_EXTRA="$pc
$2
_opts0=\"\${-//s} \$(set +o | tr '\n' ' ') \$(shopt -p | tr '\n' ' ')\""
	cat > "$T/script" <<EOF
cd $T/b; ! true
echo "st-in:[\$?][\$_st]"
fixture-tool
echo "in:[\$FIXTURE_VAR]"
cd /; ! true
echo "st-out:[\$?][\$_st]"
echo "out:[\${FIXTURE_VAR-unset}]"
echo "flags:[\$-]"; shopt -p failglob nullglob || :; set +o | grep -E 'errexit|nounset|pipefail' || :
[ "\$_opts0" = "\${-//s} \$(set +o | tr '\n' ' ') \$(shopt -p | tr '\n' ' ')" ] && echo "opts kept" || echo "opts changed"
echo "still alive"
EOF
	out=$(run_bash < "$T/script" 2>&1)
	expect_in "bash $name: the shell did not exit" "still alive" "$out"
	expect_in "bash $name: tool inside" "fixture-tool v1" "$out"
	expect_in "bash $name: environment applied" "in:[fixture-value]" "$out"
	expect_in "bash $name: environment restored" "out:[unset]" "$out"
	expect_in "bash $name: options kept" "opts kept" "$out"
	expect_not_in "bash $name: no error text" "unbound variable" "$out"
	expect_not_in "bash $name: no glob error" "no match" "$out"
	expect_in "bash $name: \$? kept entering" "st-in:[1][$pcst]" "$out"
	expect_in "bash $name: \$? kept leaving" "st-out:[1][$pcst]" "$out"
	printf '%s\n' "$out" > "$T/out-$name"
}

bash_case errexit "set -e"
bash_case nounset "set -u"
bash_case nounset-no-prompt-command "set -u" bare
bash_case errexit-no-prompt-command "set -e" bare
bash_case pipefail "set -o pipefail"
bash_case exported-shellopts "set -o errexit -o nounset -o pipefail
export SHELLOPTS"
bash_case all "set -euo pipefail
shopt -s failglob"
bash_case failglob "shopt -s failglob"
bash_case nullglob "shopt -s nullglob"
bash_case errtrace "set -eE
trap 'echo ERR-TRAP-RAN' ERR"
expect_not_in "bash errtrace: the user's ERR trap not run by the hook" \
    "ERR-TRAP-RAN" "$(cat "$T/out-errtrace")"
expect_in "bash all: flags still there" "flags:[" "$(cat "$T/out-all")"
expect_in "bash all: failglob still on" "shopt -s failglob" "$(cat "$T/out-all")"
expect_in "bash all: errexit still on" "set -o errexit" "$(cat "$T/out-all")"
expect_in "bash all: nounset still on" "set -o nounset" "$(cat "$T/out-all")"
expect_in "bash all: pipefail still on" "set -o pipefail" "$(cat "$T/out-all")"

# zsh_case NAME RC-LINES: the same for an interactive zsh.
zsh_case() {
	local name=$1 out
	IT_ZSHRC_EXTRA="$2
_opts0=\"\$(setopt)\"
precmd_functions+=(_user_precmd)
_user_precmd() { _st=\$?; }"
	cat > "$T/script" <<EOF
cd $T/b; ! true
echo "st-in:[\$?][\$_st]"
fixture-tool
echo "in:[\$FIXTURE_VAR]"
cd /; ! true
echo "st-out:[\$?][\$_st]"
echo "out:[\${FIXTURE_VAR-unset}]"
[[ "\$_opts0" == "\$(setopt)" ]] && echo "opts kept" || echo "opts changed"
echo "still alive"
EOF
	out=$(run_zsh < "$T/script" 2>&1)
	expect_in "zsh $name: the shell did not exit" "still alive" "$out"
	expect_in "zsh $name: tool inside" "fixture-tool v1" "$out"
	expect_in "zsh $name: environment applied" "in:[fixture-value]" "$out"
	expect_in "zsh $name: environment restored" "out:[unset]" "$out"
	expect_in "zsh $name: options kept" "opts kept" "$out"
	expect_not_in "zsh $name: no error text" "parameter not set" "$out"
	expect_not_in "zsh $name: no glob error" "no match" "$out"
	expect_in "zsh $name: \$? kept entering" "st-in:[1]" "$out"
	expect_in "zsh $name: \$? kept leaving" "st-out:[1]" "$out"
}

zsh_case all "setopt err_exit no_unset pipe_fail"
zsh_case nullglob "setopt null_glob"
zsh_case err_return "setopt err_return no_nomatch"
it_finish
