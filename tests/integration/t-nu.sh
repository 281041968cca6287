#!/usr/bin/env bash
# nushell, set up as the install line says (env.nu writes the hook into
# the autoload directory), with the user's own pre_prompt hook, variables
# and PATH: cd into an allowed workspace gives the dev shell's tool and
# variables; PATH is a list nushell looks commands up in, and a child
# gets it joined as bash would; cd out restores the user's values and
# PATH, with the user's own additions kept, and an enter and leave gives
# back exactly the environment a child saw before; $env.LAST_EXIT_CODE
# and the user's hook are kept; shellHook output is shown once; a prompt
# where nothing changed runs no process (strace); monorepo switching, a
# lock bump, a blocked workspace, no Nix, and values nushell cannot hold.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/prompt-trace.sh"
it_setup
if [ ! -x "$NU" ]; then
	fail "nushell is not installed at $NU (make deps installs it)"
	it_finish
fi

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub/dir"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"

# 1. Enter and leave, as a user has it.
IT_NU_CONFIG_EXTRA="\$env.FIXTURE_VAR = 'user-value'
\$env.PATH = (\$env.PATH | append '$T/userbin')
\$env.config.hooks.pre_prompt = [{|| print \$'user-prompt-hook:[(\$env.FIXTURE_VAR? | default none)]' }]"
cat > "$T/script" <<EOF
print \$"before:[(\$env.FIXTURE_VAR)][(\$env.FIXTURE_HOOK? | default unset)][(\$env.PATH | str join ':')]"
cd $T/ws/sub/dir
fixture-tool
print \$"inside:[(\$env.FIXTURE_VAR)][(\$env.FIXTURE_HOOK)][(\$env.FIXTURE_QUOTE)]"
print \$"path-type:[(\$env.PATH | describe)]"
print \$"dev-path:[(\$env.PATH | str join ':')]"
print \$"child-path:[(^printenv PATH)]"
\$env.PATH = (\$env.PATH | append /user/added)
^false
print \$"status:[(\$env.LAST_EXIT_CODE)]"
cd $T/ws
cd /
print \$"after:[(\$env.FIXTURE_VAR)][(\$env.FIXTURE_HOOK? | default unset)][(\$env.PATH | str join ':')]"
print \$"tool:[(which fixture-tool | length)]"
print \$"leftover:[(^env | lines | where {|l| \$l =~ '^(IN_NIX_SHELL|NIX_STORE|stdenv|out|shellHook)=' } | length)]"
print \$"hidden:[(^env | lines | where {|l| \$l =~ '^_HEARTH' } | length)]"
EOF
out=$(run_nu < "$T/script")
base="$BUILD:/usr/bin:/bin:$T/userbin"
expect_in "user's values before" "before:[user-value][unset][$base]" "$out"
expect_in "tool runs inside" "fixture-tool v1" "$out"
expect_in "variables inside" \
    "inside:[fixture-value][ran][it's \"quoted\" \$HOME back\\slash]" "$out"
expect_in "PATH is a list in nushell" "path-type:[list<string>]" "$out"
expect_in "dev PATH in front of the user's" "/bin:$base]" "$out"
expect_in "PATH entry from the store" "dev-path:[/nix/store/" "$out"
dev_path=$(printf '%s\n' "$out" | sed -n 's/.*dev-path:\[\(\/nix[^]]*\)\]$/\1/p')
expect_in "a child gets the same PATH, joined" "child-path:[$dev_path]" "$out"
expect_in "load notice" "hearth: loaded the default shell of $T/ws" "$out"
expect_in "unload notice" "hearth: unloaded the default shell of $T/ws" "$out"
expect_in "\$env.LAST_EXIT_CODE kept" "status:[1]" "$out"
expect_in "restored after leaving, the user's PATH addition kept" \
    "after:[user-value][unset][$base:/user/added]" "$out"
expect_in "tool gone after leaving" "tool:[0]" "$out"
expect_in "no dev variable left outside" "leftover:[0]" "$out"
expect_in "the hook's state is not passed to children" "hidden:[0]" "$out"
expect_in "the user's prompt hook runs and sees the dev shell" \
    "user-prompt-hook:[fixture-value]" "$out"
n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
expect_eq "shellHook output shown once" 1 "$n"
n=$(printf '%s\n' "$out" | grep -c 'hearth: loaded')
expect_eq "loaded once for moves inside the workspace" 1 "$n"
expect_not_in "no error from the hook" "Error:" "$out"

# doctor reads the rc file the install line went in, and without it says
# which line to add where.
out=$(SHELL=$NU hearth doctor 2>&1)
expect_in "doctor: the hook is found" "env.nu runs \`hearth hook nu\`" "$out"
mv "$XDG_CONFIG_HOME/nushell/env.nu" "$T/rc.saved"
out=$(SHELL=$NU hearth doctor 2>&1)
expect_in "doctor: without it, the line to add" "no \`hearth hook nu\` in" "$out"
mv "$T/rc.saved" "$XDG_CONFIG_HOME/nushell/env.nu"

