#!/bin/sh
# Self-test for tests/tools/ptyrun: drives real interactive shells on a pty
# and checks the transcript, the exit status and the timeout path.
# Usage: tests/tools/test-ptyrun.sh PATH/TO/ptyrun
# bash is required; zsh and fish are exercised when installed.

set -u

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 PATH/TO/ptyrun" >&2
	exit 2
fi
ptyrun=$1
case $ptyrun in
/*) ;;
*) ptyrun=$PWD/$ptyrun ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-ptyrun.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
marker='PTYRUN_PROMPT> '

pass()
{
	passed=$((passed + 1))
	echo "PASS: $1"
}

fail()
{
	failed=$((failed + 1))
	echo "FAIL: $1"
	shift
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/    | /' "$f"
	done
}

# A clean, predictable environment: no user rc files, no inherited prompt hooks.
cleanenv()
{
	env -i HOME="$tmp" PATH=/usr/bin:/bin TERM=dumb "$@"
}

# expect_grep NAME FILE PATTERN...: every fixed-string PATTERN occurs in FILE.
expect_grep()
{
	name=$1 file=$2
	shift 2
	for pat in "$@"; do
		if ! grep -qF -- "$pat" "$file"; then
			fail "$name (no '$pat' in transcript)" "$file"
			return
		fi
	done
	pass "$name"
}

# expect_status NAME WANT GOT [FILE...]: FILEs are shown on failure.
expect_status()
{
	name=$1 want=$2 got=$3
	shift 3
	if [ "$got" -eq "$want" ]; then
		pass "$name"
	else
		fail "$name (exit status $got, want $want)" "$@"
	fi
}

# The typed lines are for the shell under test to expand, not for us.
script="$tmp/script"
# shellcheck disable=SC2016
printf '%s\n' 'echo hello-$((1+1))' 'cd /tmp' 'pwd' >"$script"

# bash: PS1 from the environment survives because --norc sets nothing.
out="$tmp/bash.out" err="$tmp/bash.err"
cleanenv PS1="$marker" "$ptyrun" -t 20 -- bash --noprofile --norc -i \
    <"$script" >"$out" 2>"$err"
got=$?
expect_status "bash exits 0" 0 $got "$out" "$err"
expect_grep "bash transcript" "$out" hello-2 /tmp "${marker}pwd"
if grep -q "$(printf '\r')" "$out"; then
	fail "bash transcript has no CR" "$out"
else
	pass "bash transcript has no CR"
fi

# bash with --rcfile setting the prompt, transcript via -o.
rc="$tmp/bashrc"
printf '%s\n' "PS1='$marker'" 'greeting=from-rcfile' >"$rc"
# shellcheck disable=SC2016
printf '%s\n' 'echo "$greeting"' 'exit 3' |
    cleanenv "$ptyrun" -t 20 -o "$tmp/rc.out" -- \
    bash --noprofile --rcfile "$rc" -i >"$tmp/rc.stdout" 2>"$tmp/rc.err"
got=$?
expect_status "exit status is passed through" 3 $got "$tmp/rc.out" \
    "$tmp/rc.err"
expect_grep "-o writes the transcript" "$tmp/rc.out" from-rcfile
if [ -s "$tmp/rc.stdout" ]; then
	fail "-o leaves stdout empty" "$tmp/rc.stdout"
else
	pass "-o leaves stdout empty"
fi

# Timeout: the shell, its foreground job and its background jobs must all
# be killed, and promptly.  Sleeps only this run uses, so pgrep can tell
# whether ours survived.
nap="sleep 9.$$" bgnap="sleep 8.$$"
start=$(date +%s)
printf '%s\n' "$bgnap &" "$nap" | cleanenv PS1="$marker" "$ptyrun" -t 1 -- \
    bash --noprofile --norc -i >"$tmp/to.out" 2>"$tmp/to.err"
got=$?
elapsed=$(($(date +%s) - start))
expect_status "timeout exits 124" 124 $got "$tmp/to.out" "$tmp/to.err"
expect_grep "timeout message" "$tmp/to.err" "ptyrun: timed out after 1 s \
waiting for the prompt after line 2: $nap"
if [ $elapsed -le 4 ]; then
	pass "timeout is prompt (${elapsed}s)"
else
	fail "timeout is prompt (${elapsed}s)"
fi
for job in "$nap" "$bgnap"; do
	if pgrep -fx "$job" >/dev/null 2>&1; then
		fail "timeout kills '$job'"
	else
		pass "timeout kills '$job'"
	fi
done

# -T: one line of microseconds per typed line, from its Enter to the next
# prompt. Empty lines (pressing Enter) are typed too: they once made
# ptyrun die in realloc(p, 0). The sleep's line takes at least its 0.3 s;
# of the others, on a loaded machine, only that they are whole numbers.
printf '%s\n' '' ':' 'sleep 0.3' '' 'echo timed-$((6*7))' |
    cleanenv PS1="$marker" "$ptyrun" -t 20 -T "$tmp/T.times" -- \
    bash --noprofile --norc -i >"$tmp/T.out" 2>"$tmp/T.err"
got=$?
expect_status "-T: bash exits 0" 0 $got "$tmp/T.out" "$tmp/T.err"
expect_grep "-T: the transcript is unchanged" "$tmp/T.out" timed-42 \
    "${marker}sleep 0.3"
if [ "$(wc -l 2>/dev/null <"$tmp/T.times")" = 5 ] &&
    ! grep -qvE '^[0-9]+$' "$tmp/T.times" 2>/dev/null; then
	pass "-T writes one number per typed line"
else
	fail "-T writes one number per typed line" "$tmp/T.times"
fi
if [ "$(sed -n 3p "$tmp/T.times" 2>/dev/null)" -ge 300000 ] 2>/dev/null &&
    [ "$(sed -n 3p "$tmp/T.times")" -lt 20000000 ] 2>/dev/null; then
	pass "-T times the line until its prompt"
else
	fail "-T times the line until its prompt" "$tmp/T.times"
fi
printf ':\n' | "$ptyrun" -T "$tmp/no/such/dir/times" -- true \
    >/dev/null 2>"$tmp/T2.err"
got=$?
expect_status "-T: an unwritable file exits 125" 125 $got "$tmp/T2.err"

# Usage errors.
"$ptyrun" -T >/dev/null 2>"$tmp/usageT.err" </dev/null
got=$?
expect_status "-T without a file exits 2" 2 $got "$tmp/usageT.err"
expect_grep "-T without a file says so" "$tmp/usageT.err" \
    "option -T needs an argument"
"$ptyrun" >/dev/null 2>"$tmp/usage.err"
got=$?
expect_status "no PROGRAM exits 2" 2 $got "$tmp/usage.err"
"$ptyrun" -t nope -- true >/dev/null 2>&1 </dev/null
got=$?
expect_status "bad -t exits 2" 2 $got
"$ptyrun" --help >"$tmp/help.out" 2>&1
got=$?
expect_status "--help exits 0" 0 $got "$tmp/help.out"
expect_grep "--help prints usage" "$tmp/help.out" "usage: ptyrun"

# zsh: -f skips rc files; +o promptsp drops the '%'-and-spaces line filler.
if command -v zsh >/dev/null 2>&1; then
	out="$tmp/zsh.out"
	cleanenv PS1="$marker" "$ptyrun" -t 20 -- zsh -f +o promptsp -i \
	    <"$script" >"$out" 2>"$tmp/zsh.err"
	got=$?
	expect_status "zsh exits 0" 0 $got "$out" "$tmp/zsh.err"
	expect_grep "zsh transcript" "$out" hello-2 /tmp
else
	echo "SKIP: zsh not installed"
fi

# fish: the prompt comes from fish_prompt; fish repaints the prompt while
# echoing input on a dumb terminal, which ptyrun must not take for a prompt.
if command -v fish >/dev/null 2>&1; then
	out="$tmp/fish.out"
	printf '%s\n' 'echo hello-(math 1+1)' 'cd /tmp' 'pwd' |
	    cleanenv "$ptyrun" -t 20 -- fish --no-config -C \
	    "function fish_prompt; echo -n '$marker'; end" -i \
	    >"$out" 2>"$tmp/fish.err"
	got=$?
	expect_status "fish exits 0" 0 $got "$out" "$tmp/fish.err"
	expect_grep "fish transcript" "$out" hello-2 /tmp
	# Nothing of line 2 is typed before line 1's output is complete.
	if ! sed '/hello-2/q' "$out" | grep -qE 'cd /tmp|pwd|exit'; then
		pass "fish lines are typed one prompt at a time"
	else
		fail "fish lines are typed one prompt at a time" "$out"
	fi
else
	echo "SKIP: fish not installed"
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
