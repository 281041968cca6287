# Prompt latency on real interactive shells, for `make bench`. Sourced by
# bench/run.sh (bash) after bench/shells.sh, with the sandbox, a warm
# daemon and these set:
#   PTY_SHELLS  shells to measure ("bash zsh fish", those that work)
#   PTY_CFGS    prompt set-ups ("hearth direnv none", or without direnv)
#   ws          the allowed, ready example workspace
#   envrc_dir   a directory with a one-line, allowed .envrc
#   outside     a directory in neither
#
# One session is one interactive shell on a pty (ptyrun -T) typing:
#   cd DIR                      } warm-up, not counted: the environment
#   Enter x PTY_WARM            } is loaded, the shell has settled
#   Enter x PTY_PROMPTS         "prompt, nothing changed"
#   (cd OUTSIDE; cd DIR) x PTY_CDS   "cd that deactivates" / "activates"
# where DIR is the example workspace (hearth, and none: a plain cd between
# the same directories) or the .envrc directory (direnv). A sample is the
# time from writing a line's Enter to the pty until the next prompt marker
# is read back. Sessions run in rounds, each round one session of every
# set-up for every shell, the order of the set-ups rotating from round to
# round, so that a slow spell of the machine hits all set-ups alike.

PTY_ROUNDS=${PTY_ROUNDS:-20}
PTY_PROMPTS=${PTY_PROMPTS:-40}
PTY_CDS=${PTY_CDS:-10}
PTY_WARM=${PTY_WARM:-3}

# pty_dir CFG: the directory whose environment CFG loads.
pty_dir() {
	case $1 in
	direnv) echo "$envrc_dir" ;;
	*) echo "$ws" ;;
	esac
}

# pty_script CFG: the lines a session types.
pty_script() {
	local dir i
	dir=$(pty_dir "$1")
	echo "cd $dir"
	for ((i = 0; i < PTY_WARM + PTY_PROMPTS; i++)); do echo; done
	for ((i = 0; i < PTY_CDS; i++)); do
		echo "cd $outside"
		echo "cd $dir"
	done
}

# pty_show FILE: the end of a transcript, for a failure message.
pty_show() {
	tail -n 15 "$1" | cut -c 1-160 | sed 's/^/    | /' >&2
}

# pty_check SH CFG: a short session that must see CFG's environment inside
# DIR and not outside it. Prints why not, if it fails.
pty_check() {
	local sh=$1 cfg=$2 dir var want out=$T/check-$1-$2
	dir=$(pty_dir "$cfg")
	case $cfg in
	hearth) var=EXAMPLE_GREETING want=hello ;;
	direnv) var=BENCH want=1 ;;
	none) var=BENCH want= ;;
	esac
	printf '%s\n' "cd $dir" "$(shell_echo "$sh" "$var")" "cd $outside" \
	    "$(shell_echo "$sh" "$var")" |
	    shell_run "$sh" "$cfg" "$out.times" "$out" >/dev/null 2>&1 || true
	if ! grep -qF "bench:[$want]" "$out" ||
	    [ "$(grep -cF 'bench:[]' "$out")" -lt 1 ]; then
		echo "its $cfg set-up did not give \$$var=$want inside" \
		    "$dir and nothing outside"
		pty_show "$out"
	fi
}

# pty_session SH CFG ROUND: one timed session, samples into $T/samples.
pty_session() {
	local sh=$1 cfg=$2 base=$T/pty-$1-$2 lines got
	lines=$(wc -l < "$T/script-$cfg")
	if ! shell_run "$sh" "$cfg" "$base.times" "$base.out" \
	    < "$T/script-$cfg" >/dev/null 2>"$base.err"; then
		echo "bench: $sh with $cfg: the session failed" >&2
		cat "$base.err" >&2
		pty_show "$base.out"
		return 1
	fi
	got=$(wc -l < "$base.times")
	if [ "$got" -ne "$lines" ]; then
		echo "bench: $sh with $cfg: $got timings for $lines lines" >&2
		pty_show "$base.out"
		return 1
	fi
	awk -v sh="$sh" -v cfg="$cfg" -v warm=$((1 + PTY_WARM)) \
	    -v idle="$PTY_PROMPTS" '
		NR <= warm { next }
		NR <= warm + idle { print sh, cfg, "idle", $1; next }
		{ print sh, cfg, ((NR - warm - idle) % 2 ? "out" : "in"), $1 }
	' "$base.times" >> "$T/samples"
}

# pty_bench: run every round, then print the table.
pty_bench() {
	local cfgs r k sh ncfg genfile gen0 gen1 t0
	read -ra cfgs <<< "$PTY_CFGS"
	ncfg=${#cfgs[@]}
	for k in "${cfgs[@]}"; do
		pty_script "$k" > "$T/script-$k"
	done
	: > "$T/samples"
	genfile=$(find "$XDG_RUNTIME_DIR" -name generation -type f 2>/dev/null |
	    head -n 1)
	gen0=$(cat "$genfile" 2>/dev/null || true)
	t0=$SECONDS
	for ((r = 0; r < PTY_ROUNDS; r++)); do
		printf 'bench: pty round %d/%d\n' $((r + 1)) "$PTY_ROUNDS" >&2
		for sh in $PTY_SHELLS; do
			for ((k = 0; k < ncfg; k++)); do
				shell_has "$sh" "${cfgs[(k + r) % ncfg]}" ||
				    continue
				pty_session "$sh" "${cfgs[(k + r) % ncfg]}" ||
				    return 1
			done
		done
	done
	gen1=$(cat "$genfile" 2>/dev/null || true)

	echo
	echo "Prompt latency on real interactive shells: the time from writing Enter"
	echo "to the pty until the next prompt appears"
	echo
	sort -k1,1 -k2,2 -k3,3 -k4,4n "$T/samples" | awk -f "$BENCH_DIR/stats.awk" |
	    awk -v shells="$BENCH_SHELLS" -f "$BENCH_DIR/table.awk"
	echo
	fmt -w 76 <<EOF
How: a sample is one line typed into a real interactive shell on a 200x50
pty (ptyrun -T, TERM=dumb), each shell started with only the prompt and
the hook in its rc file: the time from writing the line's Enter to the pty
until the next prompt is read back. $PTY_ROUNDS rounds; a round is one
session of each set-up (${cfgs[*]}) for each shell, the order of the
set-ups rotating from round to round. A session types cd DIR and
$PTY_WARM Enters (not counted), $PTY_PROMPTS Enters on an empty line
(nothing changed), then $PTY_CDS times cd OUTSIDE, cd DIR. DIR is the
allowed, ready example workspace for hearth and for no hook, and the
directory of a one-line .envrc (export BENCH=1) for direnv. Medians pool
all rounds. Overhead is the hook's median minus no hook's median; nothing
else is subtracted. Ratio is hearth's overhead over direnv's. zsh keeps
PROMPT_SP and fish its end-of-line mark (a line of spaces before each
prompt), alike in every set-up. Took $((SECONDS - t0)) s.
EOF
	if [ "$gen0" != "$gen1" ]; then
		echo "Note: the daemon's generation changed during the run" \
		    "($gen0 -> $gen1), so some prompts ran hearth export."
	fi
}
