# hearth's bash hook: put `eval "$(hearth hook bash)"` in ~/.bashrc.
# Before each prompt it asks hearth what to change for the current
# directory and applies it. It keeps $? for the user's own prompt, ignores
# Ctrl-C while applying, and keeps an existing PROMPT_COMMAND, string or
# array (bash 5.1+).
_hearth_hook() {
  local __hearth_status=$?
  trap -- '' SIGINT
  eval "$(@HEARTH@ export bash)"
  trap - SIGINT
  return $__hearth_status
}
if [[ ${PROMPT_COMMAND@a} == *a* ]]; then
  if [[ " ${PROMPT_COMMAND[*]} " != *" _hearth_hook "* ]]; then
    PROMPT_COMMAND=(_hearth_hook "${PROMPT_COMMAND[@]}")
  fi
elif [[ ";${PROMPT_COMMAND-};" != *";_hearth_hook;"* ]]; then
  PROMPT_COMMAND="_hearth_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi
