# fish completion for hearth(1): installed as
# $PREFIX/share/fish/vendor_completions.d/hearth.fish.

set -l hearth_cmds allow check daemon deny doctor exec export fallback gc hook list log reload stats status tools wait

complete -c hearth -f
complete -c hearth -s h -l help -d 'show help'
complete -c hearth -n __fish_use_subcommand -l version -d 'show the version'

complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a allow -d 'trust the workspace holding DIR and evaluate its shell'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a check -d 'run the workspace\'s fitness checks (for CI)'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a daemon -d 'start, stop or check hearthd'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a deny -d 'stop trusting the workspace holding DIR'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a doctor -d 'check Nix, the daemon, inotify and the shell hook'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a exec -d 'run a command in the dev shell of DIR'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a export -d 'print code that applies the dev shell for this directory'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a fallback -d 'show how to set up DIR\'s dev shell without Nix'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a gc -d 'drop vanished and long-unused workspaces and their roots'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a hook -d 'print the prompt hook for a shell'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a list -d 'list every workspace and shell with its state'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a log -d 'show the last evaluation\'s full Nix output'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a reload -d 'evaluate the shell for DIR again'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a stats -d 'show evaluations, cache hits and times per workspace'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a status -d 'show the workspace, shell and state for DIR'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a tools -d 'list the tools each devShell provides'
complete -c hearth -n "not __fish_seen_subcommand_from $hearth_cmds" -a wait -d 'wait until the shell for DIR is ready'

complete -c hearth -n '__fish_seen_subcommand_from allow check deny exec fallback log reload status tools wait' -a '(__fish_complete_directories)'
complete -c hearth -n '__fish_seen_subcommand_from wait' -l timeout -x -d 'give up after SECONDS'
complete -c hearth -n '__fish_seen_subcommand_from check tools' -l timeout -x -d 'limit in SECONDS'
complete -c hearth -n '__fish_seen_subcommand_from check' -l junit -r -F -d 'also write JUnit XML to FILE'
complete -c hearth -n '__fish_seen_subcommand_from tools' -l write -d 'save the list as .hearth-tools'
complete -c hearth -n '__fish_seen_subcommand_from gc' -l older-than -x -d 'forget workspaces unused for DAYS'
complete -c hearth -n '__fish_seen_subcommand_from daemon' -a 'start stop status'
complete -c hearth -n '__fish_seen_subcommand_from hook export' -a 'bash zsh fish'
