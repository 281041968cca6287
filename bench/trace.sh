#!/usr/bin/env bash
# What following inputs exactly costs (make bench, and by hand in the Nix
# matrix's chroots): on the monorepo fixture, the api shell's
# `nix print-dev-env` as hearthd runs it, with hearth-nixtrace.so preloaded
# and without, alternating, RUNS times each (default 20, after 2 warm-up
# runs); prints the medians, the time the tracer adds, and how many lines
# it wrote into one run's log. The evaluations an edit no shell read costs
# (0) are asserted by tests/integration/t-monorepo-inputs.sh.
set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-20}
T=$(mktemp -d /tmp/hearth-bench-trace.XXXXXX)
trap 'rm -rf "$T"' EXIT
. "$top/tests/tools/sandbox.sh"
sandbox_init "$T"
sh "$top/tests/integration/mkfixture.sh" monorepo "$T/m" >/dev/null
ws="$T/m/ws"
so="$BUILD/hearth-nixtrace.so"
cd "$ws"

run() {
	# $1: 1 with the tracer. The parent check wants our pid as nix's ppid.
	if [ "$1" = 1 ]; then
		LD_PRELOAD=$so HEARTH_NIXTRACE_SO=$so HEARTH_NIXTRACE_TOKEN=bench \
		    HEARTH_NIXTRACE_PPID=$$ \
		    HEARTH_NIXTRACE_PREFIXES="$ws:/nix/store" \
		    nix print-dev-env -vvv --option eval-cache false \
		    --no-write-lock-file "$ws#api" > /dev/null 2> "$T/log"
	else
		nix print-dev-env -vvv --option eval-cache false \
		    --no-write-lock-file "$ws#api" > /dev/null 2> "$T/log"
	fi
}

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

run 0; run 1; run 0; run 1
: > "$T/with"; : > "$T/without"
for _ in $(seq "$runs"); do
	s=$(date +%s%N); run 1; ms "$s" >> "$T/with"
	s=$(date +%s%N); run 0; ms "$s" >> "$T/without"
done
run 1
lines=$(grep -ac $'^\036hearth-nixtrace bench ' "$T/log" || true)
with=$(median < "$T/with")
without=$(median < "$T/without")
echo "nix $(nix --version | sed 's/.* //'): print-dev-env of the monorepo's api shell," \
    "median of $runs: $without ms without the tracer, $with ms with it" \
    "(+$(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.1f", a - b }') ms);" \
    "$lines trace lines in one run"
