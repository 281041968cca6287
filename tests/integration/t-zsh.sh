#!/usr/bin/env bash
# zsh, set up as a user would (~/.zshrc with options that trip careless
# hooks, the user's own precmd hook and INT trap): cd into an allowed
# workspace gives the dev shell's tool and variables, already to the rest
# of the command line that did the cd; cd out restores the user's values
# and PATH, the user's own additions kept; shellHook output is shown once;
# $?, the user's hook and trap are kept; the hook installed twice runs
# once; a prompt where nothing changed runs no process (strace), nor does
# a cd out of the workspace or between directories outside, which restores
# the environment exactly; and a generation bump reaches the open shell at
# its next prompt.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

IT_ZSHRC_EXTRA="setopt ksh_arrays no_unset warn_create_global rc_quotes \
sh_word_split
export FIXTURE_VAR=user-value
export PATH=\"\$PATH:$T/userbin\"
unset FIXTURE_HOOK
user_precmd() { print -r -- \"user-precmd:[\${FIXTURE_VAR-}]\"; }
autoload -Uz add-zsh-hook
add-zsh-hook precmd user_precmd
trap 'print user-int-trap' INT"
cat > "$T/script" <<EOF
echo "before:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}][\$PATH]"
cd $T/ws/sub/dir && echo "same-line:[\$FIXTURE_VAR]" && fixture-tool
echo "inside:[\$FIXTURE_VAR][\$FIXTURE_HOOK][\$FIXTURE_QUOTE]"
echo "path:[\$PATH]"
export PATH="\$PATH:/user/added"
false
echo "status:[\$?]"
cd $T/ws
cd /
echo "after:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}][\$PATH]"
whence fixture-tool || echo "tool gone"
echo "leftover:[\$(env | grep -cE '^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=')]"
trap
echo "hooks:[\${precmd_functions[*]}][\${chpwd_functions[*]}]"
EOF
out=$(run_zsh < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][unset][$base]" "$out"
expect_in "the cd's own command line has the dev shell" \
    "same-line:[fixture-value]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
expect_in "PATH entry from the store" "path:[/nix/store/" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "\$? kept" "status:[1]" "$out"
expect_in "restored after leaving, user's PATH addition kept" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "tool gone after leaving" "tool gone" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
expect_in "the user's precmd hook runs and sees the dev shell" \
    "user-precmd:[fixture-value]" "$out"
expect_in "the user's INT trap kept" "trap -- 'print user-int-trap' INT" "$out"
expect_in "hearth's precmd first, each hook once" \
    "hooks:[_hearth_precmd user_precmd][_hearth_chpwd]" "$out"
expect_not_in "no error from the hook under the user's options" \
    "_hearth" "$(printf '%s\n' "$out" | grep -v '^hooks:')"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"

# Installed a second time, from the prompt: still one of each hook.
IT_ZSHRC_EXTRA=""
cat > "$T/script" <<EOF
eval "\$(hearth hook zsh)"
echo "again:[\${precmd_functions[*]}][\${chpwd_functions[*]}]"
cd $T/ws
echo "var:[\$FIXTURE_VAR]"
EOF
out=$(run_zsh < "$T/script")
expect_in "hook installed twice is there once" \
    "again:[_hearth_precmd][_hearth_chpwd]" "$out"
expect_in "and works" "var:[fixture-value]" "$out"

# A stand-in client that shows its signal mask and, like a client that
# got no answer, unsets _hearth_gen so that the next prompt asks again.
# It runs with SIGINT ignored, so a Ctrl-C at the prompt cannot cut its
# output in half; and the cd runs it once, chpwd and precmd together.
cat > "$T/fake-hearth" <<EOF
#!/bin/sh
echo ran >> $T/fake-runs
grep SigIgn /proc/\$\$/status >&2
echo "unset _hearth_gen"
EOF
chmod +x "$T/fake-hearth"
hearth hook zsh | sed "s|'$BUILD/hearth'|'$T/fake-hearth'|" > "$T/fake.zsh"
cat > "$T/script" <<EOF
source $T/fake.zsh
cd $T/ws
echo done
EOF
rm -f "$T/fake-runs"
out=$(run_zsh < "$T/script")
mask=$(printf '%s\n' "$out" |
    sed -n 's/.*SigIgn:[[:space:]]*\([0-9a-f]*\).*/\1/p' | tail -1)
check "the client runs with SIGINT ignored" \
    test -n "$mask" -a "$(( 0x${mask:-0} & 2 ))" -ne 0
expect_eq "one run for the cd, one at the next prompt" 2 \
    "$(wc -l < "$T/fake-runs")"

# No process on a prompt where nothing changed: between the two marker
# files (opened by builtins), hearth export runs for the cd into the
# workspace only, once although both chpwd and precmd fire; the cd out of
# it runs nothing (the hook undoes it itself), nor does a subshell's cd;
# the only forks are the client's and the subshell's.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
cd $T/ws
: < $T/mark-begin
:
:
cd /
:
(cd $T/ws/sub)
cd $T/ws
:
:
: < $T/mark-end
echo "var:[\$FIXTURE_VAR]"
EOF
write_zshrc
out=$(ZDOTDIR="$T/zdot" trace_shell zsh -i < "$T/script")
expect_in "the shell still works" "var:[fixture-value]" "$out"
check_quiet_prompts 2 7

# A cd out of the workspace, and between directories outside every one,
# runs no process: the hook undoes the dev shell itself, with the code the
# client left it, and the environment is then exactly what it was; but a
# user who changed PATH inside gets the client, which keeps the change.
# Under the options that trip careless hooks; and a symbolic link into the
# workspace is inside it (the hook compares physical paths, as the client
# does).
leaving_setup
IT_ZSHRC_EXTRA="setopt ksh_arrays no_unset warn_create_global rc_quotes \
sh_word_split glob_subst
export FIXTURE_VAR=user-value
export PATH=\"\$PATH:$T/userbin\""
leaving_script
write_zshrc
out=$(ZDOTDIR="$T/zdot" trace_shell zsh -i < "$T/script")
check_leaving "$out"
IT_ZSHRC_EXTRA=""

# A generation bump (flake.nix changes, the workspace is blocked) makes
# the next prompt run the client, without a cd.
generation_bump_script
out=$(run_zsh < "$T/script")
check_generation_bump "$out"
it_finish
