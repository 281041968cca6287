# The interactive shells `make bench` drives on a pty, each with one of
# three prompt set-ups: hearth's hook, direnv's hook, or no hook at all.
# Sourced by bench/run.sh (bash), which has set BUILD, T and the sandbox
# environment.
#
# Every shell starts from its own rc file only (no system or user rc files)
# with the prompt 'PTYRUN_PROMPT> ' that ptyrun waits for, TERM=dumb as in
# the integration tests, and the sandbox's HOME and XDG directories.

BENCH_MARKER='PTYRUN_PROMPT> '
# The shell table's names (client/shell.c; test_shell checks they agree).
BENCH_SHELLS=${BENCH_SHELLS:-bash zsh fish nu elvish xonsh tcsh}
# nushell is not in Debian: deps.sh installs it in the tree.
NU=${HEARTH_NU:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.deps/bin/nu}

# shell_exe SH: the program that runs SH.
shell_exe() {
	case $1 in
	nu) echo "$NU" ;;
	*) echo "$1" ;;
	esac
}

# shell_has SH CFG: whether SH can be set up for CFG. direnv has no hook
# for nushell or xonsh; its elvish hook (2.32) uses `except`, which elvish
# 0.19 no longer has, so it counts only where it compiles.
shell_has() {
	case $1:$2 in
	nu:direnv | xonsh:direnv) return 1 ;;
	elvish:direnv)
		[ -n "$DIRENV" ] && ! "$DIRENV" hook elvish 2>/dev/null |
		    grep -q '} except ' ;;
	esac
}

# shell_echo SH VAR: a line that prints "bench:[$VAR]" in SH.
shell_echo() {
	case $1 in
	nu) echo "print \$\"bench:[(\$env.$2? | default '')]\"" ;;
	elvish) echo "echo 'bench:['\$E:$2']'" ;;
	xonsh) echo "print('bench:[' + __xonsh__.env.get('$2', '') + ']')" ;;
	# tcsh substitutes an unset variable even in an if that is false.
	tcsh) echo "if ( \$?$2 ) eval 'echo \"bench:[\$$2]\"' ; if ( ! \$?$2 ) echo 'bench:[]'" ;;
	*) echo "echo \"bench:[\$$2]\"" ;;
	esac
}

# shell_env: the whole environment of a shell under test, one NAME=VALUE a
# word, for env -i.
shell_env() {
	printf '%s\n' "HOME=$HOME" "PATH=$PATH" "TERM=dumb" "LANG=C.UTF-8" \
	    "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR" "XDG_STATE_HOME=$XDG_STATE_HOME" \
	    "XDG_CACHE_HOME=$XDG_CACHE_HOME" "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" \
	    "XDG_DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}"
}

# shell_hook_line SH CFG: the line a user puts in SH's rc file for CFG.
shell_hook_line() {
	local hearth=$BUILD/hearth direnv
	direnv=$(command -v direnv || echo direnv)
	case $1:$2 in
	bash:hearth | zsh:hearth) echo "eval \"\$('$hearth' hook $1)\"" ;;
	bash:direnv | zsh:direnv) echo "eval \"\$('$direnv' hook $1)\"" ;;
	fish:hearth) echo "'$hearth' hook fish | source" ;;
	fish:direnv) echo "'$direnv' hook fish | source" ;;
	elvish:hearth) echo "eval ('$hearth' hook elvish | slurp)" ;;
	elvish:direnv) echo "eval ('$direnv' hook elvish | slurp)" ;;
	xonsh:hearth) echo "execx(\$('$hearth' hook xonsh))" ;;
	tcsh:hearth) echo "eval \"\`'$hearth' hook tcsh\`\"" ;;
	tcsh:direnv) echo "eval \`'$direnv' hook tcsh\`" ;;
	*:none) echo ": no hook" ;;
	esac
}

