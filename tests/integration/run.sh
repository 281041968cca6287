#!/usr/bin/env bash
# Run every integration test (t-*.sh) and print one closing line.
# A name filter may be given: run.sh enter  runs t-*enter*.sh only.
set -u
: "${BUILD:?BUILD must name the build directory}"
export BUILD
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 failed=""
set -- "$dir"/t-*"${1:-}"*.sh
if [ ! -e "$1" ]; then
	echo "integration: no test matches ${1##*/}" >&2
	exit 2
fi
for t in "$@"; do
	out=$(bash "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^ok: '
	p=$(printf '%s\n' "$out" | grep -c '^ok: ')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL: ')
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		# A script that died without reporting counts as a failure.
		fail=$((fail + 1))
		echo "FAIL: $(basename "$t") exited $rc"
	fi
	[ "$rc" -ne 0 ] && failed="$failed $(basename "$t")"
done
[ -n "$failed" ] && echo "failed scripts:$failed"
echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
