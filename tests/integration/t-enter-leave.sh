#!/usr/bin/env bash
# cd into an allowed workspace gives the dev shell's tool and variables;
# cd out removes them and restores what the user had, PATH included; the
# shellHook's output is shown once; git status shows nothing hearth did.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

IT_BASHRC_EXTRA="export FIXTURE_VAR=user-value
export PATH=\"\$PATH:$T/userbin\"
unset FIXTURE_HOOK"
cat > "$T/script" <<EOF
echo "before:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}][\$PATH]"
cd $T/ws/sub/dir
fixture-tool
echo "inside:[\$FIXTURE_VAR][\$FIXTURE_HOOK][\$FIXTURE_QUOTE]"
echo "path:[\$PATH]"
export PATH="\$PATH:/user/added"
cd $T/ws
cd /
echo "after:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}][\$PATH]"
command -v fixture-tool || echo "tool gone"
echo "leftover:[\$(env | grep -cE '^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=')]"
EOF
out=$(run_bash < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][unset][$base]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
expect_in "PATH entry from the store" "path:[/nix/store/" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "restored after leaving, user's PATH addition kept" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "tool gone after leaving" "tool gone" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_eq "git status clean" "" "$(git -C "$T/ws" status --porcelain)"
it_finish
