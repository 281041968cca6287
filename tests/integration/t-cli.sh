#!/usr/bin/env bash
# Every command has --help; bad usage gets a one-line error and the usage,
# exit 2; -t/--timeout mean the same wherever declared; the completions
# are the ones the command table makes; failures exit non-zero; a failed
# evaluation is reported with Nix's error; `hearth wait` exits 0 ready,
# 1 failed, 2 timed out.
. "$(dirname "$0")/lib.sh"
it_setup

top=$(cd "$IT_DIR/../.." && pwd)
cmds=$(hearth --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
check "hearth --help lists 17 commands or more" \
    test "$(echo $cmds | wc -w)" -ge 17
for cmd in $cmds; do
	out=$(hearth "$cmd" --help 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ] && [[ $out == "usage: hearth $cmd"* ]]; then
		ok "$cmd --help"
	else
		fail "$cmd --help (rc $rc)" "$out"
	fi
done
for prog in hearth hearthd; do
	out=$("$prog" --help 2>&1)
	check "$prog --help exits 0" test $? -eq 0
	expect_in "$prog --help prints usage" "usage: $prog" "$out"
done

expect_rc() {
	local want=$1 desc=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -eq "$want" ] && [ "$(printf '%s\n' "$out" | wc -l)" -le 2 ] &&
	    [ -n "$out" ]; then
		ok "$desc"
	else
		fail "$desc: rc $rc, want $want" "$out"
	fi
}
expect_rc 2 "no command" hearth
expect_rc 2 "unknown command" hearth frobnicate
expect_rc 2 "unknown option" hearth --frob
expect_rc 2 "hook: unknown shell" hearth hook ksh
expect_rc 2 "export: no shell" hearth export
expect_rc 2 "wait: bad timeout" hearth wait --timeout soon
expect_rc 2 "daemon: bad action" hearth daemon restart
expect_rc 2 "hearthd: bad option" hearthd --frob
expect_rc 2 "exec: no --" hearth exec ls
expect_rc 2 "gc: bad days" hearth gc --older-than=soon
expect_rc 2 "list: stray argument" hearth list extra
for cmd in $cmds; do
	expect_rc 2 "$cmd: unknown option" hearth "$cmd" --no-such-option
done

# An unknown option is not taken as a directory: usage on stderr, exit 2.
out=$(hearth status --json 2>"$T/err")
expect_eq "status --json exits 2" 2 "$?"
expect_eq "status --json prints nothing on stdout" "" "$out"
expect_eq "status --json: the error and the usage" \
    "hearth status: unknown option: --json
usage: hearth status [--trust] [DIR]" "$(cat "$T/err")"
out=$(hearth stauts 2>&1)
expect_eq "a mistyped command exits 2" 2 "$?"
expect_in "a mistyped command gets a suggestion" "did you mean stat" "$out"
out=$(hearth wait --timout 5 2>&1)
expect_in "a mistyped option gets a suggestion" "did you mean --timeout?" \
    "$out"

# -t and --timeout, in each form, mean the same in every command that
# declares them.
tcmds=""
for cmd in $cmds; do
	hearth "$cmd" --help | grep -q -- "-t, --timeout SECONDS" &&
	    tcmds="$tcmds $cmd"
done
expect_eq "the commands with -t/--timeout" " check tools wait" "$tcmds"
for cmd in $tcmds; do
	want=$(hearth "$cmd" --timeout soon 2>&1)
	for form in "-t soon" "-tsoon" "--timeout=soon"; do
		# shellcheck disable=SC2086
		got=$(hearth "$cmd" $form 2>&1)
		expect_eq "$cmd $form is $cmd --timeout soon (rc)" 2 "$?"
		expect_eq "$cmd $form is $cmd --timeout soon" "$want" "$got"
	done
done

