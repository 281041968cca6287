# What one `hearth export SHELL` costs, for `make bench`: hyperfine (no
# intermediate shell, -N), medians over many runs, a warm daemon serving
# the example workspace. Sourced by bench/run.sh after bench/shells.sh,
# with EXPORT_SHELLS, ws, treews (the example with a directory input of
# 10,000 files) and outside set. `direnv export SHELL` outside
# any .envrc, the cost direnv adds to every prompt, is measured beside it.

EXPORT_RUNS=${RUNS:-300}

# export_row NAME DIR STATE COMMAND: median, min and mean in ms.
export_row() {
	local name=$1 dir=$2 state=$3 cmd=$4
	if ! ( cd "$dir" && HEARTH_STATE=$state hyperfine -N --style none \
	    --warmup 20 --runs "$EXPORT_RUNS" --export-csv "$T/r.csv" "$cmd" \
	    >/dev/null 2>"$T/r.err" ); then
		printf '%-48s %s\n' "$name" "failed: $(head -n 1 "$T/r.err")"
		return
	fi
	# CSV: command,mean,stddev,median,user,system,min,max (seconds).
	tail -n 1 "$T/r.csv" | awk -F, -v name="$name" \
	    '{ printf "%-48s %9.3f %9.3f %9.3f\n", name, $4 * 1e3, $7 * 1e3, $2 * 1e3 }'
}

export_bench() {
	local sh state
	echo
	echo "hearth export wall time, hyperfine -N, $EXPORT_RUNS runs after 20" \
	    "warm-ups (ms)"
	printf '%-48s %9s %9s %9s\n' "case" "median" "min" "mean"
	for sh in $EXPORT_SHELLS; do
		state=$(shell_state "$sh" "$ws")
		export_row "hearth export $sh: outside any workspace" \
		    "$outside" "" "$BUILD/hearth export $sh"
		export_row "hearth export $sh: entering a ready workspace" \
		    "$ws" "" "$BUILD/hearth export $sh"
		if [ -n "$state" ]; then
			export_row "hearth export $sh: inside, nothing changed" \
			    "$ws" "$state" "$BUILD/hearth export $sh"
			export_row "hearth export $sh: leaving a workspace" \
			    "$outside" "$state" "$BUILD/hearth export $sh"
		else
			printf '%-48s %s\n' "hearth export $sh: inside, leaving" \
			    "skipped: no HEARTH_STATE after entering in $sh"
		fi
		if [ -n "$DIRENV" ] && shell_has "$sh" direnv; then
			export_row "direnv export $sh: outside any .envrc" \
			    "$outside" "" "$DIRENV export $sh"
		fi
	done
	# A directory input is judged from its watches, not by a walk.
	export_row "hearth export bash: entering, 10k-file dir input" \
	    "$treews" "" "$BUILD/hearth export bash"
	export_row "hearth status there" "$treews" "" \
	    "$BUILD/hearth status"
	echo
	echo "Each run is one fork+exec of the client, as at a prompt where the"
	echo "directory or the generation changed; the daemon was warm and idle."
}
