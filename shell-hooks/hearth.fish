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
if status is-interactive
    set -g _hearth_genfile @GENFILE@

    # Run the client if $PWD or the generation changed; 1 if it did not.
    # An erased _hearth_gen (hearth export got no answer) means: ask again,
    # and so does a client that failed.
    function _hearth_export
        set -l __hearth_gen
        # A redirection from a missing file warns even with 2>/dev/null.
        test -r "$_hearth_genfile"
        and read __hearth_gen <"$_hearth_genfile"
        if set -q _hearth_gen
            and test "$PWD" = "$_hearth_pwd" -a "$__hearth_gen" = "$_hearth_gen"
            return 1
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
