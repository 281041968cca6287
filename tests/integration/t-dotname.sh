#!/usr/bin/env bash
# devShell names Nix's attribute paths must quote (tests/fixtures/dotname):
# "web.app" and "api v2" get ready beside default, a cd into web/ (mapped
# to "web.app" by .hearth.ini) applies its variables and tool, and the
# name no quoting can give Nix (say"hi) fails with a one-line reason,
# never reaching Nix unquoted.
. "$(dirname "$0")/lib.sh"
it_setup

fixture dotname "$T/ws" >/dev/null
ws="$T/ws"
sleep 1

hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
wait_ready "$ws/web"
expect_eq "web/ maps to web.app" "web.app" "$(shell_of "$ws/web/src")"
expect_eq "the root maps to default" default "$(shell_of "$ws")"
check "web.app evaluated" wait_log "$ws#web.app: snapshot [0-9]* ready"
check "api v2 evaluated" wait_log "$ws#api v2: snapshot [0-9]* ready"
check "default evaluated" wait_log "$ws#default: snapshot [0-9]* ready"
expect_eq "web.app's variable, as hearth gives it" "web.app" \
    "$(dev_var "$ws/web" DOT_SHELL)"
expect_eq "the same as nix print-dev-env gives it" "web.app" \
    "$(nix_var "$ws#\"web.app\"" DOT_SHELL)"

# The refused name: a failure with its reason, one line, and no Nix run.
check "say\"hi refused" wait_log "$ws#say\"hi: evaluation failed: devShell name 'say\"hi' holds a '\"', which nix's attribute paths cannot quote"
expect_eq "no evaluation of say\"hi started" 0 \
    "$(grep -c "evaluating $ws#say" "$HLOG")"
expect_eq "no evaluation of web.app unquoted" 0 \
    "$(grep -c "does not provide attribute" "$HLOG")"

cat > "$T/script" <<EOF2
cd $ws/web/src
echo "web:[\$DOT_SHELL]"; web-app-tool
cd $ws
echo "root:[\$DOT_SHELL]"; command -v web-app-tool >/dev/null || echo "no web-app""-tool at the root"
EOF2
out=$(run_bash < "$T/script")
expect_in "cd into web/ loads web.app" \
    "hearth: loaded the web.app shell of $ws" "$out"
expect_in "web.app's variable applied" "web:[web.app]" "$out"
expect_in "web.app's tool" "web-app-tool ok" "$out"
expect_in "cd to the root loads default" "root:[default]" "$out"
expect_in "web.app's tool gone at the root" "no web-app-tool at the root" \
    "$out"

# hearth check builds the quoted names and reports the refused one.
out=$(cd "$ws" && hearth check 2>&1)
expect_in "check: web.app builds" "build web.app" "$out"
expect_in "check: the refused name, in one line" \
    "holds a '\"', which nix's attribute paths cannot quote" "$out"

it_finish
