#!/bin/sh
# Run each libFuzzer harness named on the command line for a bounded time
# (FUZZ_SECONDS), starting from its seeds in tests/fuzz/corpus/NAME and
# growing a working corpus in build-fuzz/corpus/NAME. Print per harness the
# executions and the coverage libFuzzer reports; on a crash, show its
# report, keep the input in build-fuzz/crashes/NAME and fail at the end.
set -u
build=${FUZZ_BUILD:-build-fuzz}
secs=${FUZZ_SECONDS:-60}
fail=0
for name in "$@"; do
	corpus=$build/corpus/$name
	crashes=$build/crashes/$name
	log=$build/fuzz_$name.log
	mkdir -p "$corpus" "$crashes"
	"$build/fuzz_$name" -max_total_time="$secs" -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$crashes/" \
	    "$corpus" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	# The last status line: "#N DONE cov: C ft: F corp: U/Sb ...".
	last=$(grep -E '^#[0-9]+.* cov: ' "$log" | tail -1)
	cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(printf '%s\n' "$last" | sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p')
	printf 'fuzz_%-9s %3ss %10s execs  cov %5s  features %6s  corpus %5s' \
	    "$name" "$secs" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
	if [ "$rc" -ne 0 ]; then
		echo "  FAILED (exit $rc)"
		grep -E -A 30 '^==[0-9]+==|invariant broken|runtime error' \
		    "$log" | head -60
		ls -d "$crashes"/*
		fail=1
	else
		echo
	fi
done
[ "$fail" -eq 0 ]
