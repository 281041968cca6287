#!/bin/sh
# Run every cmocka unit test binary, then the pty driver's self-test, and
# sum the individual tests into one closing line.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|PASSED)|ERROR' | sed "s|^|$(basename "$t"): |"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		printf '%s\n' "$out" | tail -20
		fail=$((fail + 1))
	fi
done
if [ -n "${BUILD:-}" ] && [ -x "$BUILD/ptyrun" ]; then
	out=$(sh "$(dirname "$0")/test-ptyrun.sh" "$BUILD/ptyrun" 2>&1)
	printf '%s\n' "$out" | grep -v -e '^PASS' -e ' passed, '
	p=$(printf '%s\n' "$out" | grep -c '^PASS')
	f=$(printf '%s\n' "$out" | grep -c '^FAIL')
	pass=$((pass + p))
	fail=$((fail + f))
fi
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
