# Items 1 and 2 of bench/warm.sh: a flake.lock bump, and switching back.
# Sourced by bench/warm.sh (bash) in a subshell, with its helpers; appends
# to $W/results.
#
# The fixture is tests/integration/mkfixture.sh's lockbump: DEST/tools, a
# git repository whose version.nix the workspace DEST/ws takes through the
# flake input `tools`, pinned by DEST/ws/flake.lock. Before the daemon
# starts, tests/integration/bump-tools.sh makes 2 x LOCK_ROUNDS new
# versions of tools, and the flake.lock of each (lock K pins version K+1;
# lock 0 is the committed one) is kept aside. Each lock is then evaluated
# once by hand with the very command hearth runs (below), so that its dev
# environment is built and its input fetched: what is timed afterwards,
# by hearth and by hand alike, is Nix evaluating, not Nix building.
#
# A write is one rename(2): the lock is copied to a directory outside the
# workspace (same filesystem), the daemon is left to settle (no child
# process for 0.3 s, more than its longest quiet time), then `mv -T` renames
# it over DEST/ws/flake.lock. The clock starts just before mv (bash's
# EPOCHREALTIME, so its ~1 ms fork and exec are counted against hearth).
#
# Two ways of seeing the result, both timed:
#   wait    `hearth wait DIR` run right after the write: a client asking,
#           as the first prompt after the write does when it runs
#           `hearth export` (the request makes the daemon look at the files
#           at once). The clock stops when wait exits 0.
#   passive nobody asks: the generation file $XDG_RUNTIME_DIR/hearth/
#           generation is polled (bash `read`, every ~1 ms); at each change
#           `hearth export bash` is run, as a prompt hook would; the clock
#           stops at the change after which export gives the awaited
#           snapshot. This is the path of a prompt that was idle when the
#           lock moved: it includes the daemon's inotify debounce.
# After every step `hearth export bash` tells which snapshot is in use (its
# id, from HEARTH_STATE, and LOCKBUMP_VERSION); a step that did not end on
# the snapshot it should is counted as wrong.
#
# A round, with P the lock in use (it has a snapshot) and A, B two new ones:
#   1. write A, wait     new snapshot (an evaluation)        "bump, wait"
#   2. write P, wait     P's snapshot again (cache hit)      "back, wait"
#   3. write A, passive  A's snapshot again (cache hit)      "back, passive"
#   4. write B, passive  new snapshot (an evaluation)        "bump, passive"
# and B is P for the next round. The daemon's nix is a wrapper (warm.sh's
# nix_wrapper) that logs each call; the calls of steps 2, 3 and 4 (until
# the daemon has settled) are counted by subcommand.
#
# By hand, afterwards (flake.lock = the last B, the daemon idle), with
# hyperfine -N --output=pipe (stdout and stderr through pipes, as the
# daemon reads them) in DEST/ws, HAND_RUNS runs after 3 warm-ups:
#   nix --extra-experimental-features 'nix-command flakes' print-dev-env
#       -vvv --option eval-cache false --no-write-lock-file
#       --profile SCRATCH DEST/ws#default          (what hearth runs)
#   nix print-dev-env DEST/ws#default             (plain, eval cache on;
#       once with flake.lock uncommitted, as during the bumps, once with it
#       committed: Nix's eval cache only serves a clean tree)
#   the wrapper's own cost: the same wrapper around /bin/true, against
#       /bin/true.
#
# Knobs: LOCK_ROUNDS (default 10), HAND_RUNS (default 30).

LOCK_ROUNDS=${LOCK_ROUNDS:-10}
HAND_RUNS=${HAND_RUNS:-30}

# lock_hand_cmd PROFILE: the command hearth runs for DEST/ws#default.
lock_hand_cmd() {
	echo "nix --extra-experimental-features 'nix-command flakes'" \
	    "print-dev-env -vvv --option eval-cache false" \
	    "--no-write-lock-file --profile $1 $ws#default"
}

# lock_stage K: lay lock K beside the workspace, ready to be renamed in.
lock_stage() {
	cp "$L/locks/$1" "$L/stage/flake.lock"
}

# lock_snapshot: the snapshot id and LOCKBUMP_VERSION `hearth export`
# gives in the workspace now, into SNAP_ID and SNAP_VER.
lock_snapshot() {
	local out b64
	SNAP_ID="" SNAP_VER=""
	out=$(HEARTH_STATE= hearth export bash 2>/dev/null) || true
	if [[ $out =~ LOCKBUMP_VERSION=\'([^\']*)\' ]]; then
		SNAP_VER=${BASH_REMATCH[1]}
	fi
	if [[ $out =~ HEARTH_STATE=\'([^\']*)\' ]]; then
		b64=${BASH_REMATCH[1]}
		SNAP_ID=$(printf '%s' "$b64" | base64 -d 2>/dev/null |
		    tr '\0' '\n' | sed -n 4p)
	fi
}

# lock_wait: write the staged lock, then hearth wait. DT: microseconds.
lock_wait() {
	local t0
	us
	t0=$US
	mv -T "$L/stage/flake.lock" "$ws/flake.lock"
	if ! hearth wait --timeout 120 "$ws" >/dev/null 2>"$L/wait.err"; then
		sed 's/^/    | /' "$L/wait.err" >&2
		DT=-1
		return
	fi
	us
	DT=$((US - t0))
}

# lock_passive VERSION: write the staged lock, then watch the generation
# file until an export gives LOCKBUMP_VERSION=VERSION. DT: microseconds
# to that generation change; DT_EXPORT: to that export's end.
lock_passive() {
	local t0 tg g g0 out deadline
	read -r g0 < "$GENFILE"
	us
	t0=$US
	deadline=$((t0 + 120 * 1000000))
	mv -T "$L/stage/flake.lock" "$ws/flake.lock"
	while :; do
		g=
		read -r g < "$GENFILE" || true
		if [ -n "$g" ] && [ "$g" != "$g0" ]; then
			us
			tg=$US
			g0=$g
			out=$(HEARTH_STATE= hearth export bash 2>/dev/null) ||
			    true
			case $out in
			*"LOCKBUMP_VERSION='$1'"*) break ;;
			esac
		fi
		nap 0.001
		us
		if [ "$US" -gt "$deadline" ]; then
			DT=-1
			return
		fi
	done
	us
	DT=$((tg - t0))
	DT_EXPORT=$((US - t0))
}

# lock_calls: the wrapper's log so far, as "TOTAL PRINT_DEV_ENV".
lock_calls() {
	echo "$(wc -l < "$L/nix-calls") $(grep -c ' print-dev-env ' \
	    "$L/nix-calls" || true)"
}

# lock_what FROM: the subcommands of the wrapper's calls after line FROM,
# in order, joined by commas ("eval,print-dev-env,flake archive,build").
lock_what() {
	tail -n +$(($1 + 1)) "$L/nix-calls" | awk '
		{ w = $4 == "flake" ? $4 " " $5 : $4
		  s = s (NR > 1 ? "," : "") w }
		END { print s }'
}

# lock_check STEP WANT_VERSION [WANT_ID]: after a step, is the snapshot in
# use the one wanted? Counts and reports the wrong ones.
lock_check() {
	lock_snapshot
	if [ "$SNAP_VER" != "$2" ] || { [ -n "${3:-}" ] &&
	    [ "$SNAP_ID" != "$3" ]; }; then
		progress "lock: $1: wanted version $2${3:+, snapshot $3}," \
		    "got version ${SNAP_VER:-?}, snapshot ${SNAP_ID:-?}"
		echo "v lock_wrong 1" >> "$W/results"
		return 1
	fi
	return 0
}

lock_bench() {
	local L=$W/lock ws pid r a b p c0 c1
	declare -A id
	mkdir -p "$L/stage"
	sandbox_init "$L"
	# The harness's own exports may wait for a busy daemon.
	export HEARTH_TIMEOUT_MS=10000
	progress "lock: laying out the lockbump fixture, $((2 * LOCK_ROUNDS))" \
	    "new locks"
	lockbump_prepare "$L" $((2 * LOCK_ROUNDS))
	ws=$L/lb/ws
	cd "$ws"

	nix_wrapper "$L/nix" "$L/nix-calls" "$L/nix-delay"
	HEARTH_NIX=$L/nix hearth daemon start >/dev/null
	pid=$(daemon_pid)
	GENFILE=$XDG_RUNTIME_DIR/hearth/generation
	hearth allow "$ws" >/dev/null
	hearth wait --timeout 300 "$ws" >/dev/null ||
	    die "lock: the lockbump workspace never got ready"
	daemon_quiet "$pid"
	lock_check "start" 1 || die "lock: wrong first snapshot"
	id[0]=$SNAP_ID
	p=0
	for ((r = 1; r <= LOCK_ROUNDS; r++)); do
		progress "lock: round $r/$LOCK_ROUNDS"
		a=$((2 * r - 1))
		b=$((2 * r))
		# 1. A new lock, a client waiting.
		lock_stage "$a"
		daemon_quiet "$pid"
		lock_wait
		if [ "$DT" -ge 0 ] && lock_check "bump, wait" $((a + 1)); then
			echo "s bump_wait $DT" >> "$W/results"
		fi
		id[$a]=$SNAP_ID
		# 2. Back to P, a client waiting: a cache hit.
		lock_stage "$p"
		daemon_quiet "$pid"
		c0=$(lock_calls)
		lock_wait
		daemon_quiet "$pid"
		c1=$(lock_calls)
		if [ "$DT" -ge 0 ] && lock_check "back, wait" $((p + 1)) \
		    "${id[$p]}"; then
			echo "s back_wait $DT" >> "$W/results"
		fi
		echo "s back_nix $((${c1% *} - ${c0% *}))" >> "$W/results"
		echo "s back_pde $((${c1#* } - ${c0#* }))" >> "$W/results"
		[ "${c1% *}" = "${c0% *}" ] ||
		    echo "t back_nix_what $(lock_what "${c0% *}")" >> "$W/results"
		# 3. Forward to A again, nobody asking: a cache hit.
		lock_stage "$a"
		daemon_quiet "$pid"
		c0=$(lock_calls)
		lock_passive $((a + 1))
		daemon_quiet "$pid"
		c1=$(lock_calls)
		if [ "$DT" -ge 0 ] && lock_check "back, passive" $((a + 1)) \
		    "${id[$a]}"; then
			echo "s back_passive $DT" >> "$W/results"
			echo "s back_passive_export $DT_EXPORT" >> "$W/results"
		fi
		echo "s back_nix $((${c1% *} - ${c0% *}))" >> "$W/results"
		echo "s back_pde $((${c1#* } - ${c0#* }))" >> "$W/results"
		[ "${c1% *}" = "${c0% *}" ] ||
		    echo "t back_nix_what $(lock_what "${c0% *}")" >> "$W/results"
		# 4. A new lock, nobody asking.
		lock_stage "$b"
		daemon_quiet "$pid"
		c0=$(lock_calls)
		lock_passive $((b + 1))
		daemon_quiet "$pid"
		c1=$(lock_calls)
		if [ "$DT" -ge 0 ] && lock_check "bump, passive" $((b + 1)); then
			echo "s bump_passive $DT" >> "$W/results"
			echo "s bump_passive_export $DT_EXPORT" >> "$W/results"
		fi
		echo "s bump_nix $((${c1% *} - ${c0% *}))" >> "$W/results"
		echo "t bump_nix_what $(lock_what "${c0% *}")" >> "$W/results"
		id[$b]=$SNAP_ID
		p=$b
	done
	# The daemon's own time for each evaluation (nix and the bash stage).
	sed -n 's/.*#default: snapshot [0-9]* ready (\([0-9]*\) ms.*/s daemon_eval \1000/p' \
	    "$XDG_STATE_HOME/hearth/hearthd.log" | tail -n +2 >> "$W/results"
	sed -n 's/.*: \(evaluation failed\|inputs changed during\)/v lock_odd 1/p' \
	    "$XDG_STATE_HOME/hearth/hearthd.log" >> "$W/results"

	progress "lock: the same nix print-dev-env by hand (hyperfine)"
	hf_values hand "$HAND_RUNS" "$(lock_hand_cmd "$L/hand/profile")"
	hf_values plain_dirty "$HAND_RUNS" "nix print-dev-env $ws#default"
	REAL_NIX=/bin/true nix_wrapper "$L/nix-true" "$L/true-calls" \
	    "$L/nix-delay"
	hf_values wrapper 300 "$L/nix-true" /bin/true
	hearth daemon stop >/dev/null
	git -C "$ws" -c user.name=hearth -c user.email=hearth@example.invalid \
	    -c commit.gpgsign=false commit -q --no-verify -m "bench lock" \
	    flake.lock
	hf_values plain_clean "$HAND_RUNS" "nix print-dev-env $ws#default"
	echo "v lock_rounds $LOCK_ROUNDS" >> "$W/results"
	echo "v hand_runs $HAND_RUNS" >> "$W/results"
}
