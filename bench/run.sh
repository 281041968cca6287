#!/usr/bin/env bash
# `make bench`: what hearth costs at a prompt, beside direnv, in one run.
#  1. Prompt latency on real interactive shells (BENCH_SHELLS) on a pty
#     (bench/prompt.sh): a prompt where nothing changed, and a cd that
#     activates or deactivates an environment, with hearth's hook, with
#     direnv's hook (a one-line .envrc) and with no hook, alternating.
#  2. `hearth export SHELL` wall time with hyperfine (bench/export.sh).
# A shell whose hearth hook does not exist yet (`hearth hook SHELL` fails)
# or that is not installed is skipped with a note.
#
# Knobs (environment): BENCH_SHELLS, PTY_ROUNDS, PTY_PROMPTS, PTY_CDS, PTY_WARM (see
# bench/prompt.sh), RUNS (hyperfine runs per row).
set -euo pipefail
: "${BUILD:?BUILD must name the build directory}"
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$BENCH_DIR/.." && pwd)
T=$(mktemp -d /tmp/hearth-bench.XXXXXX)
cleanup() {
	"$BUILD/hearth" daemon stop >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT

. "$top/tests/tools/sandbox.sh"
sandbox_init "$T"
# direnv keeps its allow list under XDG_DATA_HOME; none of a calling
# direnv's state may leak in.
export XDG_DATA_HOME="$T/data"
unset DIRENV_DIR DIRENV_FILE DIRENV_DIFF DIRENV_WATCHES DIRENV_LAYOUT \
    DIRENV_CONFIG PROMPT_COMMAND
export PATH="$BUILD:/usr/bin:/bin"
DIRENV=$(command -v direnv || true)

ws="$T/example" envrc_dir="$T/envrc" outside="$T/outside"
mkdir -p "$outside" "$envrc_dir"
sandbox_example "$ws"
# The example again with a directory input of 10,000 files in 100
# directories (as `src = ./.` in a repository of that size).
treews="$T/tree"
sandbox_example "$treews"
for d in $(seq 1 100); do
	mkdir -p "$treews/tree/d$d"
	(cd "$treews/tree/d$d" && for f in $(seq 1 100); do echo "$f" > "f$f"; done)
done
sed -i 's|EXAMPLE_PORT = "8080";|EXAMPLE_PORT = "8080"; TREE = ./tree;|' \
    "$treews/flake.nix"
git -C "$treews" add -A
git -C "$treews" -c user.name=hearth -c user.email=hearth@example.invalid \
    commit -qm "a directory input of 10,000 files"
hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
hearth allow "$treews" >/dev/null
hearth wait --timeout 300 "$ws" >/dev/null
hearth wait --timeout 300 "$treews" >/dev/null

. "$BENCH_DIR/shells.sh"
. "$BENCH_DIR/prompt.sh"
. "$BENCH_DIR/export.sh"

notes=()
PTY_CFGS="hearth direnv none"
if [ -n "$DIRENV" ]; then
	echo 'export BENCH=1' > "$envrc_dir/.envrc"
	direnv allow "$envrc_dir"
else
	PTY_CFGS="hearth none"
	notes+=("direnv is not installed: no direnv column, no targets")
fi

PTY_SHELLS="" EXPORT_SHELLS=""
for sh in $BENCH_SHELLS; do
	why=$(shell_probe "$sh")
	if [ -n "$why" ]; then
		notes+=("$sh: skipped: $why")
		continue
	fi
	EXPORT_SHELLS="$EXPORT_SHELLS $sh"
	bad=""
	for cfg in $PTY_CFGS; do
		shell_has "$sh" "$cfg" || continue
		shell_rc "$sh" "$cfg"
		why=$(pty_check "$sh" "$cfg")
		[ -z "$why" ] || bad="$why"
	done
	if [ -n "$bad" ]; then
		notes+=("$sh: no prompt rows: $bad")
	else
		PTY_SHELLS="$PTY_SHELLS $sh"
	fi
done

if [ -n "$PTY_SHELLS" ]; then
	pty_bench
fi
if [ -n "$EXPORT_SHELLS" ]; then
	export_bench
fi
echo
versions=""
for sh in $BENCH_SHELLS; do
	v=$("$(shell_exe "$sh")" --version 2>/dev/null | head -n 1 |
	    sed 's/ (.*//; s/, version//') || true
	versions="$versions ${v:-no $sh},"
done
echo "Machine: $(nproc) cores;$versions direnv ${DIRENV:+$(direnv version)}."
for n in "${notes[@]}"; do
	echo "Note: $n"
done

# The "monorepos and warm shells" table: lock bumps, switching back, a
# busy daemon, many workspaces (bench/warm.sh, in sandboxes of its own).
bash "$BENCH_DIR/warm.sh"

# What the exact input tracing costs an evaluation (bench/trace.sh).
bash "$BENCH_DIR/trace.sh"
