#!/usr/bin/env bash
# A flake.lock change (an input moved to a new commit) gives the new
# environment at a later prompt, without a new `hearth allow`; the shell
# keeps the old snapshot until the new one is ready, and says it switched.
. "$(dirname "$0")/lib.sh"
it_setup

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"

cat > "$T/script" <<EOF
cd $ws
lockbump-tool
echo "version:[\$LOCKBUMP_VERSION]"
sh $IT_DIR/bump-tools.sh $T/lb 2 >/dev/null
hearth wait --timeout 120 >/dev/null && echo "waited ok"
lockbump-tool
echo "version:[\$LOCKBUMP_VERSION]"
EOF
out=$(run_bash < "$T/script")
expect_in "old tool first" "lockbump-tool v1" "$out"
expect_in "old variable first" "version:[1]" "$out"
expect_in "wait returned ready" "waited ok" "$out"
expect_in "new tool after the lock changed" "lockbump-tool v2" "$out"
expect_in "new variable after the lock changed" "version:[2]" "$out"
expect_in "switch announced" "hearth: the default shell of $ws was updated" "$out"
expect_not_in "no new allowance needed" "not allowed" "$out"
st=$(hearth status "$ws")
expect_in "status ready after the bump" "ready" "$st"
# The lock change is the test's own; hearth added nothing.
expect_eq "git status shows only the test's change" " M flake.lock" \
    "$(git -C "$ws" status --porcelain)"
it_finish
