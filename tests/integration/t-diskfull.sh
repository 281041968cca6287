#!/usr/bin/env bash
# The disk full while a new snapshot is made: the old snapshot stays in
# use, the shell says why it failed, and once there is room again the new
# snapshot is made. The state directory lives on a small tmpfs for this
# (root only; skipped with a note elsewhere).
. "$(dirname "$0")/lib.sh"
it_setup

mkdir -p "$T/small"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$T/small" \
    2>/dev/null; then
	echo "note: cannot mount a tmpfs here; the disk-full test is skipped"
	it_finish
	exit
fi
trap 'hearth daemon stop >/dev/null 2>&1; umount "$T/small"; it_cleanup' EXIT
export XDG_STATE_HOME="$T/small"
HLOG="$XDG_STATE_HOME/hearth/hearthd.log"

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"
expect_eq "a good snapshot first" "lockbump-tool v1" \
    "$(hearth exec "$ws" -- lockbump-tool)"

# Fill the disk, then move the lock: the new snapshot cannot be written.
dd if=/dev/zero of="$T/small/filler" bs=64k 2>/dev/null
sh "$IT_DIR/bump-tools.sh" "$T/lb" 2 >/dev/null
out=$(hearth wait --timeout 60 "$ws" 2>&1)
expect_eq "wait says the shell failed" 1 "$?"
expect_in "and why" "failed" "$out"
echo "note: the reason given: $out"
expect_eq "the old snapshot stays in use" "lockbump-tool v1" \
    "$(hearth exec "$ws" -- lockbump-tool 2>/dev/null)"
check "the daemon is still up" bash -c 'hearth daemon status >/dev/null'

# Room again: a reload makes the new snapshot.
rm -f "$T/small/filler"
hearth reload "$ws" >/dev/null
wait_ready "$ws"
expect_eq "the new snapshot once there is room" "lockbump-tool v2" \
    "$(hearth exec "$ws" -- lockbump-tool)"
expect_eq "the store is consistent" "ok" \
    "$(sqlite3 "$XDG_STATE_HOME/hearth/store.db" 'PRAGMA integrity_check')"
it_finish
