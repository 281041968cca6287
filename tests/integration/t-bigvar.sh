#!/usr/bin/env bash
# Large variables of the user's that a dev shell overrides: 80 KB, then
# three making 200 KB. Inside, commands still run (no "Argument list too
# long": HEARTH_STATE keeps large old values in files, not inline);
# leaving restores every value exactly, quotes and newlines included.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/ws" >/dev/null
sed -i 's|FIXTURE_VAR = "fixture-value";|&\n          BIG_A = "dev-a"; BIG_B = "dev-b"; BIG_C = "dev-c";|' \
    "$T/ws/flake.nix"
grep -q 'BIG_A = "dev-a"' "$T/ws/flake.nix" || fail "could not add BIG_A"
git -C "$T/ws" commit -qam "big variables"
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

# big NAME BYTES CHAR: rc lines exporting a value of about BYTES, with
# shell traps (quotes, a dollar, newlines) at its ends, and a copy of it
# in an unexported SAVED_ variable.
big() {
	echo "export $1=\"<'\\\"\\\$x"
	echo "\$(head -c $2 /dev/zero | tr '\\0' $3)"
	echo ">\""
	echo "SAVED_${1#BIG_}=\$$1"
}

# Each expected output is split in its command ("x""-y"), so that the
# typed line in the transcript never matches it.
cat > "$T/script" <<EOF
echo "before:[\${#BIG_A}][\${#BIG_B}][\${#BIG_C}]"
cd $T/ws
echo "inside:[\$BIG_A][\$BIG_B][\$BIG_C]"
/bin/echo "exec-inside""-ok"
echo "state:\${#HEARTH_STATE}"
cd $T/ws/lib
echo "still:[\$BIG_A]"
cd /
[ "\$BIG_A" = "\$SAVED_A" ] && echo "restored""-a"
[ "\${BIG_B-unset}" = "\${SAVED_B-unset}" ] && echo "restored""-b"
[ "\${BIG_C-unset}" = "\${SAVED_C-unset}" ] && echo "restored""-c"
/bin/echo "exec-outside""-ok"
EOF

for case in 80 200; do
	if [ "$case" = 80 ]; then
		IT_BASHRC_EXTRA="$(big BIG_A 81920 a)
unset BIG_B BIG_C"
	else
		IT_BASHRC_EXTRA="$(big BIG_A 81920 a)
$(big BIG_B 71680 b)
$(big BIG_C 51200 c)"
	fi
	out=$(run_bash < "$T/script")
	expect_not_in "$case KB: no 'Argument list too long'" \
	    "Argument list too long" "$out"
	if [ "$case" = 80 ]; then want="[81928][0][0]"
	else want="[81928][71688][51208]"; fi
	expect_in "$case KB: the user's values before" "before:$want" "$out"
	expect_in "$case KB: the dev values inside" \
	    "inside:[dev-a][dev-b][dev-c]" "$out"
	expect_in "$case KB: commands run inside" "exec-inside-ok" "$out"
	expect_in "$case KB: a move inside keeps the shell" "still:[dev-a]" \
	    "$out"
	state=$(printf '%s\n' "$out" | sed -n 's/^state:\([0-9]*\).*/\1/p')
	if [ -n "$state" ] && [ "$state" -le 32768 ]; then
		ok "$case KB: HEARTH_STATE stays small ($state bytes)"
	else
		fail "$case KB: HEARTH_STATE is ${state:-?} bytes" "$out"
	fi
	for v in a b c; do
		expect_in "$case KB: BIG_${v^^} restored exactly" "restored-$v" \
		    "$out"
	done
	expect_in "$case KB: commands run after leaving" "exec-outside-ok" \
	    "$out"
done
it_finish
