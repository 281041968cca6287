#!/usr/bin/env bash
# Starting the daemon, and keeping it single. One hearthd survives the
# removal of its runtime directory (the lock is in the state directory,
# and the daemon makes the directory and its socket again), so no second
# one starts and `daemon stop` stops the only one. Twenty clients that
# start it at once are silent about the race they lost. A daemon that
# cannot start says why, in one line naming the directory and the fix, at
# the prompt too. A prompt that finds the daemon down starts it and waits
# for it within its deadline, so the first cd after a crash loads the
# last good snapshot, and the first cd into an untrusted workspace says to
# run hearth allow. No check depends on timing: the prompt's deadline is
# lib.sh's generous HEARTH_TIMEOUT_MS.
. "$(dirname "$0")/lib.sh"
it_setup
rundir="$XDG_RUNTIME_DIR/hearth"
sock="$rundir/hearthd.sock"
pids=""
startup_cleanup() {
	local p
	# Daemons this test started that a bug could have left behind.
	for p in $pids; do kill "$p" 2>/dev/null; done
	mountpoint -q "$XDG_STATE_HOME/hearth" 2>/dev/null &&
	    umount "$XDG_STATE_HOME/hearth"
	it_cleanup
}
trap startup_cleanup EXIT

daemon_pid() {
	hearth daemon status 2>/dev/null | sed -n 's/.*(pid \([0-9]*\),.*/\1/p'
}

# gone PID: the process has exited (or is a zombie not reaped yet).
gone() {
	case $(ps -o stat= -p "$1") in ''|Z*) return 0 ;; *) return 1 ;; esac
}

