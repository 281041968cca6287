# hearth's bash hook: put `eval "$(hearth hook bash)"` in ~/.bashrc.
#
# Before each prompt it compares $PWD and the daemon's generation number
# (read with the `read` builtin: no process) with what it saw last; only
# when one changed does it run `hearth export bash` and apply what that
# prints. It keeps $? for the user's own prompt, ignores Ctrl-C while
# applying, and keeps an existing PROMPT_COMMAND, string or array (5.1+).
_hearth_genfile=@GENFILE@
_hearth_hook() {
  local __hearth_status=$? __hearth_gen=
  read -r __hearth_gen 2>/dev/null < "$_hearth_genfile"
  if [[ $PWD != "${_hearth_pwd-}" || $__hearth_gen != "${_hearth_gen-}" ]]; then
    _hearth_pwd=$PWD
    _hearth_gen=$__hearth_gen
    trap -- '' SIGINT
    eval "$(@HEARTH@ export bash)"
    trap - SIGINT
  fi
  return $__hearth_status
}
if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
  if [[ " ${PROMPT_COMMAND[*]} " != *" _hearth_hook "* ]]; then
    PROMPT_COMMAND=(_hearth_hook "${PROMPT_COMMAND[@]}")
  fi
elif [[ ";${PROMPT_COMMAND-};" != *";_hearth_hook;"* ]]; then
  PROMPT_COMMAND="_hearth_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
