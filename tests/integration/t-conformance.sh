#!/usr/bin/env bash
# Conformance: for each fixture dev shell, the environment a hearth shell
# gets on `cd` equals `nix develop --command env`, variable by variable,
# in every supported shell, less a short documented list. Kept as the
# user has them, whatever nix develop sets (envcmp -k):
#   TMPDIR TEMP TMP TEMPDIR NIX_BUILD_TOP  nix develop's per-session build
#                                          directory (deleted by hearth)
#   SHELL                                   nix develop (Nix >= 2.20) names
#                                          the bash it runs; hearth's user
#                                          stays in their own shell
# Not compared (envcmp -x):
#   SHLVL PWD OLDPWD _                      the shell's own bookkeeping
#   HEARTH_STATE                            what hearth applied (only in
#                                          hearth's shell)
#   CMD_DURATION_MS (nu only)               nushell's own bookkeeping
#   TRICKY_INVALID (nu, elvish, xonsh)      not UTF-8, which a nushell
#                                          string cannot hold and elvish
#                                          and xonsh are not given (their
#                                          values come as JSON): left out
#                                          with a notice
#   LAST_RETURN_CODE XONSH_APPEND_NEWLINE   xonsh's own bookkeeping
#                                          (xonsh only)
# Both start from the same base environment, with the user's SHELL and
# TMPDIR, and nix develop runs from the workspace root, where hearth
# evaluates (`out` depends on it).
. "$(dirname "$0")/lib.sh"
it_setup

KEPT="TMPDIR TEMP TMP TEMPDIR NIX_BUILD_TOP SHELL"
EXCLUDED="SHLVL PWD OLDPWD _ HEARTH_STATE"
xargs_=()
for x in $KEPT; do xargs_+=(-k "$x"); done
for x in $EXCLUDED; do xargs_+=(-x "$x"); done
mkdir -p "$T/usertmp"

# The base environment both get: what a login gives, nothing of hearth.
base_env() {
	# USER is the real one: fish resets it to the uid's name anyway.
	# The login shell and temporary directory are the user's own.
	env -i HOME="$HOME" USER="$(id -un)" LOGNAME="$(id -un)" LANG=C.UTF-8 \
	    PATH=/usr/bin:/bin TERM=dumb NIX_CONFIG="$NIX_CONFIG" \
	    SHELL=/bin/sh TMPDIR="$T/usertmp" \
	    XDG_RUNTIME_DIR="$XDG_RUNTIME_DIR" XDG_STATE_HOME="$XDG_STATE_HOME" \
	    XDG_CACHE_HOME="$XDG_CACHE_HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	    HEARTH_TIMEOUT_MS="$HEARTH_TIMEOUT_MS" "$@"
}

# shell_session SHELL SCRIPT: an interactive SHELL with hearth's hook on a
# pty, typing SCRIPT's lines; prints the transcript.
shell_session() {
	local sh=$1 script=$2
	case $sh in
	bash)
		printf "PS1='PTYRUN_PROMPT> '\neval \"\$(%s hook bash)\"\n" \
		    "$BUILD/hearth" > "$T/rc.bash"
		base_env "$BUILD/ptyrun" -t 180 -- \
		    bash --noprofile --rcfile "$T/rc.bash" -i < "$script" ;;
	zsh)
		mkdir -p "$T/zdot"
		printf "PROMPT='PTYRUN_PROMPT> '\nunsetopt PROMPT_SP\neval \"\$(%s hook zsh)\"\n" \
		    "$BUILD/hearth" > "$T/zdot/.zshrc"
		base_env ZDOTDIR="$T/zdot" "$BUILD/ptyrun" -t 180 -- \
		    zsh -i < "$script" ;;
	fish)
		base_env "$BUILD/ptyrun" -t 180 -- fish -N -i -C \
		    "function fish_prompt; echo -n 'PTYRUN_PROMPT> '; end; $BUILD/hearth hook fish | source" \
		    < "$script" ;;
	nu)
		mkdir -p "$T/nu"
		"$BUILD/hearth" hook nu > "$T/nu/hearth.nu"
		printf '%s\n' '$env.config.show_banner = false' \
		    '$env.PROMPT_COMMAND = {|| "PTYRUN_PROMPT> " }' \
		    '$env.PROMPT_COMMAND_RIGHT = ""' '$env.PROMPT_INDICATOR = ""' \
		    "source $T/nu/hearth.nu" > "$T/nu/config.nu"
		# The script's `env -0 > FILE` lines, in nushell's words.
		sed 's/^env -0 > \(.*\)$/^env -0 | save -f \1/' "$script" \
		    > "$script.nu"
		base_env "$BUILD/ptyrun" -t 180 -- "$NU" --config \
		    "$T/nu/config.nu" --env-config /dev/null -i < "$script.nu" ;;
	elvish)
		mkdir -p "$T/elv"
		printf '%s\n' "set edit:prompt = { put 'PTYRUN_PROMPT> ' }" \
		    'set edit:rprompt = { }' \
		    "eval ($BUILD/hearth hook elvish | slurp)" > "$T/elv/rc.elv"
		base_env "$BUILD/ptyrun" -t 180 -- elvish -rc "$T/elv/rc.elv" \
		    < "$script" ;;
	xonsh)
		printf '%s\n' "\$SHELL_TYPE = 'readline'" \
		    "\$PROMPT = 'PTYRUN_PROMPT> '" \
		    "\$XONSH_HISTORY_BACKEND = 'dummy'" \
		    "execx(\$($BUILD/hearth hook xonsh))" > "$T/rc.xsh"
		base_env "$BUILD/ptyrun" -t 180 -- xonsh --rc "$T/rc.xsh" -i \
		    < "$script" ;;
	tcsh)
		# tcsh reads ~/.tcshrc (the sandbox's HOME).
		printf '%s\n' "set prompt = 'PTYRUN_PROMPT> '" \
		    "eval \"\`$BUILD/hearth hook tcsh\`\"" > "$HOME/.tcshrc"
		base_env "$BUILD/ptyrun" -t 180 -- tcsh < "$script" ;;
	esac
}