# until_true COMMAND...: poll for up to 30 s.
until_true() {
	local i
	for i in $(seq 1 300); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

starts() {
	grep -c "starting (pid" "$HLOG" 2>/dev/null || true
}

fixture basic "$T/ws" >/dev/null
ws="$T/ws"
hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
wait_ready "$ws"
pid=$(daemon_pid)
pids="$pid"
check "found the daemon's pid" test -n "$pid"

# 3. The runtime directory removed under the daemon (a tmpfiles cleaner).
rm -rf "$rundir"
out=$(hearth status "$ws" 2>&1)
expect_in "after rm -rf of the runtime directory: status answers" "ready" \
    "$out"
expect_not_in "and says nothing of another hearthd" "already running" "$out"
p2=$(daemon_pid)
pids="$pids $p2"
expect_eq "the same daemon answers" "$pid" "$p2"
expect_eq "no second daemon started" 1 "$(starts)"
check "the socket is back" until_true test -S "$sock"
check "the generation file is back" until_true test -s "$rundir/generation"
expect_eq "the runtime directory is private again" 700 \
    "$(stat -c %a "$rundir")"
# Moved away rather than removed: the same.
mv "$rundir" "$T/moved"
out=$(hearth status "$ws" 2>&1)
expect_in "after mv of the runtime directory: status answers" "ready" "$out"
expect_eq "the same daemon again" "$pid" "$(daemon_pid)"
expect_eq "still no second daemon" 1 "$(starts)"
out=$(hearth daemon stop 2>&1)
expect_in "daemon stop" "hearthd stopped" "$out"
check "it stopped the only daemon" until_true gone "$pid"

# 23. Twenty first runs at once: one daemon, and no word of the race.
if [ -n "${HEARTH_VALGRIND:-}" ]; then
	hearth daemon start >/dev/null
	# Twenty memchecks starting at once on a small machine take longer
	# than the 5 s a command waits for a daemon to start; the plain and
	# sanitizer passes check this.
	ok "twenty parallel starts: not checked under valgrind"
else
	before=$(starts)
	for i in $(seq 1 20); do
		(hearth status "$ws" > "$T/par.$i" 2>&1; echo $? > "$T/par.$i.rc") &
	done
	wait
	# Their messages, not the status they print.
	allout=$(grep -h '^hearth' "$T"/par.[0-9] "$T"/par.[0-9][0-9])
	expect_not_in "twenty parallel starts: no 'already running'" \
	    "already running" "$allout"
	expect_eq "twenty parallel starts: all exit 0" "0" \
	    "$(cat "$T"/par.*.rc | sort -u | tr -d '\n')"
	expect_eq "twenty parallel starts: all answered" 20 \
	    "$(grep -l 'ready' "$T"/par.[0-9] "$T"/par.[0-9][0-9] | wc -l)"
	expect_eq "twenty parallel starts: one daemon started" $((before + 1)) \
	    "$(starts)"
fi
pid=$(daemon_pid)
pids="$pids $pid"

# 29. A crash: the first prompt in the workspace starts a new daemon and
# loads the last good snapshot from the store; hearth wait in that shell
# says nothing of another hearthd.
kill -9 "$pid"
check "the daemon was killed" until_true gone "$pid"
cat > "$T/script" <<EOF
cd $ws
echo "var:[\$FIXTURE_VAR]"
hearth wait
EOF
out=$(run_bash < "$T/script")
expect_in "after a crash, the first prompt loads the shell" \
    "loaded the default shell of $ws" "$out"
expect_in "with its variables" "var:[fixture-value]" "$out"
expect_not_in "and promises nothing for later" "later prompt" "$out"
expect_in "hearth wait in that shell" "is ready" "$out"
expect_not_in "says nothing of another hearthd" "already running" "$out"
p2=$(daemon_pid)
pids="$pids $p2"
check "a new daemon runs" test -n "$p2" -a "$p2" != "$pid"

# 27. The daemon down, a cd into an untrusted workspace: not allowed.
hearth daemon stop >/dev/null
fixture basic "$T/other" >/dev/null
cat > "$T/script" <<EOF
cd $T/other
echo "var:[\${FIXTURE_VAR-unset}]"
EOF
out=$(run_bash < "$T/script")
expect_in "untrusted with the daemon down: says to allow" \
    "$T/other is not allowed; run \`hearth allow\`" "$out"
expect_not_in "and promises no dev shell" "later prompt" "$out"
expect_in "and loads none" "var:[unset]" "$out"
pids="$pids $(daemon_pid)"

# 24. A read-only state directory: the daemon's own reason, in one line
# naming the directory and the fix, from a command and at the prompt.
hearth daemon stop >/dev/null
sd="$XDG_STATE_HOME/hearth"
ro=""
if [ "$(id -u)" -eq 0 ]; then
	# root writes through mode bits: a read-only file system instead.
	mount -t tmpfs -o ro tmpfs "$sd" && ro=mount
else
	chmod 0500 "$sd" && ro=chmod
fi
if [ -n "$ro" ]; then
	out=$(hearth status "$ws" 2>&1)
	expect_eq "read-only state: status exits 1" 1 "$?"
	expect_eq "read-only state: one line" 1 \
	    "$(printf '%s\n' "$out" | wc -l)"
	expect_in "read-only state: names the directory and the fix" \
	    "cannot write to the state directory $sd" "$out"
	expect_in "read-only state: the fix" "make it writable" "$out"
	out=$(hearth daemon start 2>&1)
	expect_in "read-only state: daemon start says why" \
	    "cannot write to the state directory $sd" "$out"
	cat > "$T/script" <<EOF
cd $ws
:
EOF
	out=$(run_bash < "$T/script")
	expect_in "read-only state: the prompt says why" \
	    "hearth: hearthd cannot start: cannot write to the state directory $sd" \
	    "$out"
	expect_not_in "read-only state: the prompt promises nothing" \
	    "later prompt" "$out"
	expect_eq "read-only state: said once" 1 \
	    "$(printf '%s\n' "$out" | grep -c 'cannot start')"
	check "read-only state: no daemon runs" \
	    bash -c '! hearth daemon status >/dev/null 2>&1'
	if [ "$ro" = mount ]; then umount "$sd"; else chmod 0700 "$sd"; fi
else
	fail "cannot make the state directory read-only"
fi
out=$(hearth status "$ws" 2>&1)
expect_in "writable again: the daemon starts" "ready" "$out"
it_finish
