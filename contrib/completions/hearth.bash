# bash completion for hearth(1): installed as
# $PREFIX/share/bash-completion/completions/hearth.

_hearth() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmds="allow check daemon deny doctor exec export fallback gc hook
	    list log reload stats status tools wait"
	local i dashdash=0

	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in
	allow | deny | status | reload | log | fallback)
		if ((COMP_CWORD == 2)); then
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		;;
	wait)
		[[ $prev == --timeout ]] && return
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -W "--timeout --help" -- "$cur")
		    $(compgen -d -- "$cur"))
		;;
	check | tools)
		case $prev in
		--timeout) return ;;
		--junit)
			compopt -o filenames 2>/dev/null
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		esac
		compopt -o filenames 2>/dev/null
		if [[ ${COMP_WORDS[1]} == check ]]; then
			COMPREPLY=($(compgen -W "--junit --timeout --help" \
			    -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--write --timeout --help" \
			    -- "$cur"))
		fi
		COMPREPLY+=($(compgen -d -- "$cur"))
		;;
	gc)
		[[ $prev == --older-than ]] && return
		((COMP_CWORD == 2)) &&
		    COMPREPLY=($(compgen -W "--older-than --help" -- "$cur"))
		;;
	daemon)
		((COMP_CWORD == 2)) &&
		    COMPREPLY=($(compgen -W "start stop status" -- "$cur"))
		;;
	hook | export)
		((COMP_CWORD == 2)) &&
		    COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur"))
		;;
	exec)
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -- ]] && dashdash=$i
		done
		compopt -o filenames 2>/dev/null
		if ((dashdash == 0)); then
			COMPREPLY=($(compgen -W "--" -- "$cur")
			    $(compgen -d -- "$cur"))
		elif ((COMP_CWORD == dashdash + 1)); then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	esac
}
complete -F _hearth hearth
