#!/usr/bin/env bash
# A monorepo (tests/fixtures/monorepo): after `hearth allow` every devShell
# is evaluated without anyone entering it, the one a user waits in first;
# directories map to shells by .hearth.ini, then by the nearest directory
# named like a devShell, then default; cd between packages switches
# environments cleanly in one prompt; a nested flake is a workspace of its
# own, untrusted until allowed there, and trusted on its own.
. "$(dirname "$0")/lib.sh"
it_setup

fixture monorepo "$T/m" >/dev/null
ws="$T/m/ws"
nested="$ws/packages/nested"
# Files written in the second an evaluation starts make it count as racy
# (t-monorepo-inputs.sh tests that); here the fixture is older.
sleep 1

# 1. Warm after allow, with no one entering. One evaluation at a time,
# each a second slow, so that the order shows.
nix_counter
echo 1 > "$T/nix-delay"
HEARTH_MAX_EVALS=1 hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
# A user waits in the web package while the devShells are being listed.
out=$(hearth wait --timeout 120 "$ws/services/web" 2>&1)
expect_in "the waiting user's shell gets ready" \
    "the web shell of $ws is ready" "$out"
# Nobody asks about api or default: they get ready all the same.
if wait_log "$ws#api: snapshot [0-9]* ready" &&
    wait_log "$ws#default: snapshot [0-9]* ready"; then
	ok "every devShell evaluated with no one entering it"
else
	fail "every devShell evaluated with no one entering it" \
	    "$(cat "$HLOG")"
fi
order=$(grep -o "evaluating $ws#[a-z]*\$" "$HLOG" | sed 's/.*#//' |
    tr '\n' ' ')
expect_eq "the shell a user waits in is evaluated first" "web" \
    "${order%% *}"
# The cap holds for every Nix run: the listing and the inputs' GC roots
# queue behind it like evaluations do.
check "the flake inputs got rooted" wait_log "$ws: flake inputs rooted"
if [ "$(nix_max_concurrent)" = 1 ]; then
	ok "HEARTH_MAX_EVALS=1: never two Nix runs at once"
else
	fail "HEARTH_MAX_EVALS=1: never two Nix runs at once" \
	    "$(cat "$T/nix-conc")"
fi
rm -f "$T/nix-delay"
for s in api default web; do
	expect_eq "one evaluation of $s after allow" 1 "$(evals "$ws" "$s")"
done
expect_eq "a never-entered package is ready before any shell cds there" \
    ready "$(state_of "$ws/services/api/src")"
expect_eq "the workspace root is ready" ready "$(state_of "$ws")"

# 2. Which shell a directory gets.
expect_eq "root: default" default "$(shell_of "$ws")"
expect_eq "docs: default (no rule applies)" default "$(shell_of "$ws/docs")"
expect_eq "services/api: api (directory name)" api \
    "$(shell_of "$ws/services/api")"
expect_eq "services/api/src: api (nearest enclosing name)" api \
    "$(shell_of "$ws/services/api/src")"
expect_eq "services/web: web (directory name)" web \
    "$(shell_of "$ws/services/web")"
expect_eq "services/web/api: web (.hearth.ini wins over the name)" web \
    "$(shell_of "$ws/services/web/api")"
expect_eq "ops: api (.hearth.ini wins over default)" api \
    "$(shell_of "$ws/ops")"
st=$(hearth status "$nested" 2>&1)
expect_in "the nested flake is a workspace of its own" \
    "workspace  $nested" "$st"
expect_in "the nested flake is not allowed by the outer allowance" \
    "untrusted" "$st"
expect_eq "nothing of the nested flake evaluated before its allowance" 0 \
    "$(grep -c "evaluating $nested#" "$HLOG")"