# 2. Leaving gives back exactly what a child saw before.
IT_NU_CONFIG_EXTRA=""
cat > "$T/script" <<EOF
^env -0 | save -f $T/env.before
cd $T/ws
print \$"in:[(\$env.FIXTURE_VAR)]"
cd /
^env -0 | save -f $T/env.after
EOF
out=$(run_nu < "$T/script")
expect_in "entered" "in:[fixture-value]" "$out"
# CMD_DURATION_MS is nushell's own, the last command's time.
nu_env() {
	env_sorted "$1" | grep -zv '^CMD_DURATION_MS='
}
if cmp -s <(nu_env "$T/env.before") <(nu_env "$T/env.after"); then
	ok "leaving restores the environment exactly"
else
	fail "leaving restores the environment exactly" \
	    "$(diff <(nu_env "$T/env.before" | tr '\0' '\n') \
	    <(nu_env "$T/env.after" | tr '\0' '\n'))"
fi

# 3. No process on a prompt where nothing changed: between the markers
# (opened by the `open` builtin) the shell runs hearth export for each cd
# (unlike bash, zsh and fish, a cd out is not undone by the hook itself)
# and nothing else; it reads the generation file itself.
: > "$T/mark-begin"
: > "$T/mark-end"
cat > "$T/script" <<EOF
cd $T/ws
open --raw $T/mark-begin | ignore
print one
print two
cd sub
print three
cd /
print four
open --raw $T/mark-end | ignore
print \$"var:[(\$env.FIXTURE_VAR? | default unset)]"
EOF
write_nu_config
# nu is a static musl build: it opens files with open(2), not openat.
out=$(ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 \
    -o "$T/trace" -e trace=execve,fork,vfork,clone,clone3,open,openat \
    "$BUILD/ptyrun" -t 120 -- "$NU" -i < "$T/script")
expect_in "the shell still works" "var:[unset]" "$out"
region mark-begin mark-end > "$T/region"
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
cat > "$T/script" <<EOF
cd $mws/services/api/src
print \$"a:[(\$env.MONO_SHELL)][(\$env.API_EXTRA? | default unset)][(\$env.WEB_PORT? | default unset)]"
cd $mws/services/web
print \$"w:[(\$env.MONO_SHELL)][(\$env.API_EXTRA? | default unset)][(\$env.WEB_PORT? | default unset)]"
cd $mws/docs
print \$"d:[(\$env.MONO_SHELL)][(\$env.API_EXTRA? | default unset)][(\$env.WEB_PORT? | default unset)]"
cd /
print \$"o:[(\$env.MONO_SHELL? | default unset)]"
EOF
out=$(run_nu < "$T/script")
expect_in "monorepo: api" "a:[api][none][unset]" "$out"
expect_in "monorepo: web, api's variable gone" "w:[web][unset][8080]" "$out"
expect_in "monorepo: default" "d:[default][unset][unset]" "$out"
expect_in "monorepo: out" "o:[unset]" "$out"

# 5. A lock bump reaches the open shell at its next prompt.
fixture lockbump "$T/lb" >/dev/null
lb="$T/lb/ws"
hearth allow "$lb" >/dev/null
wait_ready "$lb"
n0=$(grep -c "snapshot .* ready" "$HLOG" || true)
cat > "$T/script" <<EOF
cd $lb
lockbump-tool
^sh $IT_DIR/bump-tools.sh $T/lb 2 | ignore
^sh -c "i=0; while [ \"\\\$(grep -c 'snapshot .* ready' $HLOG)\" -le $n0 ] && [ \\\$i -lt 600 ]; do sleep 0.1; i=\\\$((i+1)); done"
print waited
lockbump-tool
EOF
out=$(run_nu < "$T/script")
expect_in "lock bump: before" "lockbump-tool v1" "$out"
expect_in "lock bump: the update is said" \
    "hearth: the default shell of $lb was updated" "$out"
expect_in "lock bump: the next prompt has the new tool" "lockbump-tool v2" "$out"

# 6. A changed flake.nix blocks the workspace: kept, one notice.
cat > "$T/script" <<EOF
cd $T/ws
print \$"var:[(\$env.FIXTURE_VAR? | default unset)]"
"# edit\n" | save -a flake.nix
^sleep 1
print \$"var:[(\$env.FIXTURE_VAR? | default unset)]"
print again
EOF
out=$(run_nu < "$T/script")
expect_in "blocked: loaded before" "var:[fixture-value]" "$out"
expect_in "blocked: the notice" \
    "hearth: flake.nix changed since you allowed $T/ws; run hearth allow" "$out"
