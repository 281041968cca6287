# hearth's zsh hook: put `eval "$(hearth hook zsh)"` in ~/.zshrc.
#
# Before each prompt (precmd), and when a command typed at the prompt
# changes directory (chpwd, so that `cd ws && make` already has the dev
# shell), it compares $PWD and the daemon's generation number (read with
# the `read` builtin: no process) with what it saw last; only when one
# changed does it run `hearth export zsh` and apply what that prints. A
# prompt after a chpwd that ran the client does not run it again. It keeps
# $?, ignores Ctrl-C while applying (restoring the user's own INT trap),
# and runs under `emulate -L zsh`, so the user's options (KSH_ARRAYS,
# NO_UNSET, WARN_CREATE_GLOBAL, RC_QUOTES, ...) change nothing.
typeset -g _hearth_genfile=@GENFILE@

# Run the client if $PWD or the generation changed; 1 if it did not.
# An unset _hearth_gen (hearth export got no answer) means: ask again.
_hearth_export() {
  emulate -L zsh
  setopt local_traps posix_traps
  local __hearth_gen=
  read -r __hearth_gen 2>/dev/null < "$_hearth_genfile"
  if (( ${+_hearth_gen} )) && [[ $PWD == "$_hearth_pwd" &&
      $__hearth_gen == "$_hearth_gen" ]]; then
    return 1
  fi
  typeset -g _hearth_pwd=$PWD _hearth_gen=$__hearth_gen
  # Ignored, and posix_traps passes that on to the client (zsh would
  # reset it in $(...)), so Ctrl-C cannot cut its output in half.
  trap '' INT
  eval "$(@HEARTH@ export zsh)"
  return 0
}

_hearth_precmd() {
  local __hearth_status=$?
  emulate -L zsh
  if (( ${+_hearth_ran} )); then
    unset _hearth_ran
  else
    _hearth_export
  fi
  return $__hearth_status
}

# Only for a cd at the prompt or in a function run from it, the test
# zsh's own chpwd_recent_dirs makes: not in subshells, scripts, $(...)
# or ZLE widgets such as completion, which cd about on their own
# (direnv#1583); the next prompt catches up with those.
_hearth_chpwd() {
  local __hearth_status=$?
  emulate -L zsh
  setopt extended_glob
  if [[ -o interactive && $ZSH_SUBSHELL == 0 &&
      $ZSH_EVAL_CONTEXT == toplevel(:[a-z]#func)# ]]; then
    _hearth_export && typeset -g _hearth_ran=1
  fi
  return $__hearth_status
}

() {
  emulate -L zsh
  autoload -Uz add-zsh-hook
  add-zsh-hook chpwd _hearth_chpwd
  add-zsh-hook precmd _hearth_precmd
  # First, so that the user's own precmd hooks (a theme's) already see
  # the dev shell of this prompt, not that of the last one.
  precmd_functions=(_hearth_precmd ${precmd_functions:#_hearth_precmd})
}
