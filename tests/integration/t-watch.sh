#!/usr/bin/env bash
# Watching under pressure: an inotify queue overflow leads to a full
# recheck, and running out of watches (the system's limit, or
# HEARTH_MAX_WATCHES) falls back to periodic checks with one warning;
# never silent staleness.
. "$(dirname "$0")/lib.sh"
it_setup

snapshots() { grep -c "$1#default: snapshot .* ready" "$HLOG"; }
# until_count PATTERN N: wait (up to 30 s) for N snapshots of a root.
until_count() {
	local i
	for i in $(seq 1 300); do
		[ "$(snapshots "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# 1. Queue overflow: the daemon is stopped while 20000 files appear in a
# watched directory and flake.lock changes; when it goes on, the overflow
# makes it recheck everything, and the lock change is seen.
fixture lockbump "$T/a" >/dev/null
hearth allow "$T/a/ws" >/dev/null
wait_ready "$T/a/ws"
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
kill -STOP "$pid"
mkdir "$T/a/ws/junk"
( cd "$T/a/ws" && for i in $(seq 1 20000); do : > "f$i"; done )
sh "$IT_DIR/bump-tools.sh" "$T/a" 2 >/dev/null
kill -CONT "$pid"
check "the lock change is seen after an overflow" until_count "$T/a/ws" 2
expect_in "the overflow is logged" "inotify queue overflow" "$(cat "$HLOG")"
rm -rf "$T/a/ws"/f* "$T/a/ws/junk"

# 2. Out of watches: a second workspace gets none, is polled, and says so
# once; a lock change there is still noticed without anyone asking.
hearth daemon stop >/dev/null
HEARTH_MAX_WATCHES=1 hearth daemon start >/dev/null
fixture lockbump "$T/b" >/dev/null
hearth allow "$T/b/ws" >/dev/null
wait_ready "$T/b/ws"
n=$(grep -c "$T/b/ws: the inotify watch limit is reached" "$HLOG")
expect_eq "one warning for the workspace out of watches" 1 "$n"
before=$(snapshots "$T/b/ws")
sh "$IT_DIR/bump-tools.sh" "$T/b" 2 >/dev/null
check "a polled workspace still notices a lock change" \
    until_count "$T/b/ws" $((before + 1))
n=$(grep -c "$T/b/ws: the inotify watch limit is reached" "$HLOG")
expect_eq "still one warning" 1 "$n"
expect_eq "and the new shell is right" "lockbump-tool v2" \
    "$(hearth exec "$T/b/ws" -- lockbump-tool)"
it_finish
