#!/usr/bin/env bash
# Transient store errors at daemon start never cost an allowance: another
# process holding the store's lock (the real sqlite3 CLI here) makes
# hearthd retry, then refuse to start with a clear error, and leave the
# file where it is. Only a corrupt file is moved aside (t-faults).
. "$(dirname "$0")/lib.sh"
it_setup

db="$XDG_STATE_HOME/hearth/store.db"
fixture basic "$T/ws" >/dev/null
ws="$T/ws"
hearth allow "$ws" >/dev/null
hearth daemon stop >/dev/null

# sqlite3 holds an exclusive lock, fed through a FIFO, until told to go.
hold() {
	rm -f "$T/lockin" "$T/lockout"
	mkfifo "$T/lockin"
	sqlite3 "$db" < "$T/lockin" > "$T/lockout" 2>&1 &
	holder=$!
	exec 7> "$T/lockin"
	printf '%s\n' 'PRAGMA locking_mode = EXCLUSIVE;' 'BEGIN EXCLUSIVE;' \
	    "UPDATE meta SET value = value WHERE name = 'epoch';" \
	    "SELECT 'locked';" >&7
	for _ in $(seq 600); do
		grep -q locked "$T/lockout" 2>/dev/null && return
		sleep 0.1
	done
	fail "sqlite3 did not take the lock" "$(cat "$T/lockout")"
}
release() {
	printf '%s\n' 'COMMIT;' '.quit' >&7
	exec 7>&-
	wait "$holder"
}

# 1. Locked for the whole start: hearthd gives up with a clear error.
hold
out=$(hearth daemon start 2>&1)
expect_eq "a locked store: hearthd does not start" 1 "$?"
expect_in "and says why" "locked" "$out"
echo "note: the error: $out"
ls "$db".broken-* >/dev/null 2>&1
check "the locked store is not moved aside" test $? -ne 0
expect_in "the log says it retried" "retrying" "$(cat "$HLOG")"
release

# The allowance survived.
hearth daemon start >/dev/null
expect_not_in "the workspace is still allowed" "untrusted" \
    "$(hearth status "$ws" 2>&1)"
hearth daemon stop >/dev/null

# 2. Locked for a moment: the retry gets through once the lock goes.
hold
: > "$HLOG"
hearth daemon start > "$T/start.out" 2>&1 &
starter=$!
for _ in $(seq 600); do
	grep -q retrying "$HLOG" && break
	sleep 0.1
done
release
wait "$starter"
expect_eq "a store locked for a moment: hearthd starts" 0 "$?"
expect_not_in "with the allowance" "untrusted" "$(hearth status "$ws" 2>&1)"
ls "$db".broken-* >/dev/null 2>&1
check "nothing moved aside" test $? -ne 0

# 3. A full disk at start (the state directory on a small tmpfs; root
# only): hearthd may run or refuse, but the allowance stays.
hearth daemon stop >/dev/null 2>&1
mkdir -p "$T/small"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$T/small" \
    2>/dev/null; then
	echo "note: cannot mount a tmpfs here; the full-disk start is skipped"
	it_finish
	exit
fi
trap 'hearth daemon stop >/dev/null 2>&1; umount "$T/small"; it_cleanup' EXIT
export XDG_STATE_HOME="$T/small"
HLOG="$XDG_STATE_HOME/hearth/hearthd.log"
db="$XDG_STATE_HOME/hearth/store.db"
hearth allow "$ws" >/dev/null
hearth daemon stop >/dev/null
dd if=/dev/zero of="$T/small/filler" bs=4k 2>/dev/null
out=$(hearth daemon start 2>&1)
echo "note: a start on a full disk: $out"
ls "$db".broken-* >/dev/null 2>&1
check "a full disk at start moves nothing aside" test $? -ne 0
hearth daemon stop >/dev/null 2>&1
rm -f "$T/small/filler"
hearth daemon start >/dev/null
expect_not_in "room again: the workspace is still allowed" "untrusted" \
    "$(hearth status "$ws" 2>&1)"
it_finish
