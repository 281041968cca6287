#!/usr/bin/env bash
# elvish, set up as the install line says (rc.elv evals the hook), with
# the user's own before-readline hook, variables and PATH: cd into an
# allowed workspace gives the dev shell's tool and variables, already to
# the rest of the line that did the cd; $paths follows PATH, and a child
# gets PATH as bash would; cd out restores the user's values and PATH,
# with the user's own additions kept, and an enter and leave gives back
# exactly the environment a child saw before; the user's hook is kept;
# shellHook output is shown once; a prompt where nothing changed runs no
# process (strace); monorepo switching, a lock bump, a blocked workspace,
# no Nix, and values elvish gets only as UTF-8.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

# The scripts print variables with v: the value, or "unset".
IT_ELVISH_V="fn v {|n| if (has-env \$n) { get-env \$n } else { put unset } }"

# 1. Enter and leave, as a user has it.
IT_ELVISH_RC_EXTRA="set-env FIXTURE_VAR user-value
set paths = [\$@paths $T/userbin]
set edit:before-readline = [{|| echo 'user-prompt-hook:['(v FIXTURE_VAR)']' }]"
cat > "$T/script" <<EOF
echo 'before:['\$E:FIXTURE_VAR']['(v FIXTURE_HOOK)']['\$E:PATH']'
cd $T/ws/sub/dir; echo 'same-line:['\$E:FIXTURE_VAR']'
fixture-tool
echo 'inside:['\$E:FIXTURE_VAR']['\$E:FIXTURE_HOOK']['\$E:FIXTURE_QUOTE']'
echo 'paths:['(count \$paths)']'
echo 'dev-path:['\$E:PATH']'
echo 'child-path:['(printenv PATH)']'
set paths = [\$@paths /user/added]
cd $T/ws
cd /
echo 'after:['\$E:FIXTURE_VAR']['(v FIXTURE_HOOK)']['\$E:PATH']'
echo 'tool:['(to-string (has-external fixture-tool))']'
echo 'leftover:['(sh -c 'env | grep -cE "^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=" || true')']'
EOF
out=$(run_elvish < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][unset][$base]" "$out"
expect_in "the cd's own line has the dev shell" "same-line:[fixture-value]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" \
    "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
dev_path=$(printf '%s\n' "$out" | sed -n 's/.*dev-path:\[\(\/nix[^]]*\)\]$/\1/p')
n=$(printf '%s\n' "$dev_path" | tr ':' '\n' | wc -l)
expect_in "\$paths is PATH's entries" "paths:[$n]" "$out"
expect_in "a child gets the same PATH" "child-path:[$dev_path]" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "restored after leaving, the user's PATH addition kept" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "tool gone after leaving" "tool:[\$false]" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
expect_in "the user's prompt hook runs and sees the dev shell" \
    "user-prompt-hook:[fixture-value]" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_not_in "no exception from the hook" "_hearth" "$out"

# doctor reads the rc file the install line went in, and without it says
# which line to add where.
out=$(SHELL=/usr/bin/elvish hearth doctor 2>&1)
expect_in "doctor: the hook is found" "rc.elv runs \`hearth hook elvish\`" "$out"
mv "$XDG_CONFIG_HOME/elvish/rc.elv" "$T/rc.saved"
out=$(SHELL=/usr/bin/elvish hearth doctor 2>&1)
expect_in "doctor: without it, the line to add" "no \`hearth hook elvish\` in" "$out"
mv "$T/rc.saved" "$XDG_CONFIG_HOME/elvish/rc.elv"

# 2. Leaving gives back exactly what a child saw before.
IT_ELVISH_RC_EXTRA=""
cat > "$T/script" <<EOF
env -0 > $T/env.before
cd $T/ws
echo 'in:['\$E:FIXTURE_VAR']'
cd /
env -0 > $T/env.after
EOF
out=$(run_elvish < "$T/script")
expect_in "entered" "in:[fixture-value]" "$out"
if cmp -s <(env_sorted "$T/env.before") <(env_sorted "$T/env.after"); then
	ok "leaving restores the environment exactly"
else
	fail "leaving restores the environment exactly" \
	    "$(diff <(env_sorted "$T/env.before" | tr '\0' '\n') \
	    <(env_sorted "$T/env.after" | tr '\0' '\n'))"
fi

# 3. No process on a prompt where nothing changed: between the markers
# (read by the slurp builtin) the shell runs hearth export for each cd
# (unlike bash, zsh and fish, a cd out is not undone by the hook itself)
# and nothing else; it reads the generation file itself.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
cd $T/ws
slurp < $T/mark-begin
echo one
echo two
cd sub
echo three
cd /
echo four
slurp < $T/mark-end
echo 'var:['(v FIXTURE_VAR)']'
EOF
write_elvish_rc
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 \
    -o "$T/trace" -e trace=execve,fork,vfork,clone,clone3,open,openat \
    "$BUILD/ptyrun" -t 120 -- elvish < "$T/script")
expect_in "the shell still works" "var:[unset]" "$out"
# elvish is written in Go: its threads take turns running the shell, so
# the region is every traced line between the markers, whoever's.
awk -v a="$T/mark-begin\"" -v b="$T/mark-end\"" 'index($0, a) { on = 1 }
    on { print } index($0, b) { on = 0 }' "$T/trace" > "$T/region"