shells=()
for sh in bash zsh fish nu elvish xonsh tcsh; do
	exe=$sh
	[ "$sh" = nu ] && exe=$NU
	if hearth hook "$sh" >/dev/null 2>&1 && command -v "$exe" >/dev/null; then
		shells+=("$sh")
	else
		echo "note: $sh has no hearth hook yet; not compared"
	fi
done

for fx in basic tricky; do
	ws="$T/$fx"
	fixture "$fx" "$ws" >/dev/null
	hearth allow "$ws" >/dev/null
	wait_ready "$ws"
	# shellHook prints on stdout: env writes its dump to a file instead.
	( cd "$ws" && base_env nix develop "$ws#default" --command \
	    sh -c 'exec env -0 > "$1"' sh "$T/$fx.nixdev" >/dev/null 2>&1 )
	check "$fx: nix develop ran" test -s "$T/$fx.nixdev"
	for sh in "${shells[@]}"; do
		cat > "$T/script" <<EOF
env -0 > $T/$fx.$sh.outside
cd $ws
env -0 > $T/$fx.$sh.hearth
cd /
env -0 > $T/$fx.$sh.after
EOF
		out=$(shell_session "$sh" "$T/script")
		if [ ! -s "$T/$fx.$sh.hearth" ]; then
			fail "$fx/$sh: the shell session did not run" "$out"
			continue
		fi
		shx=()
		[ "$sh" = nu ] && shx=(-x CMD_DURATION_MS -x TRICKY_INVALID)
		[ "$sh" = elvish ] && shx=(-x TRICKY_INVALID)
		[ "$sh" = xonsh ] &&
		    shx=(-x TRICKY_INVALID -x LAST_RETURN_CODE -x XONSH_APPEND_NEWLINE)
		if cmp=$("$BUILD/envcmp" "${xargs_[@]}" "${shx[@]}" "$T/$fx.nixdev" \
		    "$T/$fx.$sh.hearth" "$T/$fx.$sh.outside"); then
			ok "$fx/$sh: same environment as nix develop (${cmp##*envcmp: })"
		else
			fail "$fx/$sh: environment differs from nix develop" "$cmp"
		fi
		# Leaving restores the environment exactly (HEARTH_STATE aside).
		if cmp=$("$BUILD/envcmp" -x HEARTH_STATE -x OLDPWD -x PWD -x _ "${shx[@]}" \
		    "$T/$fx.$sh.outside" "$T/$fx.$sh.after" "$T/$fx.$sh.outside"); then
			ok "$fx/$sh: leaving restores the environment"
		else
			fail "$fx/$sh: leaving did not restore the environment" "$cmp"
		fi
		n=$(printf '%s\n' "$out" | grep -c "hook output\|tricky hook: said once")
		expect_eq "$fx/$sh: shellHook output shown once" 1 "$n"
	done
done
it_finish
