#!/usr/bin/env bash
# Long work shows progress on a terminal, and only there. While an
# evaluation runs (made slow by the counting nix), on a pty:
#  - after a lock update, the prompt says once that a new shell is being
#    prepared, and keeps the one in use;
#  - hearth status says how long the evaluation has run;
#  - hearth wait, tools and check show one line on stderr, rewritten
#    with \r, saying what is evaluated or built and the time elapsed,
#    and clear it before their result.
# With stderr not a terminal, the same commands print no progress.
. "$(dirname "$0")/lib.sh"
it_setup
nix_counter

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"

echo 4 > "$T/nix-delay"
cd "$T"
out=$(run_bash <<S
cd $ws
echo "version:[\$LOCKBUMP_VERSION]"
sh $IT_DIR/bump-tools.sh $T/lb 2 >/dev/null
for i in \$(seq 600); do hearth status > $T/st; grep -q '^running' $T/st && break; sleep 0.1; done
true
echo "version:[\$LOCKBUMP_VERSION]"
cat $T/st
hearth wait --timeout 120 >/dev/null && echo "waited ok"
echo "version:[\$LOCKBUMP_VERSION]"
hearth reload >/dev/null; hearth tools --timeout 120 >/dev/null && echo "tools ok"
echo 1 > $T/nix-delay; hearth check >/dev/null; echo "check done"
S
)
expect_in "the shell loads" "version:[1]" "$out"
expect_eq "after a lock update, the prompt says once that a new shell comes" 1 \
    "$(grep -c "hearth: preparing a new default shell of $ws in the background; this one stays until it is ready (hearth wait)" <<< "$out")"
expect_eq "and keeps the one in use meanwhile" 2 \
    "$(grep -c 'version:\[1\]' <<< "$out")"
st=$(cat "$T/st")
expect_in "status: evaluating" "state      evaluating" "$st"
check "status says how long the evaluation has run" \
    grep -Eq '^running +[0-9]+ s so far' "$T/st"
wait_part=$(sed -n '/hearth wait --timeout/,/waited ok/p' <<< "$out")
expect_in "wait shows what it evaluates, and for how long" \
    "hearth: evaluating the default shell of $ws (" "$wait_part"
check "wait shows the time elapsed" \
    grep -Eq "evaluating the default shell of .* \([0-9]+ s\)" <<< "$wait_part"
expect_in "then the new shell" "version:[2]" "$out"
tools_part=$(sed -n '/hearth tools --timeout/,/tools ok/p' <<< "$out")
expect_in "tools shows progress too" \
    "hearth: evaluating the default shell of $ws (" "$tools_part"
check_part=$(sed -n '/hearth check >/,/check done/p' <<< "$out")
expect_in "check shows which check runs" "hearth: checking the lock of $ws (" \
    "$check_part"
# Cleared before the result: the line ends in spaces over the progress.
check "the line is cleared at the end" \
    grep -Eq '\(([0-9]+) s\) *  +waited ok' <<< "$(tr -d '\n' <<< "$wait_part")"

# Not a terminal: no progress at all.
echo 3 > "$T/nix-delay"
hearth reload "$ws" >/dev/null
hearth wait --timeout 120 "$ws" >"$T/out" 2>"$T/err"
expect_eq "not a tty: wait exits 0" 0 "$?"
expect_eq "not a tty: nothing on stderr" "" "$(cat "$T/err")"
expect_eq "not a tty: only the result" "hearth: the default shell of $ws is ready" \
    "$(cat "$T/out")"
hearth check "$ws" >/dev/null 2>"$T/err"
expect_eq "not a tty: check prints no progress" "" "$(cat "$T/err")"
it_finish