# The completions installed are those the command table makes.
for sh in bash zsh fish; do
	case $sh in
	bash) f=hearth.bash ;;
	zsh) f=_hearth ;;
	fish) f=hearth.fish ;;
	esac
	if hearth __complete "$sh" | diff -u "$top/contrib/completions/$f" - \
	    >"$T/comp.diff"; then
		ok "contrib/completions/$f is what the table makes"
	else
		fail "contrib/completions/$f differs from hearth __complete" \
		    "$(head -20 "$T/comp.diff") (run make completions)"
	fi
done
mkdir -p "$T/plain"
expect_rc 1 "status outside a workspace" hearth status "$T/plain"
expect_rc 1 "allow outside a workspace" hearth allow "$T/plain"
expect_rc 1 "allow a missing directory" hearth allow "$T/missing"
expect_rc 1 "wait outside a workspace" hearth wait "$T/plain"
out=$(hearth allow "$T/plain" 2>&1)
expect_in "allow says what is wrong" "no flake.nix in $T/plain" "$out"
out=$(hearth d 2>&1)
expect_in "ambiguous prefix lists candidates" "could be: daemon, deny" "$out"
out=$(hearth statu --help 2>&1)
expect_in "unique prefix finds the command" "usage: hearth status" "$out"

# A flake with an evaluation error: failed, with Nix's own message.
fixture basic "$T/broken" >/dev/null
sed -i 's|FIXTURE_VAR = "fixture-value";|FIXTURE_VAR = undefined-thing;|' \
    "$T/broken/flake.nix"
git -C "$T/broken" commit -qam broken
hearth allow "$T/broken" >/dev/null
out=$(hearth wait --timeout 120 "$T/broken" 2>&1)
expect_eq "wait on a failing shell exits 1" 1 "$?"
expect_in "wait says why" "undefined variable 'undefined-thing'" "$out"
out=$(hearth status "$T/broken")
expect_in "status failed" "failed" "$out"
expect_in "status gives the error" "undefined variable" "$out"

# A Nix that hangs (a fault real Nix cannot be made to produce): wait
# times out with 2; the daemon's timeout kills the whole process group.
hearth daemon stop >/dev/null
cat > "$T/hang-nix" <<EOF
#!/bin/sh
sleep 300 &
echo \$! \$\$ >> $T/hang-pids
exec sleep 301
EOF
chmod +x "$T/hang-nix"
HEARTH_NIX="$T/hang-nix" HEARTH_EVAL_TIMEOUT=3 hearth daemon start >/dev/null
fixture basic "$T/slow" >/dev/null
hearth allow "$T/slow" >/dev/null
hearth wait --timeout 1 "$T/slow" >/dev/null 2>&1
expect_eq "wait times out with 2" 2 "$?"
hearth wait -t 1 "$T/slow" >/dev/null 2>&1
expect_eq "wait -t times out with 2 too" 2 "$?"
out=$(hearth wait --timeout 60 "$T/slow" 2>&1)
expect_eq "a hung evaluation fails after the daemon's timeout" 1 "$?"
expect_in "status says it timed out" "timed out" "$out"
sleep 0.5
alive=""
for p in $(cat "$T/hang-pids"); do
	# A zombie waiting for init to reap it is dead too.
	st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && alive="$alive $p"
done
expect_eq "the hung process group is gone" "" "$alive"

# The client runs at every prompt: it loads no libuv, no SQLite, and no
# shared library but libc (libsodium and inih are linked in).
needed=$(readelf -d "$BUILD/hearth" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
    grep -v '^libasan\|^libubsan\|^libstdc++\|^libm\.\|^libgcc' | tr '\n' ' ')
expect_eq "the client needs only libc" "libc.so.6 " "$needed"
if nm "$BUILD/hearth" 2>/dev/null | grep -q -e ' uv_' -e ' sqlite3_'; then
	fail "the client holds no libuv or SQLite code"
else
	ok "the client holds no libuv or SQLite code"
fi
it_finish
