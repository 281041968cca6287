#!/usr/bin/env bash
# A shellHook that starts a background process (`sleep 1000 &`, as
# `pg_ctl start` does) holds the evaluation's pipes: the evaluation still
# ends when the hook's bash exits, the processes it left keep running (as
# under nix-direnv), and the next evaluation is not held up behind it. A
# hook that hangs is killed at the deadline with everything it started,
# in its group or out of it (setsid).
. "$(dirname "$0")/lib.sh"
it_setup

SLEEP=$(command -v sleep)
SETSID=$(command -v setsid)

# hook DEST TEXT: the basic fixture with TEXT as its shellHook.
hook() {
	fixture basic "$1" >/dev/null
	awk -v h="$2" '
	    /shellHook = /{ print; print h; skip = 1; next }
	    skip && /'"''"';/{ skip = 0 }
	    !skip' "$1/flake.nix" > "$1/flake.nix.new"
	mv "$1/flake.nix.new" "$1/flake.nix"
	git -C "$1" commit -qam "the hook under test"
}
alive() { kill -0 "$(cat "$1")" 2>/dev/null; }
# gone PIDFILE: wait up to 30 s for the process to be gone.
gone() {
	local i
	for i in $(seq 1 300); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

hook "$T/bg" "  $SLEEP 1000 & echo \$! > $T/bg.pid
  export BG_HOOK=ran"
fixture basic "$T/plain" >/dev/null

# One evaluation at a time, and a deadline far past the test's: an
# evaluation that waited for the background sleep would never be ready.
HEARTH_MAX_EVALS=1 HEARTH_EVAL_TIMEOUT=900 hearth daemon start >/dev/null
hearth allow "$T/bg" >/dev/null
out=$(hearth wait --timeout 100 "$T/bg" 2>&1)
expect_eq "a hook that leaves a process running: ready" 0 "$?"
expect_eq "with the hook's variable" ran "$(dev_var "$T/bg" BG_HOOK)"
check "the process the hook started is still running" alive "$T/bg.pid"
hearth allow "$T/plain" >/dev/null
wait_ready "$T/plain"
expect_eq "the next evaluation is not held up behind it" \
    fixture-value "$(dev_var "$T/plain" FIXTURE_VAR)"
out=$(hearth daemon stop 2>&1)
expect_eq "the daemon stops though it still holds the process's pipes" \
    0 "$?"
check "and leaves the process running" alive "$T/bg.pid"
kill "$(cat "$T/bg.pid")"

# A hook that hangs: the deadline kills it and all it started.
hook "$T/hang" "  $SLEEP 1000 & echo \$! > $T/grp.pid
  $SETSID $SLEEP 1000 & echo \$! > $T/sid.pid
  $SLEEP 1000"
HEARTH_EVAL_TIMEOUT=30 hearth daemon start >/dev/null
hearth allow "$T/hang" >/dev/null
out=$(hearth wait --timeout 100 "$T/hang" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"evaluation timed out"* ]]; then
	ok "a hanging hook times out"
else
	fail "a hanging hook times out: rc $rc" "$out"
fi
check "the deadline killed its background process" gone "$T/grp.pid"
check "and the one it moved to a session of its own" gone "$T/sid.pid"
for f in "$T"/grp.pid "$T"/sid.pid; do
	alive "$f" && kill "$(cat "$f")"
done
it_finish
