#!/usr/bin/env bash
# tcsh, set up as the install line says (~/.tcshrc evals `hearth hook
# tcsh`), with the user's own precmd and cwdcmd aliases, variables and
# PATH: cd into an allowed workspace gives the dev shell's tool and
# variables; cd out restores the user's values and PATH, with the user's
# own additions kept, and an enter and leave gives back exactly the
# environment a child saw before; the user's aliases still run and
# $status is kept; shellHook output is shown once; a prompt where nothing
# changed runs no process (strace); monorepo switching, a lock bump, a
# blocked workspace, hostile values (a ! and newlines too) and no Nix.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
check "the daemon writes the generation as tcsh code" \
    grep -qE '^set _hearth_n = [0-9]+$' "$XDG_RUNTIME_DIR/hearth/generation.tcsh"

# 1. Enter and leave, as a user has it. tcsh's echo globs [...]: the
# lines quote it.
IT_TCSH_RC_EXTRA="setenv FIXTURE_VAR user-value
set path = ( \$path $T/userbin )
alias precmd 'echo \"user-precmd:\$?FIXTURE_HOOK\"'
alias cwdcmd 'echo \"user-cwdcmd:\$cwd\"'"
cat > "$T/script" <<EOF
echo "before:[\$FIXTURE_VAR][\$?FIXTURE_HOOK][\$PATH]"
cd $T/ws/sub/dir
fixture-tool
echo "inside:[\$FIXTURE_VAR][\$FIXTURE_HOOK]"
printenv FIXTURE_QUOTE
false
echo "status:[\$status]"
setenv PATH "\${PATH}:/user/added"
cd $T/ws
cd /
echo "after:[\$FIXTURE_VAR][\$?FIXTURE_HOOK][\$PATH]"
sh -c 'env | grep -cE "^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=" || true' | sed 's/^/leftover:/'
EOF
out=$(run_tcsh < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][0][$base]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" "inside:[fixture-value][ran]" "$out"
expect_in "a quoted value inside" "it's \"quoted\" \$HOME back\\slash" "$out"
expect_in "\$status is the command's, after the hook ran" "status:[1]" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "restored after leaving, the user's PATH addition kept" \
    "after:[user-value][0][$base:/user/added]" "$out"
expect_in "no dev variable left outside" "leftover:0" "$out"
expect_in "the user's precmd runs and sees the dev shell" \
    "user-precmd:1" "$out"
expect_in "the user's cwdcmd runs" "user-cwdcmd:$T/ws/sub/dir" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_not_in "no tcsh error" "Undefined variable" "$out"
expect_not_in "no glob error from the hook" "No match" "$out"

# doctor reads the rc file the install line went in, and without it says
# which line to add where.
out=$(SHELL=/usr/bin/tcsh hearth doctor 2>&1)
expect_in "doctor: the hook is found" ".tcshrc runs \`hearth hook tcsh\`" "$out"
mv "$HOME/.tcshrc" "$T/rc.saved"
out=$(SHELL=/usr/bin/tcsh hearth doctor 2>&1)
expect_in "doctor: without it, the line to add" "no \`hearth hook tcsh\` in" "$out"
expect_in "doctor: the install line" "echo 'eval \"\`hearth hook tcsh\`\"' >> ~/.tcshrc" "$out"
mv "$T/rc.saved" "$HOME/.tcshrc"

# 2. Leaving gives back exactly what a child saw before.
IT_TCSH_RC_EXTRA=""
cat > "$T/script" <<EOF
env -0 > $T/env.before
cd $T/ws
echo "in:[\$FIXTURE_VAR]"
cd /
env -0 > $T/env.after
EOF
out=$(run_tcsh < "$T/script")
expect_in "entered" "in:[fixture-value]" "$out"
if cmp -s <(env_sorted "$T/env.before") <(env_sorted "$T/env.after"); then
	ok "leaving restores the environment exactly"
else
	fail "leaving restores the environment exactly" \
	    "$(diff <(env_sorted "$T/env.before" | tr '\0' '\n') \
	    <(env_sorted "$T/env.after" | tr '\0' '\n'))"
fi

# 3. No process on a prompt where nothing changed: between the markers
# (opened with source, a builtin) the shell runs hearth export for each
# cd (a cd out is not undone by the hook itself) and nothing else; it
# reads the generation, as tcsh code, itself.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
cd $T/ws
source $T/mark-begin
echo one
echo two
cd sub
echo three
cd /
echo four
source $T/mark-end
echo "var:[\$?FIXTURE_VAR]"
EOF
write_tcshrc
out=$(trace_shell tcsh < "$T/script")
expect_in "the shell still works" "var:[0]" "$out"
region mark-begin mark-end > "$T/region"
check "the markers are in the trace" grep -q mark-end "$T/region"
read -r e o <<< "$(count_in "$(cat "$T/region")")"
expect_eq "hearth export ran twice, once for each cd, at no other prompt" 2 "$e"
expect_eq "no other process ran" 0 "$o"
n=$(grep -cE "openat\(.*/generation.tcsh\"" "$T/region")
check "the shell read generation.tcsh at the prompts ($n)" test "$n" -ge 6

# 4. Monorepo: cd between packages switches in one prompt.
fixture monorepo "$T/m" >/dev/null
mws="$T/m/ws"
hearth allow "$mws" >/dev/null
for d in "$mws/services/api" "$mws/services/web" "$mws"; do
	hearth wait --timeout 120 "$d" >/dev/null || fail "wait $d"
