# bash completion for hearth(1), made by `hearth __complete bash`: installed as
# $PREFIX/share/bash-completion/completions/hearth.

_hearth() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local opts= valued= files= kind= words= dd=0 i dashdash=0

	COMPREPLY=()
	if ((COMP_CWORD == 1)); then
		COMPREPLY=($(compgen -W "allow check daemon deny doctor exec export fallback gc hook list log reload stats status tools wait --help --version" -- "$cur"))
		return
	fi
	case ${COMP_WORDS[1]} in
	allow)
		opts="--diff -d --help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	check)
		opts="--junit --timeout -t --help -h"
		valued=" --junit --timeout -t "
		files=" --junit "
		kind=dir
		;;
	daemon)
		opts="--help -h"
		valued=" "
		files=" "
		kind=words words="start stop status"
		;;
	deny)
		opts="--help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	doctor)
		opts="--help -h"
		valued=" "
		files=" "
		;;
	exec)
		opts="--help -h"
		valued=" "
		files=" "
		kind=dir
		dd=1
		;;
	export)
		opts="--help -h"
		valued=" "
		files=" "
		kind=words words="bash zsh fish nu elvish xonsh tcsh json gha"
		;;
	fallback)
		opts="--help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	gc)
		opts="--older-than --dry-run -n --help -h"
		valued=" --older-than "
		files=" "
		;;
	hook)
		opts="--help -h"
		valued=" "
		files=" "
		kind=words words="bash zsh fish nu elvish xonsh tcsh"
		;;
	list)
		opts="--help -h"
		valued=" "
		files=" "
		;;
	log)
		opts="--help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	reload)
		opts="--help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	stats)
		opts="--help -h"
		valued=" "
		files=" "
		;;
	status)
		opts="--trust --help -h"
		valued=" "
		files=" "
		kind=dir
		;;
	tools)
		opts="--write -w --timeout -t --help -h"
		valued=" --timeout -t "
		files=" "
		kind=dir
		;;
	wait)
		opts="--timeout -t --help -h"
		valued=" --timeout -t "
		files=" "
		kind=dir
		;;
	*) return ;;
	esac
	if ((dd)); then
		for ((i = 2; i < COMP_CWORD; i++)); do
			[[ ${COMP_WORDS[i]} == -- ]] && dashdash=$i && break
		done
		if ((dashdash)); then
			compopt -o filenames 2>/dev/null
			if ((COMP_CWORD == dashdash + 1)); then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				COMPREPLY=($(compgen -f -- "$cur"))
			fi
			return
		fi
		opts="$opts --"
	fi
	if [[ " $files " == *" $prev "* ]]; then
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -f -- "$cur"))
		return
	fi
	[[ " $valued " == *" $prev "* ]] && return
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $kind in
	dir)
		compopt -o filenames 2>/dev/null
		COMPREPLY=($(compgen -d -- "$cur"))
		;;
	words) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
	esac
}
complete -F _hearth hearth
