#!/usr/bin/env bash
# The daemon: start, status and stop; one instance per user; a stale
# socket left by a crash is replaced; a private runtime directory; any
# command starts the daemon; the bash hook keeps PROMPT_COMMAND and $?.
. "$(dirname "$0")/lib.sh"
it_setup

out=$(hearth daemon status 2>&1)
expect_eq "status when stopped exits 1" 1 "$?"
expect_in "status says not running" "not running" "$out"
out=$(hearth daemon start)
expect_in "start" "hearthd started" "$out"
out=$(hearth daemon start)
expect_in "second start is a no-op" "already running" "$out"
out=$(hearthd 2>&1)
expect_eq "a second hearthd refuses (exit 3: already running)" 3 "$?"
expect_in "and says why" "already running" "$out"
out=$(hearth daemon status)
expect_in "status when running" "is running" "$out"
sock="$XDG_RUNTIME_DIR/hearth/hearthd.sock"
expect_eq "runtime directory is private" 700 \
    "$(stat -c %a "$XDG_RUNTIME_DIR/hearth")"
expect_eq "socket is private" 600 "$(stat -c %a "$sock")"
check "state in XDG_STATE_HOME" test -s "$XDG_STATE_HOME/hearth/store.db"
check "log in XDG_STATE_HOME" test -s "$HLOG"

pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
check "found the daemon's pid" test -n "$pid"
kill -9 $pid
sleep 0.2
check "a crash leaves the socket behind" test -S "$sock"
out=$(hearth daemon start)
expect_in "start after a crash" "hearthd started" "$out"
expect_in "stale socket replaced" "removed stale socket" "$(cat "$HLOG")"
out=$(hearth daemon stop)
expect_in "stop" "hearthd stopped" "$out"
check "socket removed on stop" test ! -e "$sock"
out=$(hearth daemon stop)
expect_in "stop when stopped" "not running" "$out"

# Any command starts the daemon.
fixture basic "$T/ws" >/dev/null
out=$(hearth status "$T/ws")
expect_in "status starts the daemon" "untrusted" "$out"
check "daemon running after status" bash -c "hearth daemon status >/dev/null"

# Without XDG_RUNTIME_DIR: a private directory under /tmp. The lock is in
# the state directory: one daemon for it, whatever the runtime directory.
out=$(env -u XDG_RUNTIME_DIR hearth daemon start 2>&1)
expect_in "a daemon with another runtime directory is refused" \
    "another hearthd holds $XDG_STATE_HOME/hearth/hearthd-$(hostname).lock" \
    "$out"
hearth daemon stop >/dev/null
out=$(env -u XDG_RUNTIME_DIR hearth daemon start)
expect_in "start without XDG_RUNTIME_DIR" "started" "$out"
d="/tmp/hearth-$(id -u)"
expect_eq "fallback runtime directory is private" 700 "$(stat -c %a "$d")"
env -u XDG_RUNTIME_DIR hearth daemon stop >/dev/null

# The hook keeps the user's PROMPT_COMMAND (string and array) and $?.
IT_BASHRC_EXTRA='PROMPT_COMMAND="echo user-prompt-cmd"'
cat > "$T/script" <<'EOF'
false
echo "status:[$?]"
echo "pc:[${PROMPT_COMMAND}]"
EOF
out=$(run_bash < "$T/script")
expect_in "\$? kept" "status:[1]" "$out"
expect_in "string PROMPT_COMMAND kept" "pc:[_hearth_hook;echo user-prompt-cmd]" "$out"
expect_in "string PROMPT_COMMAND runs" "user-prompt-cmd" "$out"
IT_BASHRC_EXTRA='PROMPT_COMMAND=("echo user-array-cmd")'
cat > "$T/script" <<'EOF'
false
echo "status:[$?]"
echo "pc:[${PROMPT_COMMAND[*]}]"
eval "$(hearth hook bash)"
echo "again:[${PROMPT_COMMAND[*]}]"
EOF
out=$(run_bash < "$T/script")
expect_in "\$? kept (array)" "status:[1]" "$out"
expect_in "array PROMPT_COMMAND kept" "pc:[_hearth_hook echo user-array-cmd]" "$out"
expect_in "array PROMPT_COMMAND runs" "user-array-cmd" "$out"
expect_in "hook installed twice runs once" "again:[_hearth_hook echo user-array-cmd]" "$out"
it_finish
