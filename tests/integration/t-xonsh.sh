#!/usr/bin/env bash
# xonsh, set up as the install line says (~/.xonshrc runs the hook with
# execx), with the user's own pre-prompt handler, variables and PATH: cd
# into an allowed workspace gives the dev shell's tool and variables;
# PATH is xonsh's list, and a child gets it joined as bash would; cd out
# restores the user's values and PATH, with the user's own additions
# kept, and an enter and leave gives back exactly the environment a child
# saw before; the user's handler is kept; shellHook output is shown once;
# a prompt where nothing changed runs no process (strace); a name that is
# one of xonsh's settings is left out; monorepo switching, a lock bump, a
# blocked workspace, no Nix, and values xonsh gets only as UTF-8.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

# 1. Enter and leave, as a user has it.
IT_XONSH_RC_EXTRA="\$FIXTURE_VAR = 'user-value'
\$PATH.append('$T/userbin')
@events.on_pre_prompt
def _user_hook(**kw):
    print('user-prompt-hook:[' + v('FIXTURE_VAR') + ']')"
cat > "$T/script" <<EOF
print('before:[' + v('FIXTURE_VAR') + '][' + v('FIXTURE_HOOK') + '][' + \$(printenv PATH).strip() + ']')
cd $T/ws/sub/dir
fixture-tool
print('inside:[' + v('FIXTURE_VAR') + '][' + v('FIXTURE_HOOK') + '][' + v('FIXTURE_QUOTE') + ']')
print('path-type:[' + type(\$PATH).__name__ + '][' + str(len(\$PATH)) + ']')
print('dev-path:[' + ':'.join(\$PATH) + ']')
print('child-path:[' + \$(printenv PATH).strip() + ']')
\$PATH.append('/user/added')
cd $T/ws
cd /
print('after:[' + v('FIXTURE_VAR') + '][' + v('FIXTURE_HOOK') + '][' + \$(printenv PATH).strip() + ']')
print('leftover:[' + \$(sh -c 'env | grep -cE "^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=" || true').strip() + ']')
EOF
out=$(run_xonsh < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][unset][$base]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" \
    "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
dev_path=$(printf '%s\n' "$out" | sed -n 's/.*dev-path:\[\(\/nix[^]]*\)\]$/\1/p')
n=$(printf '%s\n' "$dev_path" | tr ':' '\n' | wc -l)
expect_in "PATH is xonsh's list of its entries" "path-type:[EnvPath][$n]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
expect_in "a child gets the same PATH" "child-path:[$dev_path]" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "restored after leaving, the user's PATH addition kept" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
expect_in "the user's prompt handler runs and sees the dev shell" \
    "user-prompt-hook:[fixture-value]" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_not_in "no traceback from the hook" "Traceback" "$out"

# doctor reads the rc file the install line went in, and without it says
# which line to add where.
out=$(SHELL=/usr/bin/xonsh hearth doctor 2>&1)
expect_in "doctor: the hook is found" ".xonshrc runs \`hearth hook xonsh\`" "$out"
mv "$HOME/.xonshrc" "$T/rc.saved"
out=$(SHELL=/usr/bin/xonsh hearth doctor 2>&1)
expect_in "doctor: without it, the line to add" "no \`hearth hook xonsh\` in" "$out"
mv "$T/rc.saved" "$HOME/.xonshrc"

# 2. Leaving gives back exactly what a child saw before.
IT_XONSH_RC_EXTRA=""
cat > "$T/script" <<EOF
env -0 > $T/env.before
cd $T/ws
print('in:[' + v('FIXTURE_VAR') + ']')
cd /
env -0 > $T/env.after
EOF
out=$(run_xonsh < "$T/script")
expect_in "entered" "in:[fixture-value]" "$out"
# LAST_RETURN_CODE and XONSH_* are xonsh's own, set as commands run.
xonsh_env() {
	env_sorted "$1" | grep -zEv '^(LAST_RETURN_CODE|XONSH_[A-Z_]*)='
}
if cmp -s <(xonsh_env "$T/env.before") <(xonsh_env "$T/env.after"); then
	ok "leaving restores the environment exactly"
else
	fail "leaving restores the environment exactly" \
	    "$(diff <(xonsh_env "$T/env.before" | tr '\0' '\n') \
	    <(xonsh_env "$T/env.after" | tr '\0' '\n'))"
fi

