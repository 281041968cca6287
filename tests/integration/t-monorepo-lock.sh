#!/usr/bin/env bash
# A monorepo whose tools come from a flake input (a second git repo):
# bumping the input moves flake.lock, and a shell open in a package keeps
# the old tool until the new snapshot is ready, then switches and says so;
# moving flake.lock back is a cache hit with no Nix process at all;
# `hearth status` and `hearth wait` judge against flake.lock as it is on
# disk; a broken input keeps the last good shell, shows the error once
# and marks the shell failed, and its fix is noticed.
. "$(dirname "$0")/lib.sh"
it_setup

fixture monorepo "$T/m" >/dev/null
ws="$T/m/ws"
api="$ws/services/api"
sleep 1		# see t-monorepo.sh

# tools_commit CONTENT: commit CONTENT as the tools repo's version.nix.
tools_commit() {
	printf '# The monorepo tool version, or a broken one.\n%s\n' "$1" \
	    > "$T/m/tools/version.nix"
	git -C "$T/m/tools" commit -q --no-verify -m "tools: $1" version.nix
}

# lock_to FILE: a flake.lock for the tools repo's head, made in a scratch
# clone of the workspace (Nix 2.8 has no --output-lock-file): the
# workspace sees it only when a test copies it there.
lock_to() {
	rm -rf "$T/scratch"
	git clone -q "$ws" "$T/scratch"
	cp "$ws/flake.lock" "$T/scratch/flake.lock"
	nix flake lock --update-input tools "$T/scratch" 2>"$T/lock.err" ||
	    fail "nix flake lock" "$(cat "$T/lock.err")"
	cp "$T/scratch/flake.lock" "$1"
}

nix_counter
hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
for d in "$ws" "$api" "$ws/services/web"; do
	wait_ready "$d"
done

# 1. Bump the input (bump-tools.sh takes the monorepo layout too); a shell
# open in services/api keeps v1 while the new snapshot evaluates (slowly),
# then switches at the next prompt.
cat > "$T/script" <<EOF
cd $api
mono-tool
echo 2 > $T/nix-delay
sh $IT_DIR/bump-tools.sh $T/m 2 >/dev/null; sleep 0.5
mono-tool
echo "meanwhile:[\$(hearth status | awk '\$1 == "state" { print \$2 }')]"
hearth wait --timeout 120 >/dev/null && echo "waited ok"
rm -f $T/nix-delay
mono-tool
echo "tools:[\$MONO_TOOLS]"
EOF
out=$(run_bash < "$T/script")
n=$(printf '%s\n' "$out" | grep -cx "mono-tool v1")
expect_eq "old tool kept while the new snapshot evaluates" 2 "$n"
expect_in "status says evaluating meanwhile" "meanwhile:[evaluating]" "$out"
expect_in "wait returns once the new snapshot lands" "waited ok" "$out"
expect_in "new tool after the bump" "mono-tool v2" "$out"
expect_in "new variable after the bump" "tools:[2]" "$out"
expect_in "the switch is announced" \
    "hearth: the api shell of $ws was updated (flake.lock changed)" "$out"
expect_not_in "no new allowance needed" "not allowed" "$out"
rm -f "$T/nix-delay"
for d in "$ws" "$ws/services/web"; do
	wait_ready "$d"
done
cp "$ws/flake.lock" "$T/lock.v2"

# 2. flake.lock back to the committed one: every shell is a cache hit, and
# no Nix process starts (not even to list the devShells).
sleep 0.5	# let anything still queued settle before counting
before=$(nix_calls)
hits=$(grep -c "cache hit" "$HLOG")
cat > "$T/script" <<EOF
cd $api
mono-tool
git -C $ws checkout -q flake.lock; sleep 0.5
mono-tool
echo "tools:[\$MONO_TOOLS]"
cd $ws/services/web
mono-tool
EOF
out=$(run_bash < "$T/script")
for d in "$ws" "$api" "$ws/services/web"; do
	wait_ready "$d"
done
sleep 0.5
n=$(printf '%s\n' "$out" | grep -cx "mono-tool v1")
expect_eq "back to the old tool in api and web" 2 "$n"
expect_in "the old variable is back" "tools:[1]" "$out"
expect_in "the switch back is announced" \
    "hearth: the api shell of $ws was updated (flake.lock changed)" "$out"
