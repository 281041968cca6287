#!/usr/bin/env bash
# hearth doctor: in a good set-up every check passes and it exits 0; with
# nix missing, a runtime directory of mode 0755, a daemon that cannot
# start, a daemon of another version or protocol, a nix that hangs or a
# shell without the hook, the failing lines say how to fix them and it
# exits 1. It names the Nix version and whether hearth knows its logs,
# and what that means for input tracking.
. "$(dirname "$0")/lib.sh"
it_setup
rundir="$XDG_RUNTIME_DIR/hearth"
export SHELL=/bin/bash
echo 'eval "$(hearth hook bash)"' > "$HOME/.bashrc"

# line OUTPUT NAME: the line of check NAME.
line() {
	printf '%s\n' "$1" | grep -E "^(ok  |FAIL|skip) $2:"
}

# The good set-up: the daemon is not running yet, doctor starts it.
out=$(hearth doctor 2>&1)
expect_eq "good set-up: exit 0" 0 "$?"
for c in nix flakes "input tracking" "runtime directory" hearthd inotify \
    hook; do
	expect_in "good set-up: $c passes" "ok   $c: " "$(line "$out" "$c")"
done
expect_in "nix version shown" "nix (Nix) " "$(line "$out" nix)"
expect_in "flakes: hearth passes the flag itself" "hearth passes" \
    "$(line "$out" flakes)"
# Nix 2.8, 2.26 and 2.34, the versions tested, each log a known dialect.
expect_in "input tracking: the version, known" \
    "ok   input tracking: $(nix --version): hearth knows its logs (" \
    "$(line "$out" "input tracking")"
expect_in "input tracking: what it means" "tracing Nix's file accesses" \
    "$(line "$out" "input tracking")"
expect_in "runtime directory: not there yet" \
    "$rundir does not exist yet (hearth creates it with mode 0700)" \
    "$(line "$out" "runtime directory")"
expect_in "hearthd: doctor started it" "doctor started it" \
    "$(line "$out" hearthd)"
expect_in "hook: says which file and which shell" \
    "~/.bashrc runs \`hearth hook bash\` (\$SHELL is /bin/bash" \
    "$(line "$out" hook)"
expect_in "hook: says what it cannot see" "cannot see" "$(line "$out" hook)"
expect_in "summary" "7 passed, 0 failed, 0 skipped" "$out"

