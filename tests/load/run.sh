#!/usr/bin/env bash
# `make check-load`: 50 interactive bash shells on ptys prompt and cd in a
# loop against one daemon for about 30 seconds while flake.lock switches
# underneath between two versions (each switch a cache hit after the first
# round). Passes when every shell ran to its end (every prompt answered),
# no shell ever saw a tool and a variable from different snapshots or an
# environment left behind outside, and the daemon's RSS stayed flat.
set -u
: "${BUILD:?BUILD must name the build directory}"
export BUILD
. "$(dirname "$0")/../integration/lib.sh"
IT_NAME=load
it_setup
SHELLS=${LOAD_SHELLS:-50}
SECONDS_=${LOAD_SECONDS:-30}

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
cp "$ws/flake.lock" "$T/lock.1"
sh "$IT_DIR/bump-tools.sh" "$T/lb" 2 >/dev/null
cp "$ws/flake.lock" "$T/lock.2"
hearth allow "$ws" >/dev/null
wait_ready "$ws"
cp "$T/lock.1" "$ws/flake.lock"
hearth wait --timeout 120 "$ws" >/dev/null
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid/status"; }

# Each shell, round after round at its prompts: cd in, check that tool
# and variable come from one snapshot, cd out, check that both are gone.
: > "$T/script"
rounds=10
for _ in $(seq 1 "$rounds"); do
	cat >> "$T/script" <<EOF
cd $ws
v=\$(lockbump-tool); [ "\$v" = "lockbump-tool v\$LOCKBUMP_VERSION" ] || echo "MISMATCH inside: \$v / \$LOCKBUMP_VERSION"
cd /
[ -z "\${LOCKBUMP_VERSION-}" ] && ! command -v lockbump-tool >/dev/null || echo "MISMATCH outside"
EOF
done
echo 'echo "session done"' >> "$T/script"
write_bashrc

rss0=$(rss)
start=$(date +%s)
# Each of the SHELLS workers runs one interactive session after another
# until the time is up, counting the sessions it started.
pids=""
deadline=$(( $(date +%s) + SECONDS_ ))
for i in $(seq 1 "$SHELLS"); do
	(
		n=0
		while [ "$(date +%s)" -lt "$deadline" ]; do
			n=$((n + 1))
			"$BUILD/ptyrun" -t 600 -- bash --noprofile \
			    --rcfile "$T/bashrc" -i < "$T/script" 2>&1
		done
		echo "$n" > "$T/started.$i"
	) > "$T/out.$i" 2>&1 &
	pids="$pids $!"
done
running() {
	local p
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}
# flake.lock switches every second while the shells run.
switches=0
while running; do
	switches=$((switches + 1))
	cp "$T/lock.$(( switches % 2 + 1 ))" "$ws/flake.lock.new"
	mv "$ws/flake.lock.new" "$ws/flake.lock"
	sleep 1
	[ "$switches" -eq 10 ] && rss10=$(rss)
done
wait
took=$(( $(date +%s) - start ))
rss1=$(rss)

started=$(cat "$T"/started.* | awk '{ n += $1 } END { print n }')
done_=$(cat "$T"/out.* | grep -c "^session done")
expect_eq "every session answered every prompt" "$started" "$done_"
bad=$(cat "$T"/out.* | grep -c "^MISMATCH")
expect_eq "no wrong environment" 0 "$bad"
[ "$bad" -eq 0 ] || cat "$T"/out.* | grep "^MISMATCH" | head -5
prompts=$(( done_ * (rounds * 4 + 1) ))
# RSS after the first ten seconds (warm) against the end: flat.
growth=$(( rss1 - ${rss10:-$rss0} ))
if [ "$growth" -lt 2048 ]; then
	ok "daemon RSS flat: ${rss0} kB at start, ${rss10:-?} kB warm, ${rss1} kB at the end"
else
	fail "daemon RSS grew by $growth kB (${rss10:-?} -> $rss1)"
fi
check "the daemon is up" bash -c 'hearth daemon status >/dev/null'
echo "load: $SHELLS shells at once, $done_ sessions, $prompts prompts, $switches lock switches in ${took} s"
it_finish