expect_eq "no Nix process started for a lock switched back" "$before" \
    "$(nix_calls)"
[ "$(nix_calls)" = "$before" ] ||
	sed -n "$((before + 1)),\$p" "$T/nix-calls" | sed 's/^/    | nix /'
n=$(($(grep -c "cache hit" "$HLOG") - hits))
expect_eq "the daemon log says cache hit for all three shells" 3 "$n"
expect_eq "git status clean after the switch back" "" \
    "$(git -C "$ws" status --porcelain)"

# 3. status and wait judge against flake.lock on disk: a script that
# rewrites it and asks at once never gets the old shell. First a lock
# evaluated before (a cache hit), then a new one (an evaluation).
tools_commit '"3"'
lock_to "$T/lock.v3"
cat > "$T/script" <<EOF
cd $api
mono-tool
cp $T/lock.v2 $ws/flake.lock; hearth wait --timeout 60 >/dev/null && echo "wait-v2 ok"
mono-tool
cp $T/lock.v3 $ws/flake.lock; hearth status | grep -E '^state'
hearth wait --timeout 60 >/dev/null && echo "wait-v3 ok"
mono-tool
EOF
out=$(run_bash < "$T/script")
expect_in "wait right after a rewrite (cached lock)" "wait-v2 ok" "$out"
expect_in "the rewritten lock's tool, cached" "mono-tool v2" "$out"
expect_not_in "status right after a rewrite is not the old ready" \
    "state      ready" "$out"
expect_in "status right after a rewrite says evaluating" \
    "state      evaluating" "$out"
expect_in "wait right after a rewrite (new lock)" "wait-v3 ok" "$out"
expect_in "the rewritten lock's tool, evaluated" "mono-tool v3" "$out"
v=$(printf '%s\n' "$out" | grep -x 'mono-tool v[0-9]' | tr '\n' ' ')
expect_eq "never the old tool after a wait" "mono-tool v1 mono-tool v2 mono-tool v3 " "$v"

# 4. A broken input: the last good shell stays, the error shows once,
# status says failed; a fix is noticed.
tools_commit 'throw "monorepo tools are broken"'
lock_to "$T/lock.broken"
tools_commit '"5"'
lock_to "$T/lock.v5"
cat > "$T/script" <<EOF
cd $api
mono-tool
cp $T/lock.broken $ws/flake.lock; hearth wait --timeout 20 >/dev/null; echo "wait-broken:[\$?]"
mono-tool
echo "tools:[\$MONO_TOOLS]"
n1=\$(grep -c "evaluating $ws#api\\\$" $HLOG); sleep 1; n2=\$(grep -c "evaluating $ws#api\\\$" $HLOG)
echo "retries:[\$((n2 - n1))]"
hearth status | grep -E '^(state|message)'
cd $ws/services/api/src
cd $api
mono-tool
cp $T/lock.v5 $ws/flake.lock; hearth wait --timeout 20 >/dev/null && echo "wait-fixed ok"
mono-tool
hearth status | grep -E '^state'
EOF
out=$(run_bash < "$T/script")
expect_in "wait reports the failure" "wait-broken:[1]" "$out"
n=$(printf '%s\n' "$out" | grep -cx "mono-tool v3")
expect_eq "last good tool kept while the input is broken" 3 "$n"
expect_in "last good variables kept" "tools:[3]" "$out"
expect_in "a failed evaluation is not retried on the same inputs" \
    "retries:[0]" "$out"
expect_in "status says failed" "state      failed" "$out"
expect_in "status gives the error" "monorepo tools are broken" "$out"
n=$(printf '%s\n' "$out" |
    grep -c "^hearth: the api shell of $ws failed to evaluate (keeping the last good one): .*monorepo tools are broken")
expect_eq "the error is reported once at a prompt" 1 "$n"
expect_in "the fix is noticed" "wait-fixed ok" "$out"
expect_in "the fixed input's tool" "mono-tool v5" "$out"
expect_in "ready again" "state      ready" "$out"
expect_in "the switch after the fix is announced" \
    "hearth: the api shell of $ws was updated (flake.lock changed)" "$out"
st=$(hearth wait --timeout 20 "$ws/services/web" 2>&1)
expect_in "the web shell is ready with the fix too" "the web shell of $ws is ready" "$st"
it_finish
