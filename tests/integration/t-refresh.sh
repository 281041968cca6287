#!/usr/bin/env bash
# The daemon notices a flake.lock change by itself (inotify, no client
# asking) and re-evaluates in the background; while that runs, shells keep
# the last good snapshot and status says "evaluating"; when it lands, the
# next prompt switches.
. "$(dirname "$0")/lib.sh"
it_setup

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"

# 1. inotify alone: nobody asks the daemon anything after the bump.
sh "$IT_DIR/bump-tools.sh" "$T/lb" 2 >/dev/null
n=0
for _ in $(seq 1 600); do
	n=$(grep -c "snapshot .* ready" "$HLOG" || true)
	[ "$n" -ge 2 ] && break
	sleep 0.1
done
expect_eq "a flake.lock write alone gives a new snapshot" 2 "$n"

# 2. A slow evaluation (real Nix behind a delay): the old snapshot stays
# in use and the prompt does not wait for it.
hearth daemon stop >/dev/null
cat > "$T/slow-nix" <<'EOF'
#!/bin/sh
# Real nix, three seconds late: a slow evaluation.
sleep 3
exec nix "$@"
EOF
chmod +x "$T/slow-nix"
HEARTH_NIX="$T/slow-nix" hearth daemon start >/dev/null
hearth wait --timeout 120 "$ws" >/dev/null
cat > "$T/script" <<EOF
cd $ws
lockbump-tool
sh $IT_DIR/bump-tools.sh $T/lb 3 >/dev/null; sleep 0.5
lockbump-tool
hearth status | grep state
hearth wait --timeout 120 >/dev/null && echo "waited ok"
lockbump-tool
EOF
out=$(run_bash < "$T/script")
n=$(printf '%s\n' "$out" | grep -cx "lockbump-tool v2")
expect_eq "last good shell in use while the new one evaluates" 2 "$n"
expect_in "status says evaluating meanwhile" "evaluating" "$out"
expect_in "wait returns once it lands" "waited ok" "$out"
expect_in "the next prompt switches" "lockbump-tool v3" "$out"
expect_in "and says so" "was updated" "$out"

# 3. Reloading an unchanged shell more times than the cache keeps: Nix
# reuses one profile generation for them all, and evicting an old
# snapshot must not unroot the current one (that once looped forever).
hearth daemon stop >/dev/null
hearth daemon start >/dev/null
hearth wait --timeout 120 "$ws" >/dev/null
before=$(grep -c "snapshot .* ready" "$HLOG")
for i in $(seq 1 12); do
	hearth reload "$ws" >/dev/null
	hearth wait --timeout 60 "$ws" >/dev/null || fail "reload $i: wait"
done
sleep 1
after=$(grep -c "snapshot .* ready" "$HLOG")
expect_eq "12 reloads make 12 snapshots, no more" 12 $((after - before))
expect_eq "the shell still works" "lockbump-tool v3" \
    "$(hearth exec "$ws" -- lockbump-tool)"
it_finish
