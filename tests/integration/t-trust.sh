#!/usr/bin/env bash
# Nothing is evaluated before `hearth allow`; a changed flake.nix blocks the
# workspace (nothing served, nothing evaluated) until the next allow; deny
# withdraws the trust.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/ws" >/dev/null
# A shellHook that leaves a marker proves whether anything ran.
sed -i "s|shellHook = ''|shellHook = ''\n      touch $T/marker|" "$T/ws/flake.nix"
grep -q "touch $T/marker" "$T/ws/flake.nix" || fail "could not add the marker hook"
git -C "$T/ws" commit -qam "marker hook"
hearth daemon start >/dev/null

cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\${FIXTURE_VAR-unset}]"
EOF
out=$(run_bash < "$T/script")
expect_in "untrusted: notice" "$T/ws is not allowed; run \`hearth allow\`" "$out"
expect_in "untrusted: nothing applied" "var:[unset]" "$out"
st=$(hearth status "$T/ws")
expect_in "untrusted: status" "untrusted" "$st"
check "untrusted: shellHook never ran" test ! -e "$T/marker"
expect_not_in "untrusted: nothing evaluated" "evaluating $T/ws" "$(cat "$HLOG")"

hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
check "allowed: shellHook ran" test -e "$T/marker"
rm -f "$T/marker"

# Change flake.nix: blocked; the last good environment (made from allowed
# content) stays in use, and nothing is evaluated.
echo "# changed" >> "$T/ws/flake.nix"
cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\${FIXTURE_VAR-unset}]"
hearth status | grep state
EOF
out=$(run_bash < "$T/script")
expect_in "blocked: notice" "hearth: flake.nix changed since you allowed $T/ws; run hearth allow to evaluate it" "$out"
expect_in "blocked: last good one kept" "var:[fixture-value]" "$out"
expect_in "blocked: status" "blocked" "$out"
hearth wait --timeout 5 "$T/ws" >/dev/null 2>&1
expect_eq "blocked: wait exits 1" 1 "$?"
check "blocked: nothing evaluated" test ! -e "$T/marker"

# A lock-only or untouched workspace needs nothing; allow again unblocks.
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
out=$(run_bash < "$T/script")
expect_in "allowed again: applied" "var:[fixture-value]" "$out"
check "allowed again: evaluated" test -e "$T/marker"

hearth deny "$T/ws" >/dev/null
out=$(run_bash < "$T/script")
expect_in "denied: nothing applied" "var:[unset]" "$out"
expect_in "denied: untrusted again" "untrusted" "$out"
it_finish