done
show='"[$MONO_SHELL][$API_EXTRA][$WEB_PORT]"'
IT_TCSH_RC_EXTRA="setenv MONO_SHELL unset; setenv API_EXTRA unset; setenv WEB_PORT unset"
cat > "$T/script" <<EOF
cd $mws/services/api/src
echo a:$show
cd $mws/services/web
echo w:$show
cd $mws/docs
echo d:$show
cd /
echo o:$show
EOF
out=$(run_tcsh < "$T/script")
expect_in "monorepo: api" "a:[api][none][unset]" "$out"
expect_in "monorepo: web, api's variable gone" "w:[web][unset][8080]" "$out"
expect_in "monorepo: default" "d:[default][unset][unset]" "$out"
expect_in "monorepo: out" "o:[unset][unset][unset]" "$out"
IT_TCSH_RC_EXTRA=""

# 5. A lock bump reaches the open shell at its next prompt.
fixture lockbump "$T/lb" >/dev/null
lb="$T/lb/ws"
hearth allow "$lb" >/dev/null
wait_ready "$lb"
n0=$(grep -c "snapshot .* ready" "$HLOG" || true)
cat > "$T/waitbump" <<EOF
#!/bin/sh
sh $IT_DIR/bump-tools.sh $T/lb 2 >/dev/null
i=0
while [ "\$(grep -c 'snapshot .* ready' $HLOG)" -le $n0 ] && [ \$i -lt 600 ]; do
	sleep 0.1; i=\$((i + 1))
done
EOF
chmod +x "$T/waitbump"
cat > "$T/script" <<EOF
cd $lb
lockbump-tool
$T/waitbump
echo waited
lockbump-tool
EOF
out=$(run_tcsh < "$T/script")
expect_in "lock bump: before" "lockbump-tool v1" "$out"
expect_in "lock bump: the update is said" \
    "hearth: the default shell of $lb was updated" "$out"
expect_in "lock bump: the next prompt has the new tool" "lockbump-tool v2" "$out"

# 6. A changed flake.nix blocks the workspace: kept, one notice.
cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\$FIXTURE_VAR]"
sh -c "echo '# edit' >> flake.nix; sleep 1"
echo "var:[\$FIXTURE_VAR]"
echo again
EOF
out=$(run_tcsh < "$T/script")
expect_in "blocked: loaded before" "var:[fixture-value]" "$out"
expect_in "blocked: the notice" \
    "hearth: flake.nix changed since you allowed $T/ws; run hearth allow" "$out"
# Issue 12: the last good environment, made from trusted content, stays.
expect_eq "blocked: the last good environment stays" 2 \
    "$(printf '%s\n' "$out" | grep -c 'var:\[fixture-value\]')"
n=$(printf '%s\n' "$out" | grep -c 'flake.nix changed since you allowed')
expect_eq "blocked: said once" 1 "$n"
hearth allow "$T/ws" >/dev/null

# 7. Hostile values are data, a ! and a newline as much as $ and quotes;
# tcsh holds every value, so none is left out.
fixture tricky "$T/tr" >/dev/null
sed -i 's|TRICKY_EMPTY = "";|TRICKY_EMPTY = "";\n          TRICKY_BANG = "!! !$ !-1 \\\\! ^a^b\\n^x^y\\n!echo";|' \
    "$T/tr/flake.nix"
git -C "$T/tr" commit -qam "history characters"
hearth allow "$T/tr" >/dev/null
wait_ready "$T/tr"
cat > "$T/script" <<EOF
cd $T/tr
tricky-tool
env -0 > $T/tr.tcsh
echo "invalid:[\$?TRICKY_INVALID]"
cd /
EOF
out=$(run_tcsh < "$T/script")
expect_in "tricky: the tool runs" "tricky-tool ok" "$out"
expect_in "tricky: a value that is not UTF-8 is held" "invalid:[1]" "$out"
expect_not_in "tricky: no history substitution" "Event not found" "$out"
expect_not_in "tricky: no notice of a value left out" "not set in tcsh" "$out"
(cd "$T/tr" && env -i HOME="$HOME" PATH="$PATH" \
    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_STATE_HOME="$XDG_STATE_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
    bash --norc --noprofile -c \
    'eval "$(hearth export bash 2>/dev/null)"; exec env -0') > "$T/tr.bash"
pick() { grep -zaE '^TRICKY_' "$1" | grep -zav '^TRICKY_HOOK_PWD=' | sort -z; }
check "tricky: the ! value is there" grep -qa 'TRICKY_BANG=!! !\$ !-1 \\! ^a^b' "$T/tr.tcsh"
check "tricky: every value is bash's, byte for byte" \
    cmp -s <(pick "$T/tr.tcsh") <(pick "$T/tr.bash")
st=$(hearth status "$T/tr" 2>&1)
expect_not_in "tricky: status lists nothing tcsh cannot hold" "tcsh cannot hold" "$st"

# 8. Without Nix: one notice per session, nothing applied. The runtime
# directory, where the hook writes the client's code, is removed while no
# daemon runs: the hook has it made again.
hearth daemon stop >/dev/null
IT_TCSH_RC_EXTRA="set path = ( $BUILD )"
cat > "$T/script" <<EOF
/bin/rm -rf $XDG_RUNTIME_DIR/hearth
cd $T/ws
cd /
cd $T/ws/sub
echo "nonix:[\$?FIXTURE_VAR]"
EOF
out=$(run_tcsh < "$T/script")
n=$(printf '%s\n' "$out" | grep -c 'hearth: nix is not installed')
expect_eq "no Nix: one notice per shell session" 1 "$n"
expect_in "no Nix: nothing applied" "nonix:[0]" "$out"
expect_not_in "no Nix: the code file is written" "No such file" "$out"
it_finish
