#!/usr/bin/env bash
# `make bench`, second part: the "monorepos and warm shells" table. Run by
# bench/run.sh after the prompt and export tables (BUILD set); every figure
# is measured in this run, in throw-away sandboxes of its own (own XDG
# tree, own daemon, own store), never in the first part's.
#
#  1. Lock bump (bench/lock.sh): the time from an atomic flake.lock write
#     to the new snapshot being ready (a client waiting, and nobody
#     asking), minus the time of the same `nix print-dev-env` hearth runs,
#     run by hand with hyperfine: hearth's own overhead. Target < 50 ms.
#  2. Switching back (bench/lock.sh): flake.lock back to a content seen
#     before; the time until the earlier snapshot is in use again, and the
#     Nix processes the daemon started meanwhile. Target < 20 ms, no Nix.
#  3. A busy daemon (bench/busy.sh): prompt latency of an interactive bash
#     on a pty while a slow (SLOW_S, default 2 s) evaluation started by a
#     lock write runs, against an idle daemon. Target: no difference.
#  4. Scale (bench/scale.sh): SCALE_WS (default 100) workspaces of three
#     shells each: time until all are ready, the daemon's memory and its
#     inotify watches.
#
# The table (bench/warm.awk) and how each figure was measured
# (bench/warm-how.sh) follow; the section files' headers say more.
#
# Knobs (environment): LOCK_ROUNDS, HAND_RUNS (bench/lock.sh);
# BUSY_ROUNDS, SLOW_S, BUSY_PROMPTS, BUSY_CDS, BUSY_WARM (bench/busy.sh);
# SCALE_WS, SCALE_SETTLE (bench/scale.sh). WARM_ONLY="lock busy scale"
# picks the sections; WARM_KEEP=1 keeps the sandboxes (logs, transcripts)
# for a look.
set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$BENCH_DIR/.." && pwd)
export PATH="$BUILD:/usr/bin:/bin"
REAL_NIX=$(command -v nix)
W=$(mktemp -d /tmp/hearth-warm.XXXXXX)
WARM_ONLY=${WARM_ONLY:-lock busy scale}
# The knobs' defaults (each section file documents its own).
: "${LOCK_ROUNDS:=10}" "${HAND_RUNS:=30}"
: "${BUSY_ROUNDS:=10}" "${SLOW_S:=2}" "${BUSY_PROMPTS:=40}" "${BUSY_CDS:=20}"
: "${BUSY_WARM:=3}" "${SCALE_WS:=100}" "${SCALE_SETTLE:=2}"
# hearthd's cap on concurrent evaluations: HEARTH_MAX_EVALS, or half the
# cores, at least one.
SCALE_MAX_EVALS=${HEARTH_MAX_EVALS:-$(($(nproc) / 2))}
[ "$SCALE_MAX_EVALS" -ge 1 ] || SCALE_MAX_EVALS=1

warm_cleanup() {
	local d
	for d in "$W"/*/run; do
		[ -d "$d" ] || continue
		XDG_RUNTIME_DIR=$d XDG_STATE_HOME=${d%/run}/state \
		    hearth daemon stop >/dev/null 2>&1 || true
	done
	if [ -n "${WARM_KEEP:-}" ]; then
		echo "bench: kept $W" >&2
	else
		rm -rf "$W"
	fi
}
trap warm_cleanup EXIT

. "$top/tests/tools/sandbox.sh"

progress() {
	echo "bench: $*" >&2
}

# die MESSAGE: a section cannot go on; its figures are left out.
die() {
	echo "bench: $*" >&2
	exit 1
}

# us: microseconds since the epoch, from bash's own clock (no process).
# Sets US.
us() {
	US=${EPOCHREALTIME//[.,]/}
}

# A sleep with no process: read with a timeout on a FIFO nobody writes.
mkfifo "$W/sleep.fifo"
exec {SLEEP_FD}<>"$W/sleep.fifo"
nap() {
	read -r -t "$1" -u "$SLEEP_FD" _ || true
}

# daemon_pid: the pid of the sandbox's running hearthd.
daemon_pid() {
	hearth daemon status | sed -n 's/.*(pid \([0-9]*\).*/\1/p'
}

# daemon_quiet PID [SECONDS]: wait until the daemon has had no child
# process (no Nix, no bash stage) for SECONDS (default 0.3, more than its
# longest quiet time, 150 ms, so a file event's refresh has come and gone).
daemon_quiet() {
	local pid=$1 need quiet=0 kids deadline
	need=$(awk -v s="${2:-0.3}" 'BEGIN { printf "%d", s * 100 }')
	us
	deadline=$((US + 600 * 1000000))
	while [ "$quiet" -lt "$need" ]; do
		kids=
		read -r kids < "/proc/$pid/task/$pid/children" || true
		if [ -n "$kids" ]; then quiet=0; else quiet=$((quiet + 1)); fi
		nap 0.01
		us
		[ "$US" -lt "$deadline" ] || die "the daemon never settled"
	done
}

