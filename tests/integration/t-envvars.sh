#!/usr/bin/env bash
# What a shellHook does to the variables the user's shell holds, and what
# the daemon's own environment holds, never costs the user anything:
#  - the daemon was started from a shell holding a secret, GIT_DIR, a
#    variable equal to the dev shell's and another dev shell's PATH: none
#    reaches the shellHook or the snapshot, the equal one is still set,
#    and a restart from a clean shell gives the same;
#  - PATH="$PATH:$PWD/node_modules/.bin" keeps the user's entries, with
#    the dev shell's before and after them, in bash, zsh and fish, and
#    leaving keeps what the user added inside;
#  - an exported PROMPT_COMMAND or PS0 leaves hearth's hook and the
#    user's prompt command alone, and leaving still reverts;
#  - HEARTH_ names other than hearth's own are the dev shell's; the ones
#    left out are named by `hearth status`;
#  - a function the shellHook exports is the bash user's (and a child's)
#    inside, the user's own again after leaving; status says zsh and fish
#    do not get it.
. "$(dirname "$0")/lib.sh"
it_setup

fixture envvars "$T/ws" >/dev/null
mkdir -p "$T/ws/node_modules/.bin" "$T/userbin"
printf '#!/bin/sh\necho node-tool ran\n' > "$T/ws/node_modules/.bin/node-tool"
chmod +x "$T/ws/node_modules/.bin/node-tool"

# The daemon's environment: a secret, the dev shell's own value, another
# dev shell's PATH.
env MY_SECRET=s3cret FIXTURE_VAR=fixture-value \
    PATH="/nix/store/00000000000000000000000000000000-other/bin:$PATH" \
    hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
expect_eq "the daemon's secret does not reach the shellHook" unset \
    "$(dev_var "$T/ws" SEEN_SECRET)"
expect_eq "the secret is not in the snapshot" unset \
    "$(dev_var "$T/ws" MY_SECRET)"
expect_eq "a dev shell value equal to the daemon's is still set" \
    fixture-value "$(FIXTURE_VAR=user-value dev_var "$T/ws" FIXTURE_VAR)"
expect_not_in "no entry of the daemon's PATH" "-other/bin" \
    "$(dev_var "$T/ws" PATH)"

# Its snapshot, kept across a restart from a clean shell, is right too.
hearth daemon stop >/dev/null
hearth daemon start >/dev/null
expect_eq "after a restart: the equal value still set" fixture-value \
    "$(FIXTURE_VAR=user-value dev_var "$T/ws" FIXTURE_VAR)"

# A daemon started with GIT_DIR naming another repository.
hearth daemon stop >/dev/null
env GIT_DIR="$T/elsewhere/.git" hearth daemon start >/dev/null
hearth reload "$T/ws" >/dev/null 2>&1
wait_ready "$T/ws"
expect_eq "with the daemon's GIT_DIR, the shell evaluates" ready \
    "$(state_of "$T/ws")"
expect_not_in "and its log has no git error" "error" "$(hearth log "$T/ws" 2>&1)"
expect_eq "the daemon's GIT_DIR does not reach Nix or the shellHook" unset \
    "$(dev_var "$T/ws" SEEN_GIT_DIR)"
expect_eq "nor the snapshot" unset "$(dev_var "$T/ws" GIT_DIR)"

# The rest with a daemon started as usual.
hearth daemon stop >/dev/null
hearth daemon start >/dev/null
hearth reload "$T/ws" >/dev/null 2>&1
wait_ready "$T/ws"
expect_eq "a HEARTH_ name of the dev shell's is set" mine \
    "$(dev_var "$T/ws" HEARTH_PROJECT)"

out=$(hearth status "$T/ws")
expect_in "status names hearth's own variable, left out" "HEARTH_STATE" "$out"
expect_in "status names the prompt's, left out" "PROMPT_COMMAND PS0" "$out"
expect_in "status names the exported function, bash's only" \
    "exported functions, bash only: hello_dev" "$out"
expect_not_in "status does not list the dev shell's HEARTH_ name" \
    "HEARTH_PROJECT" "$out"
