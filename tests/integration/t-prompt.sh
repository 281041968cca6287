#!/usr/bin/env bash
# A prompt where nothing changed runs no process at all: the hook compares
# $PWD and the daemon's generation with builtins and runs the client only
# when one of them changed. Nor does a cd out of a workspace or between
# directories outside every one: the hook undoes the dev shell itself, with
# the code the client left it, and the environment is then exactly what it
# was; but a user who changed PATH inside gets the client, which keeps the
# change. Counted with strace on a real interactive bash.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

cat > "$T/script" <<EOF
cd $T/ws
:
:
:
:
:
cd /
:
:
:
cd $T/ws
:
echo "var:[\$FIXTURE_VAR]"
EOF
write_bashrc
out=$(trace_shell bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
expect_in "the shell still works" "var:[fixture-value]" "$out"
n=$(grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"" "$T/trace")
# The first prompt, and the two cds into the workspace: 3 runs over 14
# prompts (the cd out of it runs nothing: see below).
expect_eq "hearth export ran only when the directory changed" 3 "$n"
# The hook's own work forks nothing: no other process on prompts with
# nothing to do. Commands typed are builtins; only `hearth hook` at start-up
# and the three exports run.
others=$(grep 'execve(' "$T/trace" | grep -v -e "/ptyrun" -e "/bash\"" \
    -e "hearth\", \[\"[^\"]*\", \"export\"" \
    -e "hearth\", \[\"hearth\", \"hook\"" | grep -v ENOENT || true)
expect_eq "no other process ran" "" "$others"
# Forks: ptyrun's one, then bash's for `hearth hook` and the three exports.
n=$(grep -cE '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$T/trace")
expect_eq "no fork on a prompt where nothing changed" 5 "$n"

# Leaving, and moving about outside, with an rc file that has the options
# that trip careless hooks (nocasematch, extglob, nounset after the hook);
# and a symbolic link into the workspace is inside it.
leaving_setup
cat > "$T/bashrc" <<RC
PS1='PTYRUN_PROMPT> '
export PATH="\$PATH:$T/userbin" FIXTURE_VAR=user-value
shopt -s nocasematch extglob
eval "\$(hearth hook bash)"
set -u
RC
leaving_script
out=$(trace_shell bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
check_leaving "$out"

# A generation bump (here: flake.nix changes, the workspace is blocked)
# makes the next prompt run the client, without a cd.
generation_bump_script
out=$(run_bash < "$T/script")
check_generation_bump "$out"
it_finish
