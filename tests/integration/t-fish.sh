#!/usr/bin/env bash
# fish, set up as a user would (config.fish with the hook, the user's own
# fish_prompt event handler, a universal variable): cd into an allowed
# workspace gives the dev shell's tool and variables, already to the rest
# of the command line that did the cd; PATH is a list fish looks commands
# up in, and a child gets it as bash would; cd out restores the user's
# values and PATH, the user's own additions kept, and leaves the user's
# universal variable alone; shellHook output is shown once; $status and
# the user's handler are kept; the hook sourced twice runs once; a prompt
# where nothing changed runs no process (strace), nor does a cd out of the
# workspace or between directories outside, which restores the
# environment exactly; and a generation bump reaches the open shell at its
# next prompt.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

# The user's universal variable, which the dev shell overrides.
write_fish_config
fish -c 'set -Ux FIXTURE_QUOTE user-universal'

IT_FISH_CONFIG_EXTRA="set -gx FIXTURE_VAR user-value
set -gx PATH \$PATH $T/userbin
set -e FIXTURE_HOOK
function user_prompt_hook --on-event fish_prompt
    echo \"user-prompt-hook:[\$FIXTURE_VAR]\"
end"
cat > "$T/script" <<EOF
echo "before:[\$FIXTURE_VAR][\$FIXTURE_QUOTE]["(set -q FIXTURE_HOOK; or echo unset)"][\$PATH]"
cd $T/ws/sub/dir; and echo "same-line:[\$FIXTURE_VAR]"; and fixture-tool
echo "inside:[\$FIXTURE_VAR][\$FIXTURE_HOOK][\$FIXTURE_QUOTE]"
echo "dev-path:[\$PATH]"
echo "child-path:["(printenv PATH)"]"
echo "path-entries:"(count \$PATH)
set -gx PATH \$PATH /user/added
false
echo "status:[\$status]"
cd $T/ws
cd /
echo "after:[\$FIXTURE_VAR][\$FIXTURE_QUOTE]["(set -q FIXTURE_HOOK; or echo unset)"][\$PATH]"
command -v fixture-tool; or echo "tool gone"
echo "leftover:["(env | grep -cE '^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=')"]"
echo "handlers:"(functions --handlers | string match '*hearth*' | string join ,)
EOF
out=$(run_fish < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" \
    "before:[user-value][user-universal][unset][$base]" "$out"
expect_in "the cd's own command line has the dev shell" \
    "same-line:[fixture-value]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
expect_in "PATH entry from the store" "dev-path:[/nix/store/" "$out"
# What a child gets is what fish holds, joined with ':' as bash has it.
dev_path=$(printf '%s\n' "$out" | sed -n 's/.*dev-path:\[\(.*\)\]$/\1/p')
expect_in "a child gets the same PATH" "child-path:[$dev_path]" "$out"
n=$(printf '%s\n' "$dev_path" | tr ':' '\n' | wc -l)
expect_in "PATH is a list of its entries in fish" "path-entries:$n" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "\$status kept" "status:[1]" "$out"
expect_in "restored after leaving, user's PATH addition kept" \
    "after:[user-value][user-universal][unset][$base:/user/added]" "$out"
expect_in "tool gone after leaving" "tool gone" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
expect_in "the user's prompt handler runs and sees the dev shell" \
    "user-prompt-hook:[fixture-value]" "$out"
expect_in "one handler each" \
    "handlers:PWD _hearth_on_pwd,fish_prompt _hearth_on_prompt" "$out"
expect_not_in "no error from the hook" "_hearth_export" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_eq "the user's universal variable is untouched" "user-universal" \
    "$(fish -c 'echo $FIXTURE_QUOTE')"

# Sourced a second time, from the prompt: still one of each handler.
IT_FISH_CONFIG_EXTRA=""
cat > "$T/script" <<EOF
hearth hook fish | source
echo "again:"(functions --handlers | string match '*hearth*' | string join ,)
cd $T/ws
echo "var:[\$FIXTURE_VAR]"
EOF
out=$(run_fish < "$T/script")
expect_in "hook sourced twice is there once" \
    "again:PWD _hearth_on_pwd,fish_prompt _hearth_on_prompt" "$out"
expect_in "and works" "var:[fixture-value]" "$out"

# A stand-in client that, like a client that got no answer, erases
# _hearth_gen so that the next prompt asks again: the cd runs it once,
# the PWD and prompt handlers together.
cat > "$T/fake-hearth" <<EOF
#!/bin/sh
echo ran >> $T/fake-runs
echo "set -e -g _hearth_gen"
EOF
chmod +x "$T/fake-hearth"
hearth hook fish | sed "s|'$BUILD/hearth'|'$T/fake-hearth'|" > "$T/fake.fish"
cat > "$T/script" <<EOF
source $T/fake.fish
cd $T/ws
echo done
EOF
rm -f "$T/fake-runs"
out=$(run_fish < "$T/script")
expect_eq "one run for the cd, one at the next prompt" 2 \
    "$(wc -l < "$T/fake-runs")"

# fish cannot keep Ctrl-C from its client, so a client cut short is not
# applied at all, and the next prompt asks again: a stand-in client
# prints half its code and dies of SIGINT.
cat > "$T/fake-hearth" <<EOF
#!/bin/sh
echo ran >> $T/fake-runs
echo "set -gx HALF applied"
kill -INT \$\$
EOF
cat > "$T/script" <<EOF
source $T/fake.fish
cd $T/ws
echo "half:["(set -q HALF; and echo \$HALF; or echo unset)"]"
true
EOF
rm -f "$T/fake-runs"
out=$(run_fish < "$T/script")
expect_in "a client cut short applies nothing" "half:[unset]" "$out"
n=$(wc -l < "$T/fake-runs")
check "and the next prompt asks again" test "$n" -ge 3

# No process on a prompt where nothing changed: between the two marker
# files (opened by builtins), hearth export runs for the cd into the
# workspace only, once although both the PWD and the prompt handlers fire;
# the cd out of it runs nothing (the hook undoes it itself), and nothing
# else forks. A background job the user started before, which runs a
# process during those prompts (as fish 4's own man page completion
# generator may), is none of hearth's doing and is not counted.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
/bin/sh -c 'while [ ! -e $T/bg-go ]; do sleep 0.02; done; /bin/true; : > $T/bg-done' &
cd $T/ws
true < $T/mark-begin
echo go > $T/bg-go
set -l n 0; while not test -e $T/bg-done; and test \$n -lt 200000; set n (math \$n + 1); end
true
true
cd /
true
cd $T/ws
true
true < $T/mark-end
echo "var:[\$FIXTURE_VAR]"
EOF
write_fish_config
out=$(trace_shell fish -i < "$T/script")
expect_in "the shell still works" "var:[fixture-value]" "$out"
check_quiet_prompts 1 6
# The background job did run a process between the markers.
check "a background job ran a process during the prompts" awk \
    -v b="$T/mark-begin\"" -v e="$T/mark-end\"" 'index($0, b) { on = 1 }
    on && index($0, "execve(\"/bin/true\"") { found = 1 }
    index($0, e) { on = 0 } END { exit !found }' "$T/trace"

# A cd out of the workspace, and between directories outside every one,
# runs no process: the hook undoes the dev shell itself, with the code the
# client left it, and the environment is then exactly what it was; but a
# user who changed PATH inside gets the client, which keeps the change.
# A symbolic link into the workspace is inside it (the hook compares
# physical paths, as the client does).
leaving_setup
IT_FISH_CONFIG_EXTRA="set -gx FIXTURE_VAR user-value
set -gx PATH \$PATH $T/userbin"
cat > "$T/script" <<SCRIPT
cd $T/out1
true < $T/mark-a
cd $T/out2
cd $T/out1
true < $T/mark-b
env -0 > $T/env.before
cd $T/ws
echo "inside:[\$FIXTURE_VAR]"
true < $T/mark-c
cd $T/out1
cd $T/out2
cd /
true < $T/mark-d
env -0 > $T/env.after
echo "left:[\$FIXTURE_VAR]["(set -q FIXTURE_HOOK; and echo set; or echo unset)"]"
cd $T/ws
echo "again:[\$FIXTURE_VAR]"
cd $T/sublink
echo "via-link:[\$FIXTURE_VAR]"
set -gx PATH \$PATH /user/added
true < $T/mark-e
cd $T/out1
true < $T/mark-f
echo "after:[\$FIXTURE_VAR][\$PATH]"
SCRIPT
write_fish_config
out=$(trace_shell fish -i < "$T/script")
check_leaving "$out"
IT_FISH_CONFIG_EXTRA=""

# A generation bump (flake.nix changes, the workspace is blocked) makes
# the next prompt run the client, without a cd.
cat > "$T/script" <<EOF
cd $T/ws
echo "var:["(set -q FIXTURE_VAR; and echo \$FIXTURE_VAR; or echo unset)"]"
echo "# edit" >> flake.nix; sleep 1
true
echo "var:["(set -q FIXTURE_VAR; and echo \$FIXTURE_VAR; or echo unset)"]"
EOF
out=$(run_fish < "$T/script")
check_generation_bump "$out"
it_finish
