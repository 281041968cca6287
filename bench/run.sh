#!/usr/bin/env bash
# `make bench`: what one `hearth export bash` costs at a prompt, measured
# with hyperfine (no intermediate shell, -N), medians over many runs, with
# a warm daemon serving the bundled example workspace. direnv's own
# `direnv export bash` is measured beside it, in the same run, for scale.
set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
top=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-500}
T=$(mktemp -d /tmp/hearth-bench.XXXXXX)
cleanup() {
	"$BUILD/hearth" daemon stop >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT

. "$top/tests/tools/sandbox.sh"
sandbox_init "$T"
mkdir -p "$T/outside"
export PATH="$BUILD:/usr/bin:/bin"
ws="$T/example"
sandbox_example "$ws"
hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
hearth wait --timeout 300 "$ws" >/dev/null

# The state a shell has after entering, for the "inside" and "leave" rows.
inside_state=$(cd "$ws" && hearth export bash 2>/dev/null |
    sed -n "s/^export HEARTH_STATE='\(.*\)'$/\1/p")
[ -n "$inside_state" ] || { echo "bench: could not enter $ws" >&2; exit 1; }

# bench NAME DIR STATE COMMAND: median and mean in ms, into $T/rows.
bench() {
	local name=$1 dir=$2 state=$3 cmd=$4
	( cd "$dir" && HEARTH_STATE=$state hyperfine -N --style none \
	    --warmup 20 --runs "$RUNS" --export-csv "$T/r.csv" "$cmd" \
	    >/dev/null 2>&1 )
	# CSV: command,mean,stddev,median,user,system,min,max (seconds).
	tail -n 1 "$T/r.csv" | awk -F, -v name="$name" \
	    '{ printf "%-48s %9.3f %9.3f %9.3f\n", name, $4 * 1e3, $7 * 1e3, $2 * 1e3 }' \
	    >> "$T/rows"
}

: > "$T/rows"
bench "hearth export bash: outside any workspace" "$T/outside" "" \
    "$BUILD/hearth export bash"
bench "hearth export bash: entering a ready workspace" "$ws" "" \
    "$BUILD/hearth export bash"
bench "hearth export bash: inside, nothing changed" "$ws" "$inside_state" \
    "$BUILD/hearth export bash"
bench "hearth export bash: leaving a workspace" "$T/outside" "$inside_state" \
    "$BUILD/hearth export bash"
if command -v direnv >/dev/null; then
	mkdir -p "$T/envrc"
	echo 'export BENCH=1' > "$T/envrc/.envrc"
	direnv allow "$T/envrc" 2>/dev/null
	bench "direnv export bash: outside any .envrc" "$T/outside" "" \
	    "direnv export bash"
fi

echo
echo "hearth export wall time, hyperfine -N, $RUNS runs after 20 warm-ups (ms)"
printf '%-48s %9s %9s %9s\n' "case" "median" "min" "mean"
cat "$T/rows"
echo
echo "Measured on $(nproc) cores; the daemon was warm and idle; each run is"
echo "one fork+exec of the client, as at a prompt."
