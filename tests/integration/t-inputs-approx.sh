#!/usr/bin/env bash
# Inputs where hearth cannot trace what Nix read (no hearth-nixtrace.so,
# as for a statically linked nix): every file git tracks is an input,
# `hearth status` says the set is approximate and why, an edit of any
# tracked file gives a new snapshot (never a stale one reported ready),
# and a file git does not track, which Nix cannot see, costs nothing.
# With the tracer, status says nothing of the kind.
. "$(dirname "$0")/lib.sh"
it_setup
# The edits here are the user's own: trusted by place (see t-trust-inputs).
trust_place "$T"

fixture basic "$T/b" >/dev/null
ws="$T/b"

# Without the tracer.
export HEARTH_NIXTRACE=/nonexistent/hearth-nixtrace.so
hearth allow "$ws" >/dev/null
wait_ready "$ws"
st=$(hearth status "$ws")
expect_in "untraced: status says the set is approximate" \
    "inputs     approximate: every file git tracks is watched" "$st"
expect_in "and why" "hearth-nixtrace.so was not found" "$st"
expect_in "the daemon log says so" "inputs over-approximated" "$(cat "$HLOG")"

# An edit of a tracked file no evaluation read: evaluated again, since
# hearth cannot know it was not read.
n=$(evals "$ws" default)
echo "notes" > "$ws/NOTES"
git -C "$ws" add NOTES
git -C "$ws" -c user.name=t -c user.email=t@example.invalid commit -qm notes
hearth wait --timeout 60 "$ws" >/dev/null 2>&1
sleep 0.6
hearth wait --timeout 60 "$ws" >/dev/null 2>&1
check "a new tracked file: evaluated again" test "$(evals "$ws" default)" -gt "$n"
n=$(evals "$ws" default)
echo "more" >> "$ws/NOTES"
hearth wait --timeout 60 "$ws" >/dev/null 2>&1
check "its edit: evaluated again" test "$(evals "$ws" default)" -gt "$n"
expect_eq "and ready" ready "$(state_of "$ws")"

# A file git does not track: Nix cannot see it.
n=$(evals "$ws" default)
echo "scratch" > "$ws/scratch.txt"
sleep 1
hearth wait --timeout 60 "$ws" >/dev/null 2>&1
expect_eq "an untracked file: no evaluation" "$n" "$(evals "$ws" default)"

# A Nix newer than any hearth was tested with (a wrapper that says it is
# 2.99, the one thing real Nix here cannot be made to do): its log's
# markers cannot be trusted, so the set is approximate, tracer or not.
hearth daemon stop >/dev/null
unset HEARTH_NIXTRACE
realnix=$(command -v nix)
printf '#!/bin/sh\n[ "$1" = --version ] && { echo "nix (Nix) 2.99.0"; exit 0; }\nexec %s "$@"\n' \
    "$realnix" > "$T/nix-new"
chmod +x "$T/nix-new"
fixture basic "$T/d" >/dev/null
HEARTH_NIX="$T/nix-new" hearth daemon start >/dev/null
hearth allow "$T/d" >/dev/null
wait_ready "$T/d"
expect_in "a newer Nix: the set is approximate" \
    "Nix 2.99.0 is not a Nix hearth was tested with" "$(hearth status "$T/d")"
hearth daemon stop >/dev/null

# With the tracer (found beside hearthd), in a workspace of its own: an
# exact set, and status says nothing of approximation, with the real Nix
# behind a wrapper script too (the nix it execs reports).
printf '#!/bin/sh\nexec %s "$@"\n' "$realnix" > "$T/nix-wrap"
chmod +x "$T/nix-wrap"
fixture basic "$T/c" >/dev/null
HEARTH_NIX="$T/nix-wrap" hearth daemon start >/dev/null
hearth allow "$T/c" >/dev/null
wait_ready "$T/c"
expect_not_in "traced: status says nothing of approximation" "approximate" \
    "$(hearth status "$T/c")"
it_finish
