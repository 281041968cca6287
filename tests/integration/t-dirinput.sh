#!/usr/bin/env bash
# A directory as an input (`FIXTURE_DATA = ./data;`, as `src = ./.` is):
# hearthd watches its whole tree, so a file changed deep inside, in a
# directory made after the evaluation, or a directory removed, each give a
# new snapshot with nobody asking; and while nothing changes, a request
# trusts the watches instead of walking the tree (checked with strace on
# the daemon: no directory of the tree is opened).
. "$(dirname "$0")/lib.sh"
it_setup
# The edits here are the user's own: trusted by place (see t-trust-inputs).
trust_place "$T"

fixture basic "$T/b" >/dev/null
ws="$T/b"
# A path flake (no git): Nix sees every file, tracked or not, so a file
# written alone is a change, with no `git add` whose index write would be
# an event of its own.
rm -rf "$ws/.git"
for d in a a/b a/b/c other; do
	mkdir -p "$ws/data/$d"
	echo "$d" > "$ws/data/$d/file"
done
sed -i 's|FIXTURE_VAR = "fixture-value";|FIXTURE_VAR = "fixture-value"; FIXTURE_DATA = ./data;|' \
    "$ws/flake.nix"
sleep 1		# files older than the second the evaluation starts in

hearth allow "$ws" >/dev/null
wait_ready "$ws"
v1=$(dev_var "$ws" FIXTURE_DATA)
expect_in "the directory is in the environment" "-data" "$v1"

# ready_n N: wait until the daemon has made N snapshots (its log).
ready_n() {
	wait_log "snapshot [0-9]* ready" "$1"
}

# 1. A file three levels down, with nobody asking.
echo changed > "$ws/data/a/b/c/file"
check "a file deep in the tree: a new snapshot, nobody asking" ready_n 2
wait_ready "$ws"
v2=$(dev_var "$ws" FIXTURE_DATA)
check "with a new store path" test "$v2" != "$v1"

# 2. A directory made after the evaluation, then a file in it.
mkdir "$ws/data/a/new"
sleep 0.5	# the daemon rewatches the tree after the mkdir
echo new > "$ws/data/a/new/file"
check "a file in a new directory: a new snapshot" ready_n 3
wait_ready "$ws"
v3=$(dev_var "$ws" FIXTURE_DATA)
check "with a new store path" test "$v3" != "$v2"

# 3. A directory removed.
rm -rf "$ws/data/other"
check "a directory removed: a new snapshot" ready_n 4
wait_ready "$ws"
check "with a new store path" test "$(dev_var "$ws" FIXTURE_DATA)" != "$v3"

# 4. Nothing changes: requests do not walk the tree.
pid=$(hearth daemon status 2>/dev/null | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
strace -qq -f -p "$pid" -e trace=openat,open -o "$T/trace" 2>/dev/null &
spid=$!
sleep 0.5
if kill -0 "$spid" 2>/dev/null; then
	for _ in 1 2 3; do
		hearth status "$ws" >/dev/null
		(cd "$ws/data/a" && eval "$(env -u HEARTH_STATE \
		    hearth export bash 2>/dev/null)")
	done
	hearth status "$ws/data/a/b" > "$T/status"
	kill "$spid"
	wait "$spid" 2>/dev/null
	expect_in "the requests were answered" "ready" "$(cat "$T/status")"
	expect_eq "and opened no directory of the tree" "" \
	    "$(grep -F "$ws/data" "$T/trace" || true)"
else
	echo "note: strace cannot attach to the daemon here; the no-walk" \
	    "check is skipped"
fi
it_finish
