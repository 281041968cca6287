# Item 3 of bench/warm.sh: prompt latency while the daemon evaluates.
# Sourced by bench/warm.sh (bash) in a subshell after bench/shells.sh,
# with warm.sh's helpers; appends to $W/results.
#
# The workspace is the lockbump fixture's (see lockbump_prepare in
# warm.sh: BUSY_ROUNDS new flake.lock files kept aside, their environments
# built). The daemon's nix is warm.sh's wrapper, which sleeps SLOW_S
# seconds (default 2) before running the real nix while the file
# $B/nix-delay exists: a slow evaluation that holds a child process but
# little CPU.
#
# The evaluation is started by a flake.lock write (a prepared lock renamed
# over it), then `hearth status`, which makes the daemon look at once
# rather than after its debounce. Not by `hearth reload`: reloading a
# shell whose inputs did not change makes a snapshot with the same
# environment, which Nix roots with the same profile generation link as
# the last one; once 8 such snapshots are cached, evicting the oldest
# removes the link the current one needs, and the daemon evaluates again
# and again without end (see the report of this benchmark).
#
# A session is one interactive bash on a pty (ptyrun -T, bench/shells.sh's
# rc file: the prompt and hearth's hook, nothing else) typing
#   cd WS, then BUSY_WARM Enters               (not counted)
#   BUSY_PROMPTS Enters                          "prompt, nothing changed"
#   BUSY_CDS x (cd OUTSIDE; cd WS)               "cd that deactivates",
#                                                "cd that activates"
# and a sample is the time from writing a line's Enter to the pty until the
# next prompt is read back, as in bench/prompt.sh. Sessions come in
# BUSY_ROUNDS rounds of two, the order swapping from round to round:
#   idle  the daemon has had no child process for 0.3 s
#   busy  a flake.lock write started an evaluation (nix-delay present)
#         just before; the daemon must still be evaluating when the
#         session ends (`hearth status` says so), else the round is not
#         counted
# The difference is busy median minus idle median; nothing is subtracted.
#
# Then `hearth export bash` alone, entering WS (no HEARTH_STATE), with
# hyperfine -N (300 runs after 20 warm-ups): once idle, once right after
# one more lock write with the slow nix (it must still be evaluating when
# hyperfine ends, else the figure is marked invalid).
#
# Knobs: BUSY_ROUNDS (default 10), SLOW_S (default 2), BUSY_PROMPTS
# (default 40), BUSY_CDS (default 20), BUSY_WARM (default 3).

BUSY_ROUNDS=${BUSY_ROUNDS:-10}
SLOW_S=${SLOW_S:-2}
BUSY_PROMPTS=${BUSY_PROMPTS:-40}
BUSY_CDS=${BUSY_CDS:-20}
BUSY_WARM=${BUSY_WARM:-3}

# busy_session KIND: one timed session; samples into $W/results.
busy_session() {
	local kind=$1 base=$T/pty-$1 lines got
	lines=$(wc -l < "$T/script")
	if ! shell_run bash hearth "$base.times" "$base.out" < "$T/script" \
	    >/dev/null 2>"$base.err"; then
		progress "busy: the $kind session failed: $(head -n 3 "$base.err")"
		return 1
	fi
	got=$(wc -l < "$base.times")
	if [ "$got" -ne "$lines" ]; then
		progress "busy: $kind session: $got timings for $lines lines"
		return 1
	fi
	awk -v kind="$kind" -v warm=$((1 + BUSY_WARM)) -v idle="$BUSY_PROMPTS" '
		NR <= warm { next }
		NR <= warm + idle { print "s pty_" kind "_enter", $1; next }
		{ print "s pty_" kind "_" ((NR - warm - idle) % 2 ? "out" : "in"), $1 }
	' "$base.times" > "$base.samples"
}

busy_state() {
	hearth status "$ws" 2>/dev/null | awk '$1 == "state" { print $2 }'
}

busy_bench() {
	local B=$W/busy pid r i kind order counted=0 kids t0 t1 state out
	local next=1
	mkdir -p "$B"
	sandbox_init "$B"
	export XDG_DATA_HOME=$B/data
	T=$B
	ws=$B/lb/ws
	outside=$B/outside
	mkdir -p "$outside"
	progress "busy: laying out the lockbump fixture," \
	    "$((BUSY_ROUNDS + 1)) new locks"
	lockbump_prepare "$B" $((BUSY_ROUNDS + 1))
	nix_wrapper "$B/nix" "$B/nix-calls" "$B/nix-delay"
	HEARTH_NIX=$B/nix hearth daemon start >/dev/null
	pid=$(daemon_pid)
	hearth allow "$ws" >/dev/null
	hearth wait --timeout 300 "$ws" >/dev/null ||
	    die "busy: the lockbump workspace never got ready"
	shell_rc bash hearth
	{
		echo "cd $ws"
		for ((i = 0; i < BUSY_WARM + BUSY_PROMPTS; i++)); do echo; done
		for ((i = 0; i < BUSY_CDS; i++)); do
			echo "cd $outside"
			echo "cd $ws"
		done
	} > "$T/script"
	# The hook must work here at all: the shell's variable inside.
	out=$(printf '%s\n' "cd $ws" 'echo "bench:[$LOCKBUMP_VERSION]"' |
	    shell_run bash hearth "$T/check.times" "$T/check.out" 2>&1 >/dev/null;
	    cat "$T/check.out")
	case $out in
	*"bench:[1]"*) ;;
	*) die "busy: hearth's hook did not load the lockbump shell" ;;
	esac
	for ((r = 0; r < BUSY_ROUNDS; r++)); do
		progress "busy: round $((r + 1))/$BUSY_ROUNDS"
		if ((r % 2)); then order="busy idle"; else order="idle busy"; fi
		for kind in $order; do
			daemon_quiet "$pid"
			if [ "$kind" = busy ]; then
				echo "$SLOW_S" > "$B/nix-delay"
				cp "$B/locks/$next" "$B/flake.lock.new"
				mv -T "$B/flake.lock.new" "$ws/flake.lock"
				next=$((next + 1))
				state=$(busy_state)
				kids=
				read -r kids < "/proc/$pid/task/$pid/children" ||
				    true
				if [ -z "$kids" ] || [ "$state" != evaluating ]; then
					progress "busy: no evaluation running" \
					    "after a lock write (state $state)"
					rm -f "$B/nix-delay"
					continue
				fi
			fi
			us
			t0=$US
			busy_session "$kind" || return 1
			us
			t1=$US
			if [ "$kind" = busy ]; then
				state=$(busy_state)
				rm -f "$B/nix-delay"
				hearth wait --timeout 60 "$ws" >/dev/null ||
				    die "busy: the slow evaluation did not end" \
				    "in 60 s"
				if [ "$state" != evaluating ]; then
					progress "busy: the evaluation ended" \
					    "before the session; not counted"
					continue
				fi
				counted=$((counted + 1))
				echo "s busy_session $((t1 - t0))" >> "$W/results"
			else
				echo "s idle_session $((t1 - t0))" >> "$W/results"
			fi
			cat "$T/pty-$kind.samples" >> "$W/results"
		done
	done
	# hearth export alone, entering WS, idle and while evaluating.
	progress "busy: hearth export, idle and while evaluating (hyperfine)"
	cd "$ws"
	daemon_quiet "$pid"
	HF_WARMUP=20 hf_values export_idle 300 "hearth export bash"
	echo "$SLOW_S" > "$B/nix-delay"
	cp "$B/locks/$next" "$B/flake.lock.new"
	mv -T "$B/flake.lock.new" "$ws/flake.lock"
	state=$(busy_state)
	HF_WARMUP=20 hf_values export_busy 300 "hearth export bash"
	[ "$state" = evaluating ] && [ "$(busy_state)" = evaluating ] ||
	    echo "v export_busy_invalid 1" >> "$W/results"
	rm -f "$B/nix-delay"
	hearth wait --timeout 60 "$ws" >/dev/null ||
	    die "busy: the slow evaluation did not end in 60 s"
	{
		echo "v busy_rounds $BUSY_ROUNDS"
		echo "v busy_counted $counted"
		echo "v slow_s $SLOW_S"
		echo "v busy_prompts $BUSY_PROMPTS"
		echo "v busy_cds $BUSY_CDS"
	} >> "$W/results"
	hearth daemon stop >/dev/null
}
