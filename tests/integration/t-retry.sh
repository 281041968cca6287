#!/usr/bin/env bash
# Passing failures are tried again, a bounded number of times, further
# apart each time: Nix killed by a signal, a builder killed by one. A
# deterministic error (a builder that exits 1) is not. Every failure
# names what to run.
. "$(dirname "$0")/lib.sh"
it_setup

# A nix whose print-dev-env is killed by SIGKILL while $T/kills counts
# down (as the OOM killer would): a fault real Nix is not made to have.
real=$(command -v nix)
# The same for the listing of the devShells while $T/list-kills does.
echo 0 > "$T/kills"
echo 0 > "$T/list-kills"
cat > "$T/kill-nix" <<EOF
#!/bin/sh
for a; do
	case \$a in
	print-dev-env|eval)
		f=$T/kills
		[ "\$a" = eval ] && f=$T/list-kills
		n=\$(cat "\$f")
		if [ "\$n" -gt 0 ]; then
			echo \$((n - 1)) > "\$f"
			kill -9 \$\$
		fi ;;
	esac
done
exec "$real" "\$@"
EOF
chmod +x "$T/kill-nix"
HEARTH_NIX="$T/kill-nix" hearth daemon start >/dev/null

# 1. Killed once: tried again, ready without a reload.
fixture basic "$T/once" >/dev/null
echo 1 > "$T/kills"
hearth allow "$T/once" >/dev/null
wait_ready "$T/once"
expect_eq "killed once, ready on a retry" fixture-value \
    "$(dev_var "$T/once" FIXTURE_VAR)"
check "the daemon said it would try again" \
    wait_log "$T/once#default: a passing failure; trying again"
expect_eq "two evaluations" 2 "$(evals "$T/once" default)"

# The listing killed once: listed again, and ready.
fixture basic "$T/list" >/dev/null
echo 1 > "$T/list-kills"
hearth allow "$T/list" >/dev/null
wait_ready "$T/list"
check "the listing was tried again" \
    wait_log "$T/list: trying the listing again"

# 2. Killed every time: three retries, then a failure naming what to run.
fixture basic "$T/always" >/dev/null
echo 100 > "$T/kills"
hearth allow "$T/always" >/dev/null
out=$(hearth wait --timeout 110 "$T/always" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"killed by signal 9"* ]]; then
	ok "killed every time: fails in the end"
else
	fail "killed every time: rc $rc" "$out"
fi
expect_in "the failure names hearth log" "hearth log" "$out"
expect_in "and hearth reload" "hearth reload" "$out"
expect_eq "one evaluation and three retries" 4 "$(evals "$T/always" default)"
echo 0 > "$T/kills"
hearth reload "$T/always" >/dev/null
wait_ready "$T/always"

# 3. A builder killed by a signal, with real Nix: retried, and so named.
hearth daemon stop >/dev/null
hearth daemon start >/dev/null
fixture basic "$T/sig" >/dev/null
sed -i 's|packages = \[|packages = [ (derivation { name = "killed-builder"; system = pkgs.stdenv.system; builder = "/bin/bash"; args = [ "-c" "kill -9 $$" ]; outputs = [ "out" ]; })|' "$T/sig/flake.nix"
git -C "$T/sig" commit -qam "a builder killed by a signal"
hearth allow "$T/sig" >/dev/null
out=$(hearth wait --timeout 110 "$T/sig" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [[ $out == *"signal 9"* ]]; then
	ok "a builder killed by a signal fails in the end"
else
	fail "a builder killed by a signal: rc $rc" "$out"
fi
expect_eq "after three retries" 4 "$(evals "$T/sig" default)"

# 4. A deterministic error is not retried.
fixture broken "$T/broken" >/dev/null
mkdir "$T/broken/bad"		# maps to the bad shell
hearth allow "$T/broken" >/dev/null
out=$(hearth wait --timeout 100 "$T/broken/bad" 2>&1)
expect_in "a builder that exits 1 fails" "exit code 1" "$out"
expect_in "naming hearth reload" "hearth reload" "$out"
sleep 3		# past the first retry's time, had there been one
expect_eq "and is not retried" 1 "$(evals "$T/broken" bad)"
expect_eq "no retry was planned" 0 \
    "$(grep -c "$T/broken#bad: a passing failure" "$HLOG")"
it_finish
