#!/usr/bin/env bash
# A prompt where nothing changed runs no process at all: the hook compares
# $PWD and the daemon's generation with builtins and runs the client only
# when one of them changed. Counted with strace on a real interactive bash.
. "$(dirname "$0")/lib.sh"
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
# LeakSanitizer cannot run under strace (sanitizer builds).
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -e trace=execve,fork,vfork,clone,clone3 -o "$T/trace" "$BUILD/ptyrun" -t 120 -- \
    bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
expect_in "the shell still works" "var:[fixture-value]" "$out"
n=$(grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"" "$T/trace")
# The first prompt, and the three cds: 4 runs over 14 prompts.
expect_eq "hearth export ran only when the directory changed" 4 "$n"
# The hook's own work forks nothing: no other process on prompts with
# nothing to do. Commands typed are builtins; only `hearth hook` at start-up
# and the four exports run.
others=$(grep 'execve(' "$T/trace" | grep -v -e "/ptyrun" -e "/bash\"" \
    -e "hearth\", \[\"[^\"]*\", \"export\"" \
    -e "hearth\", \[\"hearth\", \"hook\"" | grep -v ENOENT || true)
expect_eq "no other process ran" "" "$others"
# Forks: ptyrun's one, then bash's for `hearth hook` and the four exports.
n=$(grep -cE '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$T/trace")
expect_eq "no fork on a prompt where nothing changed" 6 "$n"

# A generation bump (here: flake.nix changes, the workspace is blocked)
# makes the next prompt run the client, without a cd.
cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\${FIXTURE_VAR-unset}]"
echo "# edit" >> flake.nix; sleep 1
:
echo "var:[\${FIXTURE_VAR-unset}]"
EOF
out=$(run_bash < "$T/script")
expect_in "applied before the edit" "var:[fixture-value]" "$out"
expect_in "the edit reached the open shell at the next prompt" \
    "var:[unset]" "$out"
expect_in "and it said why" "flake.nix changed since it was allowed" "$out"
it_finish
