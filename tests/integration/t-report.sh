#!/usr/bin/env bash
# What hearth says when something is wrong, and where it points.
#
# A flake.nix that does not parse fails the very first listing of the
# devShells: `hearth log` shows that listing, with Nix's error at the
# workspace's own flake.nix (not its copy in /nix/store, where Nix up to
# 2.2x points). A shell whose imported file fails points there too.
#
# A broken .hearth.ini is told at the prompt, with the line it is on;
# the shell keeps its last good snapshot meanwhile; a second, different
# breakage is told again; `hearth status` and `hearth log` name it.
#
# A blocked workspace's status names the package's own shell and when
# its snapshot was made, and serves nothing.
. "$(dirname "$0")/lib.sh"
it_setup

# --- hearth log after a first evaluation that failed (item 19)
fixture nixerrors "$T/syn" >/dev/null
sed -i 's/^  outputs = { self }:$/  outputs = { self }: in/' "$T/syn/flake.nix"
git -C "$T/syn" commit -qam "break flake.nix"
hearth allow "$T/syn" >/dev/null
out=$(hearth wait --timeout 120 "$T/syn" 2>&1)
expect_eq "a flake.nix that does not parse: wait exits 1" 1 "$?"
out=$(hearth log "$T/syn" 2>&1)
expect_eq "hearth log has the failed first listing (exit 0)" 0 "$?"
expect_in "it says what failed" "the devShells of $T/syn: listing of" "$out"
expect_in "with Nix's error" "syntax error" "$out"
expect_in "at the workspace's own flake.nix" "at $T/syn/flake.nix:8:23" "$out"
check "not at its copy in the store" \
    eval "! grep -Eq '/nix/store/[a-z0-9]{32}-source' <<< \"\$out\""
out=$(hearth status "$T/syn" 2>&1)
expect_in "status points at the workspace's flake.nix too" \
    "$T/syn/flake.nix:8:23" "$out"

fixture nixerrors "$T/ne" >/dev/null
mkdir "$T/ne/undefined"
hearth allow "$T/ne" >/dev/null
out=$(hearth wait --timeout 120 "$T/ne/undefined" 2>&1)
expect_eq "a shell naming an undefined variable: wait exits 1" 1 "$?"
out=$(hearth log "$T/ne/undefined" 2>&1)
expect_in "its log names the workspace's file" "$T/ne/nix/undefined.nix:" \
    "$out"
check "and no copy in the store" \
    eval "! grep -Eq '/nix/store/[a-z0-9]{32}-source' <<< \"\$out\""

# --- a broken .hearth.ini (item 18)
fixture basic "$T/ws" >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
cd "$T"
out=$(run_bash <<S
cd $T/ws
echo "var=[\$FIXTURE_VAR]"
printf '[shells]\nok = default\n../out = default\n' > .hearth.ini; hearth allow . >/dev/null
echo "var=[\$FIXTURE_VAR]"
printf '; c\n[shells\n' > .hearth.ini; hearth allow . >/dev/null
echo "var=[\$FIXTURE_VAR]"
S
)
expect_in "the shell loads" "var=[fixture-value]" "$out"
expect_in "a broken .hearth.ini is told at the prompt, with its line" \
    ".hearth.ini line 3: [shells] ../out: not a path inside the workspace" "$out"
expect_eq "the last good snapshot stays applied meanwhile" 3 \
    "$(grep -c 'var=\[fixture-value\]' <<< "$out")"
expect_not_in "the shell is not unloaded" "unloaded" "$out"
expect_in "another breakage is told too" ".hearth.ini line 2: syntax error" \
    "$out"
out=$(hearth status "$T/ws" 2>&1)
expect_in "status names the line" ".hearth.ini line 2: syntax error" "$out"
out=$(hearth log "$T/ws" 2>&1)
expect_eq "hearth log starts with the broken .hearth.ini" \
    "$T/ws/.hearth.ini: .hearth.ini line 2: syntax error (fix it; until then the last good mapping applies)" \
    "$(head -1 <<< "$out")"
printf '[shells]\n' > "$T/ws/.hearth.ini"
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
expect_not_in "and hearth log no longer tells it" ".hearth.ini" \
    "$(hearth log "$T/ws" 2>&1)"

# --- status of a blocked workspace (item 26)
fixture monorepo "$T/m" >/dev/null
hearth allow "$T/m/ws" >/dev/null
wait_ready "$T/m/ws/services/api"
echo "# edited" >> "$T/m/ws/flake.nix"
out=$(hearth status "$T/m/ws/services/api")
expect_in "blocked" "state      blocked" "$out"
expect_in "a blocked package's status names its own shell" \
    "shell      api" "$out"
expect_not_in "and not a snapshot never made" "snapshot   never" "$out"
expect_in "but when it was made" "snapshot   20" "$out"
# Issue 12: the last good snapshot, made from trusted content, stays.
expect_eq "its last good shell stays in use" "api" "$(dev_var "$T/m/ws/services/api" MONO_SHELL)"
it_finish