# hf_values NAME RUNS COMMAND...: hyperfine -N in the current directory,
# output through pipes, HF_WARMUP (default 3) warm-ups; median, mean and
# min (us) as values NAME_med, NAME_mean, NAME_min (NAME_2_... for a
# second command).
hf_values() {
	local name=$1 runs=$2
	shift 2
	if ! hyperfine -N --output=pipe --style none \
	    --warmup "${HF_WARMUP:-3}" --runs "$runs" \
	    --export-csv "$W/$name.csv" "$@" >/dev/null 2>"$W/hf.err"; then
		progress "hyperfine $name failed: $(head -n 3 "$W/hf.err")"
		return 1
	fi
	# CSV: command,mean,stddev,median,user,system,min,max (seconds).
	tail -n +2 "$W/$name.csv" | awk -F, -v n="$name" '{
		sfx = NR == 1 ? "" : "_" NR
		printf "v %s%s_med %d\nv %s%s_mean %d\nv %s%s_min %d\n",
		    n, sfx, $4 * 1e6, n, sfx, $2 * 1e6, n, sfx, $7 * 1e6
	}' >> "$W/results"
}

# nix_retry ERRFILE COMMAND...: run a nix command that may build, up to
# eight times. Nix 2.8 as a single user without a sandbox sometimes kills
# a builder that has just finished ("failed due to signal 9 (Killed)");
# the figures are about evaluating, so environments are built beforehand
# this way, never inside a timed step.
nix_retry() {
	local err=$1 i
	shift
	for i in 1 2 3 4 5 6 7 8; do
		if "$@" >/dev/null 2>"$err"; then
			return 0
		fi
		grep -q 'signal 9 (Killed)' "$err" || return 1
		echo "v nix_killed 1" >> "$W/results"
	done
	return 1
}

# lockbump_prepare DIR N: lay tests/integration/mkfixture.sh's lockbump
# fixture in DIR/lb, make N new versions of its tools input with
# tests/integration/bump-tools.sh, and keep each flake.lock as DIR/locks/K
# (lock K pins version K+1; lock 0 is the committed one, left in place).
# Each lock's environment is built once by hand with hearth's own command
# (profile DIR/hand/profile), so that no timed step builds anything.
lockbump_prepare() {
	local d=$1 n=$2 k ws=$1/lb/ws
	mkdir -p "$d/locks" "$d/hand"
	sh "$top/tests/integration/mkfixture.sh" lockbump "$d/lb" >/dev/null
	cp "$ws/flake.lock" "$d/locks/0"
	for ((k = 1; k <= n; k++)); do
		sh "$top/tests/integration/bump-tools.sh" "$d/lb" $((k + 1)) \
		    >/dev/null
		cp "$ws/flake.lock" "$d/locks/$k"
	done
	for ((k = 0; k <= n; k++)); do
		cp "$d/locks/$k" "$ws/flake.lock"
		(cd "$ws" && nix_retry "$d/prebuild.err" nix \
		    --extra-experimental-features "nix-command flakes" \
		    print-dev-env -vvv --option eval-cache false \
		    --no-write-lock-file --profile "$d/hand/profile" \
		    "$ws#default") ||
		    die "nix print-dev-env failed on lock $k:" \
		    "$(grep '^error' "$d/prebuild.err" | head -n 3)"
	done
	cp "$d/locks/0" "$ws/flake.lock"
}

# nix_wrapper FILE CALLS DELAY: a nix that appends its arguments to CALLS
# and, while the file DELAY exists, sleeps as many seconds as it says
# before running the real nix (as tests/integration/lib.sh's nix_counter).
nix_wrapper() {
	cat > "$1" <<EOF
#!/bin/sh
# bench/warm.sh: real nix, counted; slow while $3 exists.
echo "\$*" >> '$2'
[ -f '$3' ] && sleep "\$(cat '$3')"
exec '$REAL_NIX' "\$@"
EOF
	chmod +x "$1"
	: > "$2"
}

: > "$W/results"
echo "nproc $(nproc)" >> "$W/results"
for sec in $WARM_ONLY; do
	# Each section in a subshell of its own, under set -e there too (a
	# subshell on the left of || would run with set -e ignored). One that
	# fails leaves its rows out and says so; the others still run.
	set +e
	case $sec in
	lock) ( set -e; . "$BENCH_DIR/lock.sh"; lock_bench ) ;;
	busy) ( set -e; . "$BENCH_DIR/shells.sh"; . "$BENCH_DIR/busy.sh"
	    busy_bench ) ;;
	scale) ( set -e; . "$BENCH_DIR/scale.sh"; scale_bench ) ;;
	*) echo "bench: WARM_ONLY: no section $sec" >&2; false ;;
	esac
	rc=$?
	set -e
	[ "$rc" -eq 0 ] || echo "fail $sec" >> "$W/results"
done

echo
echo "Monorepos and warm shells: a flake.lock bump, switching back, a busy"
echo "daemon, many workspaces (each figure measured in this run)"
echo
sort -k1,1 -k2,2 -k3,3n "$W/results" | awk -f "$BENCH_DIR/warm.awk"
. "$BENCH_DIR/warm-how.sh"
