#!/usr/bin/env bash
# `make demo`: hearth's main job, for real, on the bundled example
# workspace. It lays contrib/example into a temporary git repository,
# starts hearthd in a private runtime directory, allows the workspace and
# waits for the daemon to evaluate it, then drives a real interactive bash
# on a pty that cds in, runs the dev shell's tools, cds out and shows them
# gone. Everything lives in one temporary directory, removed at the end.
# No network is needed: the example flake uses no nixpkgs.
set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
top=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/hearth-demo.XXXXXX)
cleanup() {
	"$BUILD/hearth" daemon stop >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

. "$top/tests/tools/sandbox.sh"
sandbox_init "$T"
export PATH="$BUILD:$PATH" TERM=dumb
ws="$T/example"
sandbox_example "$ws"
say "workspace: $ws (a flake with two tools and a shellHook)"

hearth daemon start
hearth allow "$ws"
start=$(date +%s%N)
if ! out=$(hearth wait --timeout 300 "$ws" 2>&1); then
	printf '%s\n' "$out" >&2
	sandbox_diagnose "$out$(hearth log "$ws" 2>&1)" || true
	exit 1
fi
say "the daemon evaluated the dev shell in the background in" \
    "$(( ($(date +%s%N) - start) / 1000000 )) ms; the prompt never waited"

cat > "$T/bashrc" <<'RC'
PS1='demo$ '
eval "$(hearth hook bash)"
RC
cat > "$T/script" <<EOF
command -v hello-hearth || echo "hello-hearth: not on PATH"
cd $ws
hello-hearth
hearth-greet hearth
echo "EXAMPLE_PORT=\$EXAMPLE_PORT EXAMPLE_HOOK_RAN=\$EXAMPLE_HOOK_RAN"
cd /
command -v hello-hearth || echo "hello-hearth: not on PATH"
echo "EXAMPLE_PORT=\${EXAMPLE_PORT-<unset>}"
EOF
say "an interactive bash on a pty, with hearth's hook in its rc file:"
out=$("$BUILD/ptyrun" -t 60 -m 'demo$ ' -- \
    bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
printf '%s\n' "$out" | sed -e '/^demo\$ exit$/,$d' -e 's/^/    /'

fail=0
for want in "hello from the hearth example shell" "hello, hearth!" \
    "EXAMPLE_PORT=8080 EXAMPLE_HOOK_RAN=1" "EXAMPLE_PORT=<unset>"; do
	case $out in
	*"$want"*) ;;
	*) echo "demo: expected '$want' in the session" >&2; fail=1 ;;
	esac
done
[ "$(printf '%s\n' "$out" | grep -cx 'hello-hearth: not on PATH')" -eq 2 ] ||
    { echo "demo: the tool was on PATH outside the workspace" >&2; fail=1; }
[ -z "$(git -C "$ws" status --porcelain)" ] ||
    { echo "demo: hearth left changes in the workspace" >&2; fail=1; }
if [ "$fail" -ne 0 ]; then
	echo "demo: FAILED (daemon log below)" >&2
	cat "$XDG_STATE_HOME/hearth/hearthd.log" >&2
	exit 1
fi
say "cd in gave the tools and variables; cd out took them away; git status is clean"
hearth daemon stop