# 3. No process on a prompt where nothing changed: between the markers
# (opened in-process) the shell runs hearth export for each cd (unlike
# bash, zsh and fish, a cd out is not undone by the hook itself) and
# nothing else; it reads the generation file itself.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
cd $T/ws
open('$T/mark-begin').close()
print('one')
print('two')
cd sub
print('three')
cd /
print('four')
open('$T/mark-end').close()
print('var:[' + v('FIXTURE_VAR') + ']')
EOF
write_xonshrc
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 \
    -o "$T/trace" -e trace=execve,fork,vfork,clone,clone3,open,openat \
    "$BUILD/ptyrun" -t 120 -- xonsh -i < "$T/script")
expect_in "the shell still works" "var:[unset]" "$out"
# xonsh runs commands in threads: every traced line between the markers.
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
show="'[' + v('MONO_SHELL') + '][' + v('API_EXTRA') + '][' + v('WEB_PORT') + ']'"
cat > "$T/script" <<EOF
cd $mws/services/api/src
print('a:' + $show)
cd $mws/services/web
print('w:' + $show)
cd $mws/docs
print('d:' + $show)
cd /
print('o:' + $show)
EOF
out=$(run_xonsh < "$T/script")
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
print('waited')
lockbump-tool
EOF
out=$(run_xonsh < "$T/script")
expect_in "lock bump: before" "lockbump-tool v1" "$out"
expect_in "lock bump: the update is said" \
    "hearth: the default shell of $lb was updated" "$out"
expect_in "lock bump: the next prompt has the new tool" "lockbump-tool v2" "$out"

# 6. A changed flake.nix blocks the workspace: kept, one notice.
cat > "$T/script" <<EOF
cd $T/ws
print('var:[' + v('FIXTURE_VAR') + ']')
sh -c "echo '# edit' >> flake.nix; sleep 1"
print('var:[' + v('FIXTURE_VAR') + ']')
print('again')
EOF
out=$(run_xonsh < "$T/script")
expect_in "blocked: loaded before" "var:[fixture-value]" "$out"
expect_in "blocked: the notice" \
    "hearth: flake.nix changed since you allowed $T/ws; run hearth allow" "$out"
# Issue 12: the last good environment, made from trusted content, stays.
expect_eq "blocked: the last good environment stays" 2 \
    "$(printf '%s\n' "$out" | grep -c 'var:\[fixture-value\]')"
n=$(printf '%s\n' "$out" | grep -c 'flake.nix changed since you allowed')
expect_eq "blocked: said once" 1 "$n"
hearth allow "$T/ws" >/dev/null

# 7. Hostile values are data; a value that is not UTF-8 is left out; a
# name that is one of xonsh's settings is left out.
fixture tricky "$T/tr" >/dev/null
sed -i 's|TRICKY_EMPTY = "";|TRICKY_EMPTY = "";\n          AUTO_CD = "yes";\n          PROMPT = "pwned> ";|' \
    "$T/tr/flake.nix"
git -C "$T/tr" commit -qam "xonsh settings"
hearth allow "$T/tr" >/dev/null
wait_ready "$T/tr"
cat > "$T/script" <<EOF
cd $T/tr
print('dollar:[' + v('TRICKY_DOLLAR') + ']')
print('invalid:[' + v('TRICKY_INVALID') + ']')
print('big:[' + str(len(v('TRICKY_BIG'))) + ']')
print('settings:[' + str(\$AUTO_CD) + ']')
tricky-tool
env -0 > $T/tr.xonsh
cd /
EOF
out=$(run_xonsh < "$T/script")
expect_in "tricky: the notice names the value xonsh is not given" \
    "hearth: not set in xonsh, whose values must be UTF-8: TRICKY_INVALID" "$out"
expect_in "tricky: left out" "invalid:[unset]" "$out"
expect_in "settings: the notice" \
    "hearth: not set in xonsh, whose own settings they are: AUTO_CD PROMPT" "$out"
expect_in "settings: left alone" "settings:[False]" "$out"
expect_not_in "settings: the prompt is the user's" "pwned>" "$out"
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
    cmp -s <(pick "$T/tr.xonsh") <(pick "$T/tr.bash")
st=$(hearth status "$T/tr" 2>&1)
expect_in "tricky: status lists it" "values xonsh cannot hold, not set there: TRICKY_INVALID" "$st"

# 8. Without Nix: one notice per session, nothing applied.
hearth daemon stop >/dev/null
IT_XONSH_RC_EXTRA="\$PATH = ['$BUILD']"
cat > "$T/script" <<EOF
cd $T/ws
cd /
cd $T/ws/sub
print('nonix:[' + v('FIXTURE_VAR') + ']')
EOF
out=$(run_xonsh < "$T/script")
n=$(printf '%s\n' "$out" | grep -c 'hearth: nix is not installed')
expect_eq "no Nix: one notice per shell session" 1 "$n"
expect_in "no Nix: nothing applied" "nonix:[unset]" "$out"
it_finish