# shell_rc SH CFG: write SH's rc file for CFG under $T/rc.
shell_rc() {
	local sh=$1 cfg=$2 d=$T/rc/$1-$2
	mkdir -p "$d"
	case $sh in
	bash)
		{ echo "PS1='$BENCH_MARKER'"; shell_hook_line "$sh" "$cfg"; } \
		    > "$d/bashrc" ;;
	zsh)
		# Only this ZDOTDIR: no /etc/zsh/zshrc. PROMPT_SP stays on,
		# as zsh ships it.
		echo 'setopt no_global_rcs' > "$d/.zshenv"
		{ echo "PS1='$BENCH_MARKER'"; shell_hook_line "$sh" "$cfg"; } \
		    > "$d/.zshrc" ;;
	fish)
		{ echo "function fish_prompt; echo -n '$BENCH_MARKER'; end"
		  shell_hook_line "$sh" "$cfg"; } > "$d/config.fish" ;;
	nu)
		# The hook as the install line leaves it: a file nushell reads.
		: > "$d/hearth.nu"
		[ "$cfg" = hearth ] && "$BUILD/hearth" hook nu > "$d/hearth.nu"
		printf '%s\n' '$env.config.show_banner = false' \
		    "\$env.PROMPT_COMMAND = {|| '$BENCH_MARKER' }" \
		    '$env.PROMPT_COMMAND_RIGHT = ""' '$env.PROMPT_INDICATOR = ""' \
		    "source $d/hearth.nu" > "$d/config.nu" ;;
	elvish)
		{ echo "set edit:prompt = { put '$BENCH_MARKER' }"
		  echo "set edit:rprompt = { }"
		  if [ "$cfg" = none ]; then echo nop
		  else shell_hook_line "$sh" "$cfg"; fi; } > "$d/rc.elv" ;;
	xonsh)
		{ echo "\$SHELL_TYPE = 'readline'"
		  echo "\$PROMPT = '$BENCH_MARKER'"
		  echo "\$XONSH_HISTORY_BACKEND = 'dummy'"
		  if [ "$cfg" = none ]; then echo pass
		  else shell_hook_line "$sh" "$cfg"; fi; } > "$d/rc.xsh" ;;
	tcsh)
		# tcsh reads ~/.tcshrc only: shell_run makes $d its HOME.
		{ echo "set prompt = '$BENCH_MARKER'"
		  shell_hook_line "$sh" "$cfg"; } > "$d/.tcshrc" ;;
	esac
}

# shell_run SH CFG TIMES TRANSCRIPT < SCRIPT: type SCRIPT into an
# interactive SH set up for CFG, one line a prompt; per-line latencies (us)
# go to TIMES.
shell_run() {
	local sh=$1 cfg=$2 d=$T/rc/$1-$2 envv
	mapfile -t envv < <(shell_env)
	case $sh in
	bash) env -i "${envv[@]}" "$BUILD/ptyrun" -t 120 -T "$3" -o "$4" -- \
		    bash --noprofile --rcfile "$d/bashrc" -i ;;
	zsh) env -i "${envv[@]}" ZDOTDIR="$d" "$BUILD/ptyrun" -t 120 -T "$3" \
		    -o "$4" -- zsh -i ;;
	fish) env -i "${envv[@]}" "$BUILD/ptyrun" -t 120 -T "$3" -o "$4" -- \
		    fish --no-config -C "source '$d/config.fish'" -i ;;
	nu) env -i "${envv[@]}" "$BUILD/ptyrun" -t 120 -T "$3" -o "$4" -- \
		    "$NU" --config "$d/config.nu" --env-config /dev/null -i ;;
	elvish) env -i "${envv[@]}" "$BUILD/ptyrun" -t 120 -T "$3" -o "$4" -- \
		    elvish -rc "$d/rc.elv" ;;
	xonsh) env -i "${envv[@]}" "$BUILD/ptyrun" -t 120 -T "$3" -o "$4" -- \
		    xonsh --rc "$d/rc.xsh" -i ;;
	tcsh) env -i "${envv[@]}" HOME="$d" "$BUILD/ptyrun" -t 120 -T "$3" \
		    -o "$4" -- tcsh ;;
	esac
}

# shell_state SH DIR: the HEARTH_STATE an SH has after `hearth export SH`
# in DIR, got by applying it in SH itself (the format is SH's own).
shell_state() {
	local sh=$1 envv
	mapfile -t envv < <(shell_env)
	case $sh in
	bash | zsh)
		(cd "$2" && env -i "${envv[@]}" "$sh" -c \
		    'eval "$(hearth export '"$sh"' 2>/dev/null)" >/dev/null 2>&1
		     printenv HEARTH_STATE') || true ;;
	fish)
		(cd "$2" && env -i "${envv[@]}" fish --no-config -c \
		    'hearth export fish 2>/dev/null | source >/dev/null 2>&1
		     printenv HEARTH_STATE') || true ;;
	tcsh)
		# Code with newlines in values: sourced from a file, as the
		# hook does, with history substitution off.
		(cd "$2" && env -i "${envv[@]}" tcsh -f -c \
		    "set histchars = ; ( hearth export tcsh >! '$T/state.tcsh' ) \
		    >& /dev/null ; source '$T/state.tcsh' >& /dev/null ; \
		    printenv HEARTH_STATE") || true ;;
	nu | elvish | xonsh)
		# The data lines name it: ["s","HEARTH_STATE","..."].
		(cd "$2" && env -i "${envv[@]}" hearth export "$sh" 2>/dev/null |
		    sed -n 's/^\["s","HEARTH_STATE","\(.*\)"\]$/\1/p') || true ;;
	esac
}

# shell_probe SH: why SH cannot be benchmarked yet, or nothing.
shell_probe() {
	local err
	if ! command -v "$(shell_exe "$1")" >/dev/null 2>&1; then
		echo "$1 is not installed"
	elif ! err=$("$BUILD/hearth" hook "$1" 2>&1 >/dev/null); then
		echo "\`hearth hook $1\` failed (${err:-no message}); it is" \
		    "benchmarked automatically once the hook exists"
	fi
}
