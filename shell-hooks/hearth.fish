# hearth's fish hook: put `hearth hook fish | source` in
# ~/.config/fish/config.fish.
#
# Before each prompt (the fish_prompt event), and when $PWD changes (so
# that `cd ws; and make` already has the dev shell), it compares $PWD and
# the daemon's generation number (read with the `read` builtin: no
# process) with what it saw last; only when one changed does it run
# `hearth export fish` and apply what that prints. A prompt after a cd
# that ran the client does not run it again. Event handlers leave $status
# alone. Only interactive shells get it: config.fish is read by scripts
# too, and a script that cds about should not run the client. Needs fish
# 3.1 or later (string collect, $pipestatus, PATH split on ':').
#
# A cd out of a workspace, or between directories outside every one, runs
# no process either: the client leaves in plain variables the workspace
# root, the code it would print on leaving (_hearth_undo) and a test that
# the PATH-like variables that code depends on are still as it saw them
# (_hearth_guard); see _hearth_leave.
if status is-interactive
    set -g _hearth_genfile @GENFILE@

    # Act if $PWD or the generation changed (0); 1 if neither did. An
    # erased _hearth_gen (hearth export got no answer) means: ask again,
    # and so does a client that failed.
    function _hearth_export
        set -l __hearth_gen
        # A redirection from a missing file warns even with 2>/dev/null.
        test -r "$_hearth_genfile"
        and read __hearth_gen <"$_hearth_genfile"
        if set -q _hearth_gen
            and test "$__hearth_gen" = "$_hearth_gen"
            test "$PWD" = "$_hearth_pwd"
            and return 1
            _hearth_leave
            and return 0
        end
        # fish cannot ignore SIGINT (a handler does not stop it from
        # cancelling the running code), so the client's output is taken
        # whole and applied only if the client finished: all or nothing.
        set -l __hearth_code (@HEARTH@ export fish | string collect)
        if test $pipestatus[1] -eq 0
            set -g _hearth_pwd $PWD
            set -g _hearth_gen $__hearth_gen
            eval $__hearth_code
        end
        return 0
    end

    # $PWD changed, the generation did not. If $PWD is outside every
    # workspace (no flake.nix in it or above it), do what the client would
    # do there: nothing, or, if it left code to undo a workspace and the
    # guard holds, that code. 1 (run the client) if $PWD is in a
    # workspace, the guard fails, or the client has not run yet.
    #
    # Every command costs fish a few microseconds, and a command
    # substitution tens: so the walk goes up by "..", which the kernel
    # resolves as the client's physical path has it, four directories to a
    # test, until one has a flake.nix or the fourth is the root; and it
    # does not look at _hearth_root, which the walk makes needless.
    function _hearth_leave
        set -q _hearth_root
        or return 1
        set -l __hearth_dir $PWD
        while test -d "$__hearth_dir" -a ! "$__hearth_dir/../../.." -ef / \
                -a ! -e "$__hearth_dir/flake.nix" \
                -a ! -e "$__hearth_dir/../flake.nix" \
                -a ! -e "$__hearth_dir/../../flake.nix" \
                -a ! -e "$__hearth_dir/../../../flake.nix"
            set __hearth_dir "$__hearth_dir/../../../.."
        end
        # Stopped by a flake.nix, by a directory that is gone, or at the top.
        if test -e "$__hearth_dir/flake.nix" \
                -o -e "$__hearth_dir/../flake.nix" \
                -o -e "$__hearth_dir/../../flake.nix" \
                -o -e "$__hearth_dir/../../../flake.nix" \
                -o ! "$__hearth_dir/../../.." -ef /
            return 1
        end
        if test -n "$_hearth_root"
            if test -n "$_hearth_guard"
                eval $_hearth_guard
                or return 1
            end
            eval $_hearth_undo
        end
        set -g _hearth_root ''
        set -g _hearth_undo ''
        set -g _hearth_guard ''
        set -g _hearth_pwd $PWD
        return 0
    end

    function _hearth_on_prompt --on-event fish_prompt
        if set -q _hearth_ran
            set -e -g _hearth_ran
        else
            _hearth_export
        end
    end

    function _hearth_on_pwd --on-variable PWD
        _hearth_export
        and set -g _hearth_ran
    end
end