check "the markers are in the trace" grep -q mark-end "$T/region"
n=$(grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"" "$T/region")
expect_eq "hearth export ran twice, once for each cd, at no other prompt" 2 "$n"
others=$(grep 'execve(' "$T/region" |
    grep -v "hearth\", \[\"[^\"]*\", \"export\"" | grep -v ENOENT || true)
expect_eq "no other process ran" "" "$others"
n=$(grep -cE "open(at)?\(.*/generation\"" "$T/region")
check "the shell read the generation file at the prompts ($n)" test "$n" -ge 5

# 4. Monorepo: cd between packages switches in one prompt.
fixture monorepo "$T/m" >/dev/null
mws="$T/m/ws"
hearth allow "$mws" >/dev/null
for d in "$mws/services/api" "$mws/services/web" "$mws"; do
	hearth wait --timeout 120 "$d" >/dev/null || fail "wait $d"
done
show='(v MONO_SHELL)"]["(v API_EXTRA)"]["(v WEB_PORT)"]"'
cat > "$T/script" <<EOF
cd $mws/services/api/src
echo "a:["$show
cd $mws/services/web
echo "w:["$show
cd $mws/docs
echo "d:["$show
cd /
echo "o:["$show
EOF
out=$(run_elvish < "$T/script")
expect_in "monorepo: api" "a:[api][none][unset]" "$out"
expect_in "monorepo: web, api's variable gone" "w:[web][unset][8080]" "$out"
expect_in "monorepo: default" "d:[default][unset][unset]" "$out"
expect_in "monorepo: out" "o:[unset][unset][unset]" "$out"

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
out=$(run_elvish < "$T/script")
expect_in "lock bump: before" "lockbump-tool v1" "$out"
expect_in "lock bump: the update is said" \
    "hearth: the default shell of $lb was updated" "$out"
expect_in "lock bump: the next prompt has the new tool" "lockbump-tool v2" "$out"

# 6. A changed flake.nix blocks the workspace: kept, one notice.
cat > "$T/script" <<EOF
cd $T/ws
echo 'var:['(v FIXTURE_VAR)']'
echo '# edit' >> flake.nix; sleep 1
echo 'var:['(v FIXTURE_VAR)']'
echo again
EOF
out=$(run_elvish < "$T/script")
expect_in "blocked: loaded before" "var:[fixture-value]" "$out"
expect_in "blocked: the notice" \
    "hearth: flake.nix changed since you allowed $T/ws; run hearth allow" "$out"
# Issue 12: the last good environment, made from trusted content, stays.
expect_eq "blocked: the last good environment stays" 2 \
    "$(printf '%s\n' "$out" | grep -c 'var:\[fixture-value\]')"
n=$(printf '%s\n' "$out" | grep -c 'flake.nix changed since you allowed')
expect_eq "blocked: said once" 1 "$n"
hearth allow "$T/ws" >/dev/null

# 7. Hostile values are data; a value that is not UTF-8 is left out.
fixture tricky "$T/tr" >/dev/null
hearth allow "$T/tr" >/dev/null
wait_ready "$T/tr"
cat > "$T/script" <<EOF
cd $T/tr
echo 'dollar:['\$E:TRICKY_DOLLAR']'
echo 'invalid:['(v TRICKY_INVALID)']'
echo 'big:['(count \$E:TRICKY_BIG)']'
tricky-tool
env -0 > $T/tr.elvish
cd /
EOF
out=$(run_elvish < "$T/script")
expect_in "tricky: the notice names the value elvish is not given" \
    "hearth: not set in elvish, whose values must be UTF-8: TRICKY_INVALID" "$out"
expect_in "tricky: left out" "invalid:[unset]" "$out"
expect_in "tricky: \$(...) is data" 'dollar:[$HOME ${PATH} $(id) `id` $((1+1))]' "$out"
expect_in "tricky: the tool runs" "tricky-tool ok" "$out"
expect_in "tricky: 100 KB value" "big:[102400]" "$out"
(cd "$T/tr" && env -i HOME="$HOME" PATH="$PATH" \
    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_STATE_HOME="$XDG_STATE_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
    bash --norc --noprofile -c \
    'eval "$(hearth export bash 2>/dev/null)"; exec env -0') > "$T/tr.bash"
pick() { grep -zaE '^TRICKY_' "$1" | grep -zav '^TRICKY_INVALID=' | grep -zav '^TRICKY_HOOK_PWD=' | sort -z; }
check "tricky: every other value is bash's" \
    cmp -s <(pick "$T/tr.elvish") <(pick "$T/tr.bash")
st=$(hearth status "$T/tr" 2>&1)
expect_in "tricky: status lists it" "values elvish cannot hold, not set there: TRICKY_INVALID" "$st"

# 8. Without Nix: one notice per session, nothing applied.
hearth daemon stop >/dev/null
IT_ELVISH_RC_EXTRA="set paths = [$BUILD]"
cat > "$T/script" <<EOF
cd $T/ws
cd /
cd $T/ws/sub
echo 'nonix:['(v FIXTURE_VAR)']'
EOF
out=$(run_elvish < "$T/script")
n=$(printf '%s\n' "$out" | grep -c 'hearth: nix is not installed')
expect_eq "no Nix: one notice per shell session" 1 "$n"
expect_in "no Nix: nothing applied" "nonix:[unset]" "$out"
it_finish