# inotify: the count is the daemon's watches, read from /proc.
fixture basic "$T/ws" >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
n=$(cat /proc/"$pid"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:')
limit=$(cat /proc/sys/fs/inotify/max_user_watches)
out=$(hearth doctor 2>&1)
check "the daemon watches something" test "$n" -gt 0
expect_in "inotify: the daemon's watches against the limit" \
    "hearthd uses $n watches of max_user_watches $limit" \
    "$(line "$out" inotify)"
expect_in "runtime directory: mode shown" "$rundir is yours, mode 0700" \
    "$(line "$out" "runtime directory")"
expect_in "hearthd: running, pid and version" \
    "0.1.0 answers, pid $pid, protocol" "$(line "$out" hearthd)"

# Other versions of Nix, as their --version says them: a Nix whose logs
# hearth was not tested with is followed by watching more.
cat > "$T/other-nix" <<'EOF'
#!/bin/sh
[ "$1" = --version ] && { echo "$OTHER_NIX_VERSION"; exit 0; }
exec nix "$@"
EOF
chmod +x "$T/other-nix"
# other VERSION-LINE: doctor's nix and input tracking lines with that Nix.
other() {
	OTHER_NIX_VERSION=$1 HEARTH_NIX="$T/other-nix" hearth doctor 2>&1 |
	    grep -E '^(ok  |FAIL|skip) (nix|input tracking):'
}
out=$(other "nix (Nix) 2.26.3")
expect_in "2.26: its version" "ok   nix: $T/other-nix, nix (Nix) 2.26.3" "$out"
expect_in "2.26: known" \
    "ok   input tracking: nix (Nix) 2.26.3: hearth knows its logs (Nix 2.20 to 2.31: 'evaluating file', eagerly); inputs are followed by tracing Nix's file accesses (hearth-nixtrace.so): exactly the files an evaluation read" \
    "$out"
out=$(other "nix (Nix) 2.36.1")
expect_in "2.36: not tested, an over-approximation" \
    "ok   input tracking: nix (Nix) 2.36.1: hearth has not tested its logs (Nix 2.35 or later, Determinate Nix, or not known); hearth assumes the worst: every file git tracks is an input, so the input set is an over-approximation" \
    "$out"
out=$(other "nix (Lix, like Nix) 2.91.1")
expect_in "Lix: its own dialect, not tested" \
    "ok   input tracking: nix (Lix, like Nix) 2.91.1: hearth has not tested its logs (Lix: log levels of its own)" \
    "$out"
expect_in "Lix: an over-approximation" "over-approximation" "$out"
out=$(other "nix (Determinate Nix 3.6.2) 2.29.0")
expect_in "Determinate: not tested" \
    "ok   input tracking: nix (Determinate Nix 3.6.2) 2.29.0: hearth has not tested its logs" \
    "$out"
out=$(other "something else")
expect_in "an unknown answer: said, and the worst assumed" \
    "ok   input tracking: cannot tell which Nix says \"something else\"; hearth assumes the worst" \
    "$out"

# zsh and fish: their own rc files.
mkdir -p "$T/zdot" "$XDG_CONFIG_HOME/fish/conf.d"
out=$(SHELL=/usr/bin/zsh ZDOTDIR="$T/zdot" hearth doctor 2>&1)
expect_eq "zsh without the hook: exit 1" 1 "$?"
expect_in "zsh: the fix" \
    "fix: echo 'eval \"\$(hearth hook zsh)\"' >> $T/zdot/.zshrc" \
    "$(line "$out" hook)"
echo 'eval "$(hearth hook zsh)"' > "$T/zdot/.zshrc"
out=$(SHELL=/usr/bin/zsh ZDOTDIR="$T/zdot" hearth doctor 2>&1)
expect_in "zsh with the hook" "ok   hook: $T/zdot/.zshrc runs" \
    "$(line "$out" hook)"
out=$(SHELL=/usr/bin/fish hearth doctor 2>&1)
expect_in "fish without the hook: the fix" \
    "fix: echo 'hearth hook fish | source' >> $XDG_CONFIG_HOME/fish/config.fish" \
    "$(line "$out" hook)"
echo 'hearth hook fish | source' > "$XDG_CONFIG_HOME/fish/conf.d/hearth.fish"
out=$(SHELL=/usr/bin/fish hearth doctor 2>&1)
expect_in "fish: a conf.d file counts" "ok   hook: " "$(line "$out" hook)"
out=$(SHELL=/bin/ksh hearth doctor 2>&1)
expect_in "an unsupported shell fails" "FAIL hook: \$SHELL is /bin/ksh" \
    "$(line "$out" hook)"
# A commented-out hook is no hook.
echo '# eval "$(hearth hook bash)"' > "$HOME/.bashrc"
out=$(hearth doctor 2>&1)
expect_in "a commented-out hook fails" "FAIL hook: no \`hearth hook bash\`" \
    "$(line "$out" hook)"
expect_in "and says what it cannot see" "not visible to doctor" \
    "$(line "$out" hook)"
echo 'eval "$(hearth hook bash)"' > "$HOME/.bashrc"

# The broken set-up: no nix, a runtime directory anyone can enter.
chmod 0755 "$rundir"
out=$(HEARTH_NIX=/nonexistent hearth doctor 2>&1)
expect_eq "broken set-up: exit 1" 1 "$?"
expect_in "nix missing, with the fix" \
    "FAIL nix: HEARTH_NIX=/nonexistent is not an executable program; fix: install Nix" \
    "$(line "$out" nix)"
expect_in "flakes skipped" "skip flakes: no working nix" \
    "$(line "$out" flakes)"
expect_in "input tracking skipped" "skip input tracking: no working nix" \
    "$(line "$out" "input tracking")"
expect_in "runtime directory mode, with the fix" \
    "FAIL runtime directory: $rundir has mode 0755; it holds the socket and must be 0700; fix: chmod 700 $rundir" \
    "$(line "$out" "runtime directory")"
expect_in "daemon skipped" "skip hearthd:" "$(line "$out" hearthd)"
expect_in "summary" "failed" "$(printf '%s\n' "$out" | tail -1)"
chmod 0700 "$rundir"

# nix not in PATH (no HEARTH_NIX).
out=$(PATH="$BUILD" hearth doctor 2>&1)
expect_in "nix not in PATH" "FAIL nix: nix is not in PATH; fix: " \
    "$(line "$out" nix)"

# A nix that hangs: the check gives up after its timeout and kills it.
cat > "$T/slow-nix" <<EOF
#!/bin/sh
echo \$\$ > "$T/slow-nix.pid"
exec sleep 300
EOF
chmod +x "$T/slow-nix"
start=$(date +%s)
out=$(HEARTH_NIX="$T/slow-nix" hearth doctor 2>&1)
took=$(($(date +%s) - start))
expect_in "a hanging nix times out" "did not finish in 10 s" \
    "$(line "$out" nix)"
check "within the timeout ($took s)" test "$took" -lt 30
check "and is killed" bash -c "! kill -0 $(cat "$T/slow-nix.pid") 2>/dev/null"

# A daemon that cannot start.
hearth daemon stop >/dev/null
out=$(HEARTHD=/bin/false hearth doctor 2>&1)
expect_in "a daemon that does not start, with the fix" \
    "FAIL hearthd: not running, and it did not start" "$(line "$out" hearthd)"
expect_in "the fix names hearthd -f" "fix: run \`hearthd -f\`" \
    "$(line "$out" hearthd)"
expect_in "inotify skipped without a daemon" "skip inotify:" \
    "$(line "$out" inotify)"

# A daemon of another version or protocol on hearth's socket: fakedaemon.
# Doctor must report it and not start a daemon of its own; HEARTHD is a
# program that only records being run, so no real hearthd can take the
# socket over whatever doctor does.
sock="$rundir/hearthd.sock"
cat > "$T/no-hearthd" <<EOF
#!/bin/sh
touch "$T/hearthd-started"
exit 1
EOF
chmod +x "$T/no-hearthd"
# "hearth 0.1.0 (protocol 2)": this client's version and protocol.
read -r _ version _ proto <<< "$(hearth --version | tr -d '()')"
# fakedaemon under the name hearthd, the only name `hearth daemon stop`
# signals.
mkdir -p "$T/named"
cp "$BUILD/fakedaemon" "$T/named/hearthd"
# fake [-n] ARGS...: fakedaemon on the socket, which appears once it
# listens; with -n, the copy named hearthd.
fake() {
	local i prog="$BUILD/fakedaemon"
	[ "$1" = -n ] && { prog="$T/named/hearthd"; shift; }
	rm -f "$sock" "$T/hearthd-started"
	"$prog" -t 60 "$@" "$sock" 2>>"$T/fake.err" &
	fpid=$!
	for i in $(seq 1 200); do
		[ -S "$sock" ] && return 0
		sleep 0.05
	done
	return 1
}

check "fakedaemon listens, saying version 0.0.1-old" fake -v 0.0.1-old
out=$(HEARTHD="$T/no-hearthd" hearth doctor 2>&1)
expect_eq "another version: exit 1" 1 "$?"
expect_in "another version: both versions, the pid and the fix" \
    "FAIL hearthd: the running hearthd (pid $fpid) is 0.0.1-old, this hearth is $version; fix: hearth daemon stop (the next command starts hearthd $version)" \
    "$(line "$out" hearthd)"
expect_in "another version: only that check fails" \
    "6 passed, 1 failed, 0 skipped" "$out"
check "another version: no daemon started" test ! -e "$T/hearthd-started"
# The fix, as doctor gives it: STOP reaches a daemon of our protocol.
expect_in "another version: hearth daemon stop stops it" \
    "hearth: hearthd stopped" "$(hearth daemon stop 2>&1)"
wait "$fpid"
expect_eq "fakedaemon exited on STOP" 0 "$?"

for other in $((proto - 1)) $((proto + 1)); do
	check "fakedaemon listens, speaking protocol $other" \
	    fake -n -p "$other"
	out=$(HEARTHD="$T/no-hearthd" hearth doctor 2>&1)
	expect_eq "protocol $other: exit 1" 1 "$?"
	expect_in "protocol $other: both protocols and the fix" \
	    "FAIL hearthd: the running hearthd speaks protocol $other, this hearth protocol $proto; fix: hearth daemon stop (it sends that hearthd SIGTERM); the next command starts this version" \
	    "$(line "$out" hearthd)"
	expect_in "protocol $other: inotify skipped" "skip inotify:" \
	    "$(line "$out" inotify)"
	expect_in "protocol $other: only that check fails" \
	    "5 passed, 1 failed, 1 skipped" "$out"
	check "protocol $other: no daemon started" \
	    test ! -e "$T/hearthd-started"
	# The fix works: STOP cannot reach it, the signal does.
	out=$(hearth daemon stop 2>&1)
	expect_eq "protocol $other: hearth daemon stop succeeds" 0 "$?"
	expect_in "protocol $other: by SIGTERM to that pid" \
	    "the running hearthd (pid $fpid) speaks protocol $other, this hearth $proto: sent it SIGTERM" \
	    "$out"
	wait "$fpid"
	expect_eq "protocol $other: it exited on SIGTERM" 0 "$?"
done

# Something other than hearthd holding the socket (a service manager,
# under socket activation) is never signalled.
check "fakedaemon listens under its own name" fake -p $((proto + 1))
out=$(hearth daemon stop 2>&1)
expect_eq "not a hearthd: hearth daemon stop fails" 1 "$?"
expect_in "not a hearthd: and says whom it would not signal" \
    "is held by pid $fpid (fakedaemon), not by hearthd" "$out"
check "not a hearthd: still running" kill -0 "$fpid"
kill "$fpid"
wait "$fpid"
expect_eq "fakedaemon exited on SIGTERM" 0 "$?"
check "fakedaemon removed its socket" test ! -e "$sock"
expect_eq "fakedaemon said nothing on stderr" "" "$(cat "$T/fake.err")"

out=$(hearth doctor extra 2>&1)
expect_eq "an argument is a usage error" 2 "$?"
it_finish
