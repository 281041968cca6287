#!/usr/bin/env bash
# A prompt where nothing changed runs no process at all: the hook compares
# $PWD and the daemon's generation with builtins and runs the client only
# when one of them changed. Nor does a cd out of a workspace or between
# directories outside every one: the hook undoes the dev shell itself, with
# the code the client left it, and the environment is then exactly what it
# was; but a user who changed PATH inside gets the client, which keeps the
# change. Counted with strace on a real interactive bash.
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
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 -e trace=execve,fork,vfork,clone,clone3 -o "$T/trace" "$BUILD/ptyrun" -t 120 -- \
    bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
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

# region A B: the lines of $T/trace from the one that opens $T/A (the
# shell's `: < $T/A`) to the one that opens $T/B.
region() {
	awk -v a="$T/$1\"" -v b="$T/$2\"" 'index($0, a) { on = 1 }
	    on { print } index($0, b) { on = 0 }' "$T/trace"
}

# count_in REGION: "E O", the hearth exports and the other processes (execs
# that are not the client's, forks that are not for it) in a region.
count_in() {
	local e o f
	e=$(printf '%s\n' "$1" |
	    grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"")
	o=$(printf '%s\n' "$1" | grep 'execve(' |
	    grep -v "hearth\", \[\"[^\"]*\", \"export\"" | grep -vc ENOENT)
	f=$(printf '%s\n' "$1" | grep -E '^[0-9]+ +(fork|vfork|clone|clone3)\(' |
	    grep -cv CLONE_THREAD)
	echo "$e $((o + f - e))"
}

# Leaving, and moving about outside, with an rc file that has the options
# that trip careless hooks (nocasematch, extglob, nounset after the hook);
# and a symbolic link into the workspace is inside it.
mkdir -p "$T/out1" "$T/out2" "$T/ws/sub"
ln -s "$T/ws/sub" "$T/sublink"
for m in a b c d e f; do : > "$T/mark-$m"; done
cat > "$T/bashrc" <<RC
PS1='PTYRUN_PROMPT> '
export PATH="\$PATH:$T/userbin" FIXTURE_VAR=user-value
shopt -s nocasematch extglob
eval "\$(hearth hook bash)"
set -u
RC
cat > "$T/script" <<SCRIPT
cd $T/out1
: < $T/mark-a
cd $T/out2
cd $T/out1
: < $T/mark-b
env -0 > $T/env.before
cd $T/ws
echo "inside:[\$FIXTURE_VAR]"
: < $T/mark-c
cd $T/out1
cd $T/out2
cd /
: < $T/mark-d
env -0 > $T/env.after
echo "left:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}]"
cd $T/ws
echo "again:[\$FIXTURE_VAR]"
cd $T/sublink
echo "via-link:[\$FIXTURE_VAR]"
export PATH="\$PATH:/user/added"
: < $T/mark-e
cd $T/out1
: < $T/mark-f
echo "after:[\$FIXTURE_VAR][\$PATH]"
SCRIPT
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 -o "$T/trace" \
    -e trace=execve,fork,vfork,clone,clone3,openat \
    "$BUILD/ptyrun" -t 120 -- \
    bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
check "the markers are in the trace" grep -q "$T/mark-f" "$T/trace"
expect_eq "cd between directories outside, nothing applied: no process" \
    "0 0" "$(count_in "$(region mark-a mark-b)")"
expect_in "entered" "inside:[fixture-value]" "$out"
expect_eq "cd out of the workspace and about outside: no process" \
    "0 0" "$(count_in "$(region mark-c mark-d)")"
# env_sorted DUMP: an `env -0` dump, sorted, without the shell's own
# bookkeeping and HEARTH_STATE.
env_sorted() {
	grep -zvE '^(HEARTH_STATE|OLDPWD|PWD|_)=' "$1" | sort -z
}
if cmp -s <(env_sorted "$T/env.before") <(env_sorted "$T/env.after"); then
	ok "leaving restores the environment exactly"
else
	fail "leaving did not restore the environment" \
	    "$(diff <(env_sorted "$T/env.before" | tr '\0' '\n') \
	    <(env_sorted "$T/env.after" | tr '\0' '\n'))"
fi
expect_in "the user's values are back" "left:[user-value][unset]" "$out"
n=$(printf '%s\n' "$out" |
    grep -c "hearth: unloaded the default shell of $T/ws")
expect_eq "it said so, once each time it left" 2 "$n"
expect_in "entering again works" "again:[fixture-value]" "$out"
expect_in "a link into the workspace is inside it" \
    "via-link:[fixture-value]" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output still shown once" 1 "$n"
expect_eq "PATH changed inside: the client runs on leaving" \
    "1 0" "$(count_in "$(region mark-e mark-f)")"
expect_in "and keeps the user's PATH entry" \
    "after:[user-value][$BUILD:/usr/bin:/bin:$T/userbin:/user/added]" "$out"
expect_not_in "no error from the hook" "_hearth" "$out"

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
