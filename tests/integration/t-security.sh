#!/usr/bin/env bash
# Other users and bad clients: the runtime directory is 0700 and the
# socket 0600; a peer of another uid that reaches the socket anyway is
# refused with a clear error (SO_PEERCRED); malformed frames disconnect
# only that client, and the daemon keeps serving the others.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/ws" >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
rundir="$XDG_RUNTIME_DIR/hearth"
sock="$rundir/hearthd.sock"
expect_eq "runtime directory 0700" 700 "$(stat -c %a "$rundir")"
expect_eq "socket 0600" 600 "$(stat -c %a "$sock")"

# Another uid: `nobody` cannot even reach the socket...
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" HOME=/nonexistent \
	    "$BUILD/sockpush" "$sock" < /dev/null 2>&1)
	expect_in "nobody cannot reach the socket" "Permission denied" "$out"
	# ...and when the modes are loosened by mistake, the daemon itself
	# refuses, and says why.
	chmod 0711 "$rundir" "$XDG_RUNTIME_DIR" "$T"
	chmod 0666 "$sock"
	printf '\0\0\0\0\0\2\0\1' > "$T/ping"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$BUILD/sockpush" "$sock" < "$T/ping" 2>&1 | tr -d '\0')
	expect_in "another uid is refused with a reason" \
	    "permission denied: this hearthd serves uid $(id -u) only" "$out"
	expect_in "and the daemon logs it" "refused a connection from uid" \
	    "$(cat "$HLOG")"
	chmod 0700 "$rundir"
	chmod 0600 "$sock"
else
	echo "note: not root or no setpriv: the second-uid checks are skipped"
fi

# Malformed frames: a bad version, a huge length, a short payload, an
# unknown type, garbage. Each client is dropped; the daemon stays up.
printf '\0\0\0\0\0\x09\0\1' > "$T/bad.version"
printf '\xff\xff\xff\xff\0\2\0\1' > "$T/bad.length"
printf '\0\0\0\x10\0\2\0\2\0\0\0\x40/x' > "$T/bad.short"
printf '\0\0\0\0\0\2\x7f\x7f' > "$T/bad.type"
head -c 4096 /dev/urandom > "$T/bad.random"
printf '\0\0\0\x0c\0\2\0\2\0\0\0\x08relative' > "$T/bad.relative"
for f in "$T"/bad.*; do
	"$BUILD/sockpush" "$sock" < "$f" > "$T/reply" 2>&1
	if hearth daemon status >/dev/null 2>&1; then
		ok "daemon survives $(basename "$f")"
	else
		fail "daemon died on $(basename "$f")"
	fi
done
out=$("$BUILD/sockpush" "$sock" < "$T/bad.version" | tr -c '[:print:]' ' ')
expect_in "a version mismatch is explained" "protocol version mismatch" "$out"
expect_in "dropped clients are logged" "dropping client" "$(cat "$HLOG")"
st=$(hearth status "$T/ws")
expect_in "others are still served" "ready" "$st"
it_finish