# Issue 12: the last good environment, made from trusted content, stays.
expect_eq "blocked: the last good environment stays" 2 \
    "$(printf '%s\n' "$out" | grep -c 'var:\[fixture-value\]')"
n=$(printf '%s\n' "$out" | grep -c 'flake.nix changed since you allowed')
expect_eq "blocked: said once" 1 "$n"
hearth allow "$T/ws" >/dev/null

# 7. Values nushell cannot hold, and hostile ones: the tricky fixture.
fixture tricky "$T/tr" >/dev/null
hearth allow "$T/tr" >/dev/null
wait_ready "$T/tr"
cat > "$T/script" <<EOF
cd $T/tr
print \$"dollar:[(\$env.TRICKY_DOLLAR)]"
print \$"invalid:[(\$env.TRICKY_INVALID? | default unset)]"
print \$"big:[(\$env.TRICKY_BIG | str length)]"
tricky-tool
^env -0 | save -f $T/tr.nu
cd /
EOF
out=$(run_nu < "$T/script")
expect_in "tricky: the notice names the value nushell cannot hold" \
    "hearth: not set in nu, whose values must be UTF-8: TRICKY_INVALID" "$out"
expect_in "tricky: left out" "invalid:[unset]" "$out"
expect_in "tricky: \$(...) is data" 'dollar:[$HOME ${PATH} $(id) `id` $((1+1))]' "$out"
expect_in "tricky: the tool runs" "tricky-tool ok" "$out"
expect_in "tricky: 100 KB value" "big:[102400]" "$out"
# Every other value is what bash gets, byte for byte.
(cd "$T/tr" && env -i HOME="$HOME" PATH="$PATH" \
    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_STATE_HOME="$XDG_STATE_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
    bash --norc --noprofile -c \
    'eval "$(hearth export bash 2>/dev/null)"; exec env -0') > "$T/tr.bash"
pick() { grep -zaE '^TRICKY_' "$1" | grep -zav '^TRICKY_INVALID=' | grep -zav '^TRICKY_HOOK_PWD=' | sort -z; }
check "tricky: every other value is bash's" \
    cmp -s <(pick "$T/tr.nu") <(pick "$T/tr.bash")
st=$(hearth status "$T/tr" 2>&1)
expect_in "tricky: status lists it" "values nu cannot hold, not set there: TRICKY_INVALID" "$st"

# 8. nushell's names ignore case: a dev shell's `path` or `fixture_var`
# would overwrite PATH or FIXTURE_VAR there. Left out, with a notice.
fixture basic "$T/case" >/dev/null
sed -i 's|FIXTURE_VAR = "fixture-value";|FIXTURE_VAR = "fixture-value";\n          path = "hostile";\n          fixture_var = "lower";|' \
    "$T/case/flake.nix"
git -C "$T/case" commit -qam "names alike in other case"
hearth allow "$T/case" >/dev/null
wait_ready "$T/case"
cat > "$T/script" <<EOF
cd $T/case
print \$"case:[(\$env.PATH | describe)][(\$env.FIXTURE_VAR)]"
fixture-tool
cd /
print \$"case-after:[(\$env.PATH | str join ':')]"
EOF
out=$(run_nu < "$T/script")
expect_in "names alike in other case: the notice" \
    "hearth: not set in nu, where they would overwrite a variable named alike in other case: fixture_var path" \
    "$out"
expect_in "names alike in other case: PATH is still the list" \
    "case:[list<string>][fixture-value]" "$out"
expect_in "names alike in other case: the tool still runs" "fixture-tool v1" "$out"
expect_in "names alike in other case: PATH back after leaving" \
    "case-after:[$BUILD:/usr/bin:/bin]" "$out"
# bash, whose names are exact, gets them.
(cd "$T/case" && bash --norc --noprofile -c \
    'eval "$(hearth export bash 2>/dev/null)"; echo "[$path][$fixture_var]"') \
    > "$T/case.bash"
expect_eq "bash sets them" "[hostile][lower]" "$(cat "$T/case.bash")"

# 9. Without Nix: one notice per session, nothing applied.
hearth daemon stop >/dev/null
IT_NU_CONFIG_EXTRA="\$env.PATH = ['$BUILD']"
cat > "$T/script" <<EOF
cd $T/ws
cd /
cd $T/ws/sub
print \$"nonix:[(\$env.FIXTURE_VAR? | default unset)]"
EOF
out=$(run_nu < "$T/script")
n=$(printf '%s\n' "$out" | grep -c 'hearth: nix is not installed')
expect_eq "no Nix: one notice per shell session" 1 "$n"
expect_in "no Nix: nothing applied" "nonix:[unset]" "$out"
it_finish
