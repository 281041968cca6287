# hearth's bash hook: put `eval "$(hearth hook bash)"` in ~/.bashrc.
#
# Before each prompt it compares $PWD and the daemon's generation number
# (read with the `read` builtin: no process) with what it saw last; only
# when one changed does it run `hearth export bash` and apply what that
# prints. It keeps $? for the user's own prompt (for errexit see the end
# of _hearth_hook), ignores Ctrl-C while applying, and keeps an existing
# PROMPT_COMMAND, string or array (5.1+).
# The user's set options (errexit, nounset, pipefail, xtrace, ...) are off
# while it runs and back as they were when it returns (`local -`, a
# builtin: no process).
#
# A cd out of a workspace, or between directories outside every one, runs
# no process either: the client leaves in plain variables the workspace
# root, the code it would print on leaving (_hearth_undo) and a test that
# the PATH-like variables that code depends on are still as it saw them
# (_hearth_guard); see _hearth_leave.
_hearth_genfile=@GENFILE@
_hearth_hook() {
  local __hearth_status=$? __hearth_flags=$- __hearth_opts=$SHELLOPTS
  local __hearth_gen=
  local -
  set +eEuvx +o pipefail
  read -r __hearth_gen 2>/dev/null < "$_hearth_genfile"
  if [[ $__hearth_gen != "${_hearth_gen-}" ]] ||
      { [[ $PWD != "${_hearth_pwd-}" ]] && ! _hearth_leave; }; then
    _hearth_pwd=$PWD
    _hearth_gen=$__hearth_gen
    trap -- '' SIGINT
    eval "$(@HEARTH@ export bash)"
    trap - SIGINT
  fi
  # Where `local -` gives back only the one-letter options (older bash).
  [[ :$__hearth_opts: == *:pipefail:* ]] && set -o pipefail
  # Under errexit a non-zero return would end the shell. bash gives $?
  # back after PROMPT_COMMAND in any case: only a command joined after
  # this one in a string PROMPT_COMMAND sees 0.
  [[ $__hearth_flags == *e* ]] && return 0
  return $__hearth_status
}

# $PWD changed, the generation did not. If $PWD is outside every
# workspace (no flake.nix in it or above it, and no symbolic link on the
# way, so that $PWD is the physical path the client would see), do what
# the client would do there: nothing, or, if it left code to undo a
# workspace and the guard holds, that code. 1 (run the client) if $PWD is
# in a workspace, the guard fails, or the client has not run yet.
_hearth_leave() {
  [[ ${_hearth_root+set} && $PWD == /* ]] || return 1
  if [[ $_hearth_root ]] && [[ $PWD == "$_hearth_root" ||
      $PWD == "$_hearth_root"/* ]]; then
    return 1
  fi
  local __hearth_dir=$PWD
  while [[ $__hearth_dir ]]; do
    if [[ -L $__hearth_dir || -e $__hearth_dir/flake.nix ]]; then
      return 1
    fi
    __hearth_dir=${__hearth_dir%/*}
  done
  [[ -e /flake.nix ]] && return 1
  if [[ $_hearth_root ]]; then
    if [[ ${_hearth_guard-} ]] && ! eval "$_hearth_guard"; then
      return 1
    fi
    trap -- '' SIGINT
    eval "${_hearth_undo-}"
    trap - SIGINT
  fi
  _hearth_root= _hearth_undo= _hearth_guard=
  _hearth_pwd=$PWD
  return 0
}

# In a function, for `local -`: nounset would stop ${PROMPT_COMMAND@a}.
_hearth_install() {
  local -
  set +eu
  if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
    if [[ " ${PROMPT_COMMAND[*]} " != *" _hearth_hook "* ]]; then
      PROMPT_COMMAND=(_hearth_hook "${PROMPT_COMMAND[@]}")
    fi
  elif [[ ";${PROMPT_COMMAND-};" != *";_hearth_hook;"* ]]; then
    PROMPT_COMMAND="_hearth_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
}
_hearth_install
unset -f _hearth_install
