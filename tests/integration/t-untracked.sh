#!/usr/bin/env bash
# A directory input of a git flake (`FIXTURE_DATA = ./data;`): Nix copies
# only the files git tracks, so files it does not (a build log, an ignored
# file, a new untracked directory) give no evaluation, whatever is written
# to them, even while an evaluation runs; a `git add` of one does, as an
# edit of a tracked file does.
# (For a path flake, where every file counts, see t-dirinput.sh.)
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/b" >/dev/null
ws="$T/b"
mkdir -p "$ws/data/sub"
echo one > "$ws/data/file"
echo two > "$ws/data/sub/file"
echo 'data/*.log' > "$ws/.gitignore"
sed -i 's|FIXTURE_VAR = "fixture-value";|FIXTURE_VAR = "fixture-value"; FIXTURE_DATA = ./data;|' \
    "$ws/flake.nix"
git -C "$ws" add -A
git -C "$ws" -c user.name=hearth -c user.email=hearth@example.invalid \
    commit -q --no-verify -m "a directory input"
sleep 1		# files older than the second the evaluation starts in

# settle: the shell is ready and the daemon has seen every event.
settle() {
	hearth wait --timeout 60 "$ws" >/dev/null 2>&1
	sleep 0.6
	hearth wait --timeout 60 "$ws" >/dev/null 2>&1
}

nix_counter		# slow while $T/nix-delay exists
hearth allow "$ws" >/dev/null
wait_ready "$ws"
settle
v1=$(dev_var "$ws" FIXTURE_DATA)
expect_in "the directory is in the environment" "-data" "$v1"
n=$(evals "$ws" default)

# 1. Untracked files, written and written again: Nix never sees them.
for i in 1 2 3; do
	echo "line $i" >> "$ws/data/build.log"	# ignored
	echo "note $i" >> "$ws/data/notes"	# untracked
	mkdir -p "$ws/data/out/deep"		# an untracked directory
	echo "obj $i" > "$ws/data/out/deep/x.o"
	echo "tmp $i" > "$ws/data/sub/scratch"
	settle
done
expect_eq "untracked and ignored files: no evaluation" "$n" \
    "$(evals "$ws" default)"
expect_in "and the shell is current" "ready" "$(hearth status "$ws")"
expect_eq "with the same store path" "$v1" "$(dev_var "$ws" FIXTURE_DATA)"
# The allowance covers the directory as Nix sees it (issue 12): files git
# does not track block nothing.
expect_not_in "and the workspace is not blocked" "blocked" \
    "$(hearth status "$ws")"

# From here on the files Nix copies change, which an allowance by `hearth
# allow` alone would block (issue 12): the user trusts the place, so that
# what is counted is evaluations.
trust_place "$T"

# 2. git add of one of them: Nix now copies it.
git -C "$ws" add data/notes
check "git add of an untracked file: an evaluation" \
    wait_log "evaluating $ws#default\$" $((n + 1))
settle
v2=$(dev_var "$ws" FIXTURE_DATA)
check "with a new store path" test "$v2" != "$v1"

# 2b. git add of an untracked directory, then an edit inside it: the
# directory is watched from then on.
settle
n=$(evals "$ws" default)
git -C "$ws" add data/out
check "git add of an untracked directory: an evaluation" \
    wait_log "evaluating $ws#default\$" $((n + 1))
settle
n=$(evals "$ws" default)
echo "obj edited" > "$ws/data/out/deep/x.o"
check "an edit inside it: an evaluation" \
    wait_log "evaluating $ws#default\$" $((n + 1))
settle

# 3. An edit of a tracked file still counts.
n=$(evals "$ws" default)
echo changed > "$ws/data/sub/file"
check "an edit of a tracked file: an evaluation" \
    wait_log "evaluating $ws#default\$" $((n + 1))
settle
check "with a new store path" test "$(dev_var "$ws" FIXTURE_DATA)" != "$v2"

# 4. A build log made in the directory while an evaluation runs: its
# result is kept, with no second evaluation. (Should the machine be so
# slow that the evaluation ends first, the log is made after it: the
# counts are the same.)
n=$(evals "$ws" default)
d=$(grep -c "result dropped" "$HLOG" || true)
echo 5 > "$T/nix-delay"
echo again > "$ws/data/sub/file"
check "an edit of a tracked file: an evaluation" \
    wait_log "evaluating $ws#default\$" $((n + 1))
echo "built" > "$ws/data/during.log"
rm -f "$T/nix-delay"
settle
expect_eq "a log written during it: its result is kept" "$d" \
    "$(grep -c "result dropped" "$HLOG" || true)"
expect_eq "and no other evaluation" $((n + 1)) "$(evals "$ws" default)"
expect_in "the shell is current" "ready" "$(hearth status "$ws")"
it_finish
