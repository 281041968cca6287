# Shared set-up for the integration tests: a private XDG tree, real Nix
# (offline), a real hearthd on a private socket, and real interactive bash
# on a pty through ptyrun. Source it; call it_setup first.
#
# Every check goes through ok/fail, and it_finish prints the closing
# "N passed, N failed" line and exits non-zero on any failure.

: "${BUILD:?BUILD must name the build directory}"
IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
IT_PASS=0
IT_FAIL=0
IT_NAME=$(basename "$0" .sh)
. "$IT_DIR/../tools/sandbox.sh"

it_setup() {
	T=$(mktemp -d "/tmp/hearth-it.XXXXXX")
	sandbox_init "$T"
	# Generous: sanitizer builds on a loaded machine are slow, and a
	# test must never fail because the machine is.
	export HEARTH_TIMEOUT_MS=10000
	export PATH="$BUILD:/usr/bin:/bin"
	export TERM=dumb
	# Sanitizer reports (from a daemon whose stderr is /dev/null too) go
	# to files that it_finish checks.
	export ASAN_OPTIONS="log_path=$T/sanitizer:detect_leaks=1"
	export UBSAN_OPTIONS="log_path=$T/sanitizer:print_stacktrace=1"
	# make check-valgrind: every daemon runs under memcheck.
	if [ -n "${HEARTH_VALGRIND:-}" ]; then
		export HEARTHD="$IT_DIR/../tools/valgrind-hearthd"
		export HEARTH_VG_LOG="$T/valgrind"
	fi
	HLOG="$XDG_STATE_HOME/hearth/hearthd.log"
	trap it_cleanup EXIT
}

it_cleanup() {
	hearth daemon stop >/dev/null 2>&1 || true
	if [ -n "${IT_KEEP:-}" ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
}

ok() {
	IT_PASS=$((IT_PASS + 1))
	echo "ok: $IT_NAME: $1"
}

fail() {
	IT_FAIL=$((IT_FAIL + 1))
	echo "FAIL: $IT_NAME: $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/    | /'
	return 0
}

# check DESC COMMAND...: pass when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else fail "$desc"; fi
}

# expect_in DESC NEEDLE HAYSTACK
expect_in() {
	case $3 in
	*"$2"*) ok "$1" ;;
	*) fail "$1: missing '$2'" "$3" ;;
	esac
}

# expect_not_in DESC NEEDLE HAYSTACK
expect_not_in() {
	case $3 in
	*"$2"*) fail "$1: unexpected '$2'" "$3" ;;
	*) ok "$1" ;;
	esac
}

# expect_eq DESC WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: want '$2', got '$3'"; fi
}

# fixture NAME DEST: lay a fixture flake as a git repo.
fixture() {
	sh "$IT_DIR/mkfixture.sh" "$1" "$2"
}

# The rc file of the interactive bash under test: the user's own prompt
# command and variables, then hearth's hook, as a user's ~/.bashrc has.
IT_BASHRC_EXTRA=""
write_bashrc() {
	cat > "$T/bashrc" <<RC
PS1='PTYRUN_PROMPT> '
$IT_BASHRC_EXTRA
eval "\$(hearth hook bash)"
RC
}

# run_bash < script: run an interactive bash on a pty typing each line of
# the script at a prompt; prints the transcript.
run_bash() {
	write_bashrc
	"$BUILD/ptyrun" -t 120 -- bash --noprofile --rcfile "$T/bashrc" -i
}

# trust_place DIR: the user's config.ini trusts every workspace under DIR
# (any content, no allow needed): for tests of what an edit does to the
# shells rather than to trust (an edit of an input otherwise blocks).
trust_place() {
	mkdir -p "$XDG_CONFIG_HOME/hearth"
	printf '[trust]\nprefix = %s\n' "$1" >> "$XDG_CONFIG_HOME/hearth/config.ini"
	chmod 600 "$XDG_CONFIG_HOME/hearth/config.ini"
}

# wait_ready DIR: hearth wait, reporting a failure.
wait_ready() {
	local out
	if out=$(hearth wait --timeout 120 "$1" 2>&1); then
		ok "wait: $1 ready"
	else
		fail "wait: $1 not ready" "$out"
	fi
}

it_finish() {
	local f
	# Stop the daemon first: leaks are reported when it exits.
	hearth daemon stop >/dev/null 2>&1 || true
	for f in "$T"/sanitizer.* "$T"/valgrind.*; do
		[ -s "$f" ] || continue
		fail "memory error report $(basename "$f")" "$(head -40 "$f")"
	done
	echo "$IT_NAME: $IT_PASS passed, $IT_FAIL failed"
	[ "$IT_FAIL" -eq 0 ]
}