# 3. A user moves between packages.
IT_BASHRC_EXTRA="export USER_VAR=mine"
cat > "$T/script" <<EOF
env | grep -vE '^(_|PWD|OLDPWD|SHLVL|HEARTH_STATE)=' | sort > $T/env.before
cd $ws/services/api/src
api-tool; mono-tool
echo "api:[\$MONO_SHELL][\$API_SETTING][\${WEB_PORT-unset}][\$USER_VAR]"
cd $ws/services/web
web-tool; command -v api-tool >/dev/null && echo "still has api""-tool"
echo "web:[\$MONO_SHELL][\${API_SETTING-unset}][\${API_EXTRA-unset}][\$WEB_PORT]"
echo "webpath:[\$(echo "\$PATH" | tr ':' '\n' | grep -c '^/nix/store/')][\${PATH#*/bin:$BUILD}]"
cd $ws/services/web/api
echo "webapi:[\$MONO_SHELL]"
cd $ws/ops
echo "ops:[\$MONO_SHELL][\${WEB_PORT-unset}]"; api-tool
cd $ws/docs
echo "docs:[\$MONO_SHELL][\${API_SETTING-unset}]"
cd $nested
echo "nested:[\${MONO_SHELL-unset}]"; command -v mono-tool >/dev/null || echo "no mono""-tool in the nested flake"
cd /
env | grep -vE '^(_|PWD|OLDPWD|SHLVL|HEARTH_STATE)=' | sort > $T/env.after
EOF
out=$(run_bash < "$T/script")
expect_in "the api shell loads at the first prompt in a new package" \
    "hearth: loaded the api shell of $ws" "$out"
expect_in "api tool" "api-tool ok" "$out"
expect_in "tools input's tool" "mono-tool v1" "$out"
expect_in "api variables" "api:[api][one][unset][mine]" "$out"
expect_in "cd to web loads the web shell" "hearth: loaded the web shell of $ws" \
    "$out"
expect_in "web tool" "web-tool ok" "$out"
expect_not_in "api tool gone in web" "still has api-tool" "$out"
expect_in "api variables reverted, web applied" "web:[web][unset][unset][8080]" \
    "$out"
expect_in "web PATH: its two store entries, then the user's PATH" \
    "webpath:[2][:/usr/bin:/bin]" "$out"
expect_in "services/web/api stays in web" "webapi:[web]" "$out"
n=$(printf '%s\n' "$out" | grep -c "hearth: loaded the web shell")
expect_eq "no reload moving inside the web shell's directories" 1 "$n"
expect_in "ops gets the api shell" "ops:[api][unset]" "$out"
expect_in "docs gets the default shell" "docs:[default][unset]" "$out"
expect_in "the nested flake is not allowed" \
    "hearth: $nested is not allowed" "$out"
expect_in "entering it unloads the outer shell" \
    "hearth: unloaded the default shell of $ws" "$out"
expect_in "no outer variables in the nested flake" "nested:[unset]" "$out"
expect_in "no outer tool in the nested flake" "no mono-tool in the nested flake" \
    "$out"
if diff "$T/env.before" "$T/env.after" > "$T/env.diff"; then
	ok "the user's environment restored after the tour"
else
	fail "the user's environment restored after the tour" \
	    "$(cat "$T/env.diff")"
fi
n=$(printf '%s\n' "$out" | grep -c '^hearth: .*failed')
expect_eq "no failures on the way" 0 "$n"

# 4. The nested flake is allowed on its own, and trusted on its own.
cat > "$T/script" <<EOF
cd $nested
hearth allow >/dev/null && echo "allowed""-nested"
hearth wait --timeout 60 >/dev/null && echo "nested ready"
nested-tool
echo "nested:[\$MONO_SHELL]"
cd $ws/services/api
echo "back:[\$MONO_SHELL]"
EOF
out=$(run_bash < "$T/script")
expect_in "hearth allow in the nested flake" "allowed-nested" "$out"
expect_in "the nested flake's shell gets ready" "nested ready" "$out"
expect_in "the nested flake's tool" "nested-tool ok" "$out"
expect_in "the nested flake's variables" "nested:[nested]" "$out"
expect_in "back in the outer workspace" "back:[api]" "$out"
echo "# a change" >> "$nested/flake.nix"
expect_eq "a changed nested flake.nix blocks the nested flake" blocked \
    "$(state_of "$nested")"
expect_eq "but not the outer workspace" ready "$(state_of "$ws/services/api")"
hearth allow "$nested" >/dev/null
echo "# a change" >> "$ws/flake.nix"
expect_eq "a changed outer flake.nix blocks the outer workspace" blocked \
    "$(state_of "$ws/services/web")"
st=$(state_of "$nested")
case $st in
ready|evaluating) ok "but not the nested flake ($st)" ;;
*) fail "but not the nested flake: $st" ;;
esac
it_finish
