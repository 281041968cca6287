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
#
# A cd out of a workspace, or between directories outside every one, runs
# no process either: the client leaves in plain variables the workspace
# root, the code it would print on leaving (_hearth_undo) and a test that
# the PATH-like variables that code depends on are still as it saw them
# (_hearth_guard); see _hearth_leave.
typeset -g _hearth_genfile=@GENFILE@

# Act if $PWD or the generation changed (0); 1 if neither did.
# An unset _hearth_gen (hearth export got no answer) means: ask again.
_hearth_export() {
  emulate -L zsh
  setopt local_traps posix_traps
  local __hearth_gen=
  read -r __hearth_gen 2>/dev/null < "$_hearth_genfile"
  if (( ${+_hearth_gen} )) && [[ $__hearth_gen == "$_hearth_gen" ]]; then
    [[ $PWD == "$_hearth_pwd" ]] && return 1
    _hearth_leave && return 0
  fi
  typeset -g _hearth_pwd=$PWD _hearth_gen=$__hearth_gen
  # Ignored, and posix_traps passes that on to the client (zsh would
  # reset it in $(...)), so Ctrl-C cannot cut its output in half.
  trap '' INT
  eval "$(@HEARTH@ export zsh)"
  return 0
}

# $PWD changed, the generation did not. If $PWD is outside every
# workspace (no flake.nix in its physical path or above it), do what the
# client would do there: nothing, or, if it left code to undo a workspace
# and the guard holds, that code. 1 (run the client) if $PWD is in a
# workspace, the guard fails, or the client has not run yet.
_hearth_leave() {
  emulate -L zsh
  (( ${+_hearth_root} )) || return 1
  # The physical path, as the client sees it (:A is realpath(3)).
  local __hearth_dir=${PWD:A}
  [[ $__hearth_dir == /* ]] || return 1
  if [[ -n $_hearth_root ]] && [[ $__hearth_dir == "$_hearth_root" ||
      $__hearth_dir == "$_hearth_root"/* ]]; then
    return 1
  fi
  while [[ -n $__hearth_dir ]]; do
    [[ -e $__hearth_dir/flake.nix ]] && return 1
    __hearth_dir=${__hearth_dir%/*}
  done
  [[ -e /flake.nix ]] && return 1
  if [[ -n $_hearth_root ]]; then
    if [[ -n ${_hearth_guard-} ]] && ! eval "$_hearth_guard"; then
      return 1
    fi
    trap '' INT
    eval "${_hearth_undo-}"
  fi
  typeset -g _hearth_root= _hearth_undo= _hearth_guard= _hearth_pwd=$PWD
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