# The ~/.zshrc of the interactive zsh under test (ZDOTDIR=$T/zdot): a
# prompt, the user's own settings, then hearth's hook. zsh also reads the
# system's /etc/zsh files, as a user's does.
IT_ZSHRC_EXTRA=""
write_zshrc() {
	mkdir -p "$T/zdot"
	cat > "$T/zdot/.zshrc" <<RC
PROMPT='PTYRUN_PROMPT> '
unsetopt PROMPT_SP
$IT_ZSHRC_EXTRA
eval "\$(hearth hook zsh)"
RC
}

# run_zsh < script: run_bash for zsh.
run_zsh() {
	write_zshrc
	ZDOTDIR="$T/zdot" "$BUILD/ptyrun" -t 120 -- zsh -i
}

# The config.fish of the interactive fish under test: no greeting, a
# prompt, the user's own settings, then hearth's hook. The generated
# completions directory is there as after fish's first run (fish 3 keeps
# it in the data directory, fish 4 in the cache directory), so fish does
# not start generating them in the background.
IT_FISH_CONFIG_EXTRA=""
write_fish_config() {
	mkdir -p "$XDG_CONFIG_HOME/fish" \
	    "$HOME/.local/share/fish/generated_completions" \
	    "$XDG_CACHE_HOME/fish/generated_completions"
	cat > "$XDG_CONFIG_HOME/fish/config.fish" <<RC
set -g fish_greeting
function fish_prompt
    echo -n 'PTYRUN_PROMPT> '
end
$IT_FISH_CONFIG_EXTRA
hearth hook fish | source
RC
}

# run_fish < script: run_bash for fish.
run_fish() {
	write_fish_config
	"$BUILD/ptyrun" -t 120 -- fish -i
}

# nix_counter: make the daemon's nix a wrapper around the real one that
# appends a line (its arguments) to $T/nix-calls on every run and, while
# $T/nix-delay exists, first sleeps as many seconds as it says (a slow
# evaluation). Each run also appends to $T/nix-conc how many nix runs were
# going on once it started (itself included), then its arguments. It
# exports HEARTH_NIX: start the daemon after calling it.
nix_counter() {
	local real
	real=$(command -v nix)
	mkdir -p "$T/nix-running"
	cat > "$T/counting-nix" <<EOF
#!/bin/sh
# Real nix, counted; slow while $T/nix-delay exists.
echo "\$*" >> "$T/nix-calls"
# hearthd's probe of Nix itself (a constant expression, once at start) is
# not a job the scheduler runs: not counted as one.
case "\$*" in *" --expr "*) exec "$real" "\$@" ;; esac
: > "$T/nix-running/\$\$"
echo "\$(ls "$T/nix-running" | wc -l) \$*" >> "$T/nix-conc"
[ -f "$T/nix-delay" ] && sleep "\$(cat "$T/nix-delay")"
"$real" "\$@"
rc=\$?
rm -f "$T/nix-running/\$\$"
exit \$rc
EOF
	chmod +x "$T/counting-nix"
	: > "$T/nix-calls"
	: > "$T/nix-conc"
	export HEARTH_NIX="$T/counting-nix"
}

# nix_max_concurrent: the most nix runs seen going on at once.
nix_max_concurrent() {
	awk '$1 > max { max = $1 } END { print max + 0 }' "$T/nix-conc"
}

# nix_calls: how many times the daemon has run nix (see nix_counter).
nix_calls() {
	wc -l < "$T/nix-calls" | tr -d ' '
}

# evals ROOT SHELL: how many evaluations of ROOT#SHELL the daemon started.
evals() {
	grep -c "evaluating $1#$2\$" "$HLOG" || true
}

# wait_log PATTERN [N]: wait up to 60 s until N (default 1) lines of the
# daemon log match the grep pattern; false if they never do.
wait_log() {
	local i n
	for i in $(seq 1 600); do
		n=$(grep -c -- "$1" "$HLOG" 2>/dev/null)
		[ "${n:-0}" -ge "${2:-1}" ] && return 0
		sleep 0.1
	done
	return 1
}

# shell_of DIR: the devShell `hearth status` maps DIR to.
shell_of() {
	hearth status "$1" 2>&1 | awk '$1 == "shell" { print $2 }'
}