expect_eq "hearth exec: a child bash has the exported function" hello \
    "$(cd "$T/ws" && hearth exec -- bash -c hello_dev)"

# bash: the user's PATH, prompt command and variable.
base="$BUILD:/usr/bin:/bin:$T/userbin"
IT_BASHRC_EXTRA="export FIXTURE_VAR=user-value
export PATH=\"\$PATH:$T/userbin\"
PROMPT_COMMAND='echo user-prompt-command'
PS0=''
hello_dev() { echo user-function; }
export -f hello_dev"
cat > "$T/script" <<EOF
cd $T/ws
echo "inside:[\$FIXTURE_VAR][\$HEARTH_PROJECT][\${PS0-unset}]"
echo "path:[\$PATH]"
node-tool
envvars-tool
echo "pc:[\${PROMPT_COMMAND[*]}]"
echo "fn:[\$(hello_dev)][\$(bash -c hello_dev)]"
export PATH="\$PATH:/user/added"
cd /
echo "fn-after:[\$(hello_dev)][\$(bash -c hello_dev)]"
echo "after:[\$FIXTURE_VAR][\${HEARTH_PROJECT-unset}][\$PATH]"
echo "pc-after:[\${PROMPT_COMMAND[*]}]"
EOF
out=$(run_bash < "$T/script")
expect_in "bash: loaded" "loaded the default shell of $T/ws" "$out"
expect_in "bash: the dev shell's values, the user's PS0" \
    "inside:[fixture-value][mine][]" "$out"
expect_in "bash: the user's PATH between the dev shell's entries" \
    ":$base:$T/ws/node_modules/.bin]" "$out"
expect_in "bash: the dev PATH in front" "path:[/nix/store/" "$out"
expect_in "bash: the appended entry's tool runs" "node-tool ran" "$out"
expect_in "bash: the dev shell's tool runs" "envvars-tool v1" "$out"
expect_in "bash: hearth's hook and the user's prompt command kept" \
    "pc:[_hearth_hook;echo user-prompt-command]" "$out"
expect_not_in "bash: the dev shell's prompt command never ran" \
    "dev-prompt-command" "$out"
expect_in "bash: unloaded on leaving" "unloaded the default shell" "$out"
expect_in "bash: leaving restores, keeps the user's addition" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "bash: the dev shell's exported function, in a child too" \
    "fn:[hello][hello]" "$out"
expect_in "bash: leaving gives the user's own function back" \
    "fn-after:[user-function][user-function]" "$out"
expect_in "bash: the prompt command after leaving" \
    "pc-after:[_hearth_hook;echo user-prompt-command]" "$out"

# zsh and fish: the same PATH, appended entry included.
IT_ZSHRC_EXTRA="export PATH=\"\$PATH:$T/userbin\""
cat > "$T/script" <<EOF
cd $T/ws
echo "path:[\$PATH]"
node-tool
export PATH="\$PATH:/user/added"
cd /
echo "after:[\$PATH]"
EOF
out=$(run_zsh < "$T/script")
expect_in "zsh: the user's PATH between the dev shell's entries" \
    ":$base:$T/ws/node_modules/.bin]" "$out"
expect_in "zsh: the appended entry's tool runs" "node-tool ran" "$out"
expect_in "zsh: leaving keeps the user's addition" \
    "after:[$base:/user/added]" "$out"

IT_FISH_CONFIG_EXTRA="set -gx PATH \$PATH $T/userbin"
cat > "$T/script" <<EOF
cd $T/ws
echo "path:["(string join : \$PATH)"]"
node-tool
set -gx PATH \$PATH /user/added
cd /
echo "after:["(string join : \$PATH)"]"
EOF
out=$(run_fish < "$T/script")
expect_in "fish: the user's PATH between the dev shell's entries" \
    ":$base:$T/ws/node_modules/.bin]" "$out"
expect_in "fish: the appended entry's tool runs" "node-tool ran" "$out"
expect_in "fish: leaving keeps the user's addition" \
    "after:[$base:/user/added]" "$out"

it_finish
