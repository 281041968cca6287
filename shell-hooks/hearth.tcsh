# hearth's tcsh hook: put `eval "`hearth hook tcsh`"` in ~/.tcshrc.
#
# `hearth hook tcsh` prints it without these comment lines: eval joins the
# lines into one, so each line ends with ";".
#
# Before each prompt (precmd), and after each cd (cwdcmd, so that `cd ws;
# make` already has the dev shell), it compares $cwd and the daemon's
# generation number with what it saw last; only when one changed does it
# run `hearth export tcsh` and apply what that prints. The daemon writes
# the number in tcsh syntax too (generation.tcsh, `set _hearth_n = N`),
# which the hook reads with `source`: some 25 us and no process, where
# `cat` in backquotes forks and takes some 1.4 ms (tcsh 6.24). An alias
# has no if-then block, and an `if` runs no alias: so the work of a
# change is kept as text (_hearth_run, _hearth_apply) that one `if` evals,
# and a prompt where nothing changed runs five commands.
#
# The client's code goes to a file of this shell's (by its pid, in the
# daemon's private runtime directory, which `hearth hook` makes again if
# it was removed while no daemon ran) and is read with `source`, with
# history substitution off (histchars empty), so that a value's ! and
# newline are data; the file is emptied after. A client that failed
# (Ctrl-C too) applies nothing, and what the hook saw last is left as it
# was, so the next prompt asks again. $status is given back
# for the user's prompt and commands. The user's own precmd and cwdcmd
# aliases, set before this line, run after hearth's.
set _hearth_genfile = @GENFILE@ ;
set _hearth_bin = @HEARTH@ ;
set _hearth_code = "$_hearth_genfile:h/tcsh-$$.code" ;
set _hearth_gen = - ;
set _hearth_pwd = - ;
set _hearth_hv = ;
set _hearth_savehc = 'set _hearth_hv = "$histchars"' ;
set _hearth_apply = 'set _hearth_pwd = "$cwd" ; set _hearth_gen = "$_hearth_n" ; set _hearth_hs = $?histchars ; if ( $_hearth_hs ) eval "$_hearth_savehc" ; set histchars = ; source "$_hearth_code" ; if ( $_hearth_hs ) set histchars = "$_hearth_hv" ; if ( $_hearth_hs == 0 ) unset histchars ; echo -n >! "$_hearth_code"' ;
set _hearth_run = 'if ( ! -d "$_hearth_genfile:h" ) "$_hearth_bin" hook tcsh >& /dev/null ; "$_hearth_bin" export tcsh >! "$_hearth_code" ; if ( $status == 0 ) eval "$_hearth_apply"' ;
alias _hearth_hook 'set _hearth_st = $status ; set _hearth_n = ; if ( -r "$_hearth_genfile.tcsh" ) source "$_hearth_genfile.tcsh" ; if ( "$_hearth_n" != "$_hearth_gen" || "$cwd" != "$_hearth_pwd" ) eval "$_hearth_run" ; set status = $_hearth_st' ;
set _hearth_prev = ;
if ( $?prompt ) set _hearth_prev = "`alias precmd`" ;
if ( $?prompt ) alias precmd "_hearth_hook ; $_hearth_prev" ;
if ( $?prompt ) set _hearth_prev = "`alias cwdcmd`" ;
if ( $?prompt ) alias cwdcmd "_hearth_hook ; $_hearth_prev" ;