# state_of DIR: the state `hearth status` gives for DIR.
state_of() {
	hearth status "$1" 2>&1 | awk '$1 == "state" { print $2 }'
}

# dev_var DIR NAME: NAME's value in the dev shell hearth gives DIR now
# ("unset" if it has none), as `hearth export bash` applies it.
dev_var() {
	(cd "$1" && unset HEARTH_STATE && eval "$(hearth export bash 2>/dev/null)" &&
	    printf '%s\n' "${!2-unset}")
}

# nix_var FLAKEREF NAME: NAME's value in `nix print-dev-env FLAKEREF`, as
# `nix develop` would set it ("unset" if it does not).
nix_var() {
	nix print-dev-env --no-write-lock-file "$1" 2>/dev/null |
	    awk -v n="$2" 'index($0, n "=") == 1 { v = substr($0, length(n) + 2); gsub(/^'\''|'\''$/, "", v); print v; f = 1 }
	    END { if (!f) print "unset" }'
}

# nushell: not in Debian; deps.sh installs the official build in the tree.
NU=${HEARTH_NU:-$(cd "$IT_DIR/../.." && pwd)/.deps/bin/nu}

# The nushell config of the interactive nu under test: env.nu writes the
# hook into the autoload directory as the install line says, config.nu
# has the prompt and the user's own settings (read before the hook).
IT_NU_CONFIG_EXTRA=""
write_nu_config() {
	mkdir -p "$XDG_CONFIG_HOME/nushell"
	cat > "$XDG_CONFIG_HOME/nushell/env.nu" <<RC
$(hearth hook nu --help 2>&1 | sed -n 's/^  \(mkdir .*hearth hook nu .*\)$/\1/p')
RC
	cat > "$XDG_CONFIG_HOME/nushell/config.nu" <<RC
\$env.config.show_banner = false
\$env.PROMPT_COMMAND = {|| "PTYRUN_PROMPT> " }
\$env.PROMPT_COMMAND_RIGHT = ""
\$env.PROMPT_INDICATOR = ""
$IT_NU_CONFIG_EXTRA
RC
}

# run_nu < script: run_bash for nushell.
run_nu() {
	write_nu_config
	"$BUILD/ptyrun" -t 120 -- "$NU" -i
}

# The rc.elv of the interactive elvish under test: the prompt, the user's
# own settings, then hearth's hook as the install line has it.
IT_ELVISH_RC_EXTRA=""
IT_ELVISH_V=""
write_elvish_rc() {
	mkdir -p "$XDG_CONFIG_HOME/elvish"
	cat > "$XDG_CONFIG_HOME/elvish/rc.elv" <<RC
set edit:prompt = { put 'PTYRUN_PROMPT> ' }
set edit:rprompt = { }
$IT_ELVISH_V
$IT_ELVISH_RC_EXTRA
eval (hearth hook elvish | slurp)
RC
}

# run_elvish < script: run_bash for elvish.
run_elvish() {
	write_elvish_rc
	"$BUILD/ptyrun" -t 120 -- elvish
}

# The ~/.xonshrc of the interactive xonsh under test: the readline shell
# (no prompt_toolkit on a dumb terminal), the prompt, the user's own
# settings, then hearth's hook as the install line has it.
IT_XONSH_RC_EXTRA=""
write_xonshrc() {
	cat > "$HOME/.xonshrc" <<RC
\$SHELL_TYPE = 'readline'
\$PROMPT = 'PTYRUN_PROMPT> '
\$XONSH_HISTORY_BACKEND = 'dummy'
def v(n):
    return __xonsh__.env.get(n, 'unset')
$IT_XONSH_RC_EXTRA
execx(\$(hearth hook xonsh))
RC
}

# run_xonsh < script: run_bash for xonsh.
run_xonsh() {
	write_xonshrc
	"$BUILD/ptyrun" -t 120 -- xonsh -i
}

# The ~/.tcshrc of the interactive tcsh under test: the prompt, the user's
# own settings, then hearth's hook as the install line has it.
IT_TCSH_RC_EXTRA=""
write_tcshrc() {
	cat > "$HOME/.tcshrc" <<RC
set prompt = 'PTYRUN_PROMPT> '
unset autologout
$IT_TCSH_RC_EXTRA
eval "\`hearth hook tcsh\`"
RC
}

# run_tcsh < script: run_bash for tcsh.
run_tcsh() {
	write_tcshrc
	"$BUILD/ptyrun" -t 120 -- tcsh
}
