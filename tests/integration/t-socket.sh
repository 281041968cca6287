#!/usr/bin/env bash
# Socket activation as systemd does it (sd_listen_fds(3)): listenfd binds
# the socket and hands it to hearthd as fd 3 with LISTEN_FDS and
# LISTEN_PID. hearthd serves on it without binding the path, stays in the
# foreground, keeps the socket when it stops (so the next request starts
# it again), hides the variables and the descriptor from evaluations, and
# still refuses other uids. A bad inherited descriptor is refused; one
# meant for another pid is ignored.
. "$(dirname "$0")/lib.sh"
it_setup
rundir="$XDG_RUNTIME_DIR/hearth"
sock="$rundir/hearthd.sock"
daemon=${HEARTHD:-hearthd}
lfpid=""
socket_cleanup() {
	[ -n "$lfpid" ] && kill "$lfpid" 2>/dev/null
	it_cleanup
}
trap socket_cleanup EXIT

# daemon_pid: the pid `hearth daemon status` reports.
daemon_pid() {
	hearth daemon status 2>/dev/null | sed -n 's/.*(pid \([0-9]*\),.*/\1/p'
}

# wait_socket: until listenfd has bound the socket.
wait_socket() {
	local i
	for i in $(seq 1 100); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	return 1
}

# A nix that records what the daemon's children inherit, then runs Nix.
real=$(command -v nix)
cat > "$T/nix" <<NIX
#!/bin/sh
echo "LISTEN_FDS=\${LISTEN_FDS-unset} LISTEN_PID=\${LISTEN_PID-unset} fd3=\$([ -e /proc/self/fd/3 ] && echo open || echo closed)" >> "$T/nix-env"
exec "$real" "\$@"
NIX
chmod +x "$T/nix"
export HEARTH_NIX="$T/nix"

# As systemd: the directory 0700, the socket bound by the manager, which
# starts the daemon when a client is waiting and it is not running.
mkdir -m 0700 "$rundir"
"$BUILD/listenfd" -r "$sock" "$daemon" 2> "$T/listenfd.err" &
lfpid=$!
check "listenfd bound the socket" wait_socket
ino=$(stat -c %i "$sock")
expect_eq "the socket is 0600 (SocketMode=0600)" 600 "$(stat -c %a "$sock")"

out=$(hearth daemon status 2>&1)
expect_in "daemon status through the inherited socket" "is running" "$out"
pid=$(daemon_pid)
expect_in "listenfd started that daemon" "started $pid" \
    "$(cat "$T/listenfd.err")"
expect_eq "the daemon did not detach (listenfd's own child)" "$lfpid" \
    "$(ps -o ppid= -p "$pid" | tr -d ' ')"
log=$(cat "$HLOG")
expect_in "hearthd used the inherited socket" \
    "using the listening socket passed by the service manager (fd 3)" "$log"
expect_not_in "hearthd did not replace the socket" "removed stale socket" \
    "$log"
expect_eq "the socket is the one listenfd bound" "$ino" \
    "$(stat -c %i "$sock")"

fixture basic "$T/ws" >/dev/null
out=$(hearth status "$T/ws" 2>&1)
expect_in "hearth status through the inherited socket" "untrusted" "$out"
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
expect_eq "evaluations inherit neither LISTEN_* nor fd 3" \
    "LISTEN_FDS=unset LISTEN_PID=unset fd3=closed" \
    "$(sort -u "$T/nix-env")"

# Another uid is refused on the inherited socket too.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$rundir" "$XDG_RUNTIME_DIR" "$T"
	chmod 0666 "$sock"
	printf '\0\0\0\0\0\2\0\1' > "$T/ping"
	out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$BUILD/sockpush" "$sock" < "$T/ping" 2>&1 | tr -d '\0')
	expect_in "another uid is refused" \
	    "permission denied: this hearthd serves uid $(id -u) only" "$out"
	chmod 0700 "$rundir" "$XDG_RUNTIME_DIR" "$T"
	chmod 0600 "$sock"
else
	echo "note: not root or no setpriv: the second-uid check is skipped"
fi

# Stop: the daemon exits, the socket stays, the next request starts it.
out=$(hearth daemon stop 2>&1)
expect_in "daemon stop" "hearthd stopped" "$out"
check "the socket stays after stop" test -S "$sock"
expect_eq "the same socket" "$ino" "$(stat -c %i "$sock")"
out=$(hearth status "$T/ws" 2>&1)
expect_in "the next request starts it again" "ready" "$out"
pid2=$(daemon_pid)
check "a new daemon" test -n "$pid2" -a "$pid2" != "$pid"
expect_eq "listenfd started two daemons" 2 \
    "$(grep -c '^listenfd: started' "$T/listenfd.err")"
hearth daemon stop >/dev/null
kill "$lfpid"
wait "$lfpid" 2>/dev/null
lfpid=""
rm -f "$sock"

# listenfd without -r execs the daemon itself, without -f: it must stay
# in the foreground, as a daemon that systemd supervises does.
"$BUILD/listenfd" "$sock" "$daemon" 2>"$T/lf2.err" &
lfpid=$!
wait_socket
if out=$(hearth daemon status 2>&1); then
	ok "exec'd with the socket: running"
else
	fail "exec'd with the socket: running" \
	    "$out$(printf '\n'; cat "$T/lf2.err"; tail -5 "$HLOG")"
fi
expect_eq "it stayed in the foreground (same pid)" "$lfpid" "$(daemon_pid)"
hearth daemon stop >/dev/null
wait "$lfpid" 2>/dev/null
lfpid=""
rm -f "$sock"

# fd 3 is not a listening socket: refuse, and say why.
out=$(bash -c 'exec 3</dev/null; LISTEN_FDS=1 LISTEN_PID=$$ exec hearthd -f' \
    2>&1)
expect_eq "a bad inherited fd: exit 1" 1 "$?"
expect_in "and says why" "fd 3 is not a listening Unix stream socket" "$out"

# LISTEN_PID of another process: ignored, the daemon binds the path.
: > "$HLOG"
out=$(LISTEN_FDS=1 LISTEN_PID=1 hearth daemon start 2>&1)
expect_in "LISTEN_PID of another process: started" "hearthd started" "$out"
expect_not_in "and it bound the socket itself" \
    "passed by the service manager" "$(cat "$HLOG")"
hearth daemon stop >/dev/null
check "its own socket is removed on stop" test ! -e "$sock"
it_finish
