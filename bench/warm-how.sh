# How the "monorepos and warm shells" table was measured: printed by
# bench/warm.sh under the table, with this run's knobs. Sourced (bash).

warm_how() {
	local rule="within 10% or 0.1 ms of idle, whichever is larger"
	case " $WARM_ONLY " in *" lock "*)
	echo
	fmt -w 76 <<EOF
How, 1 and 2 (bench/lock.sh): the lockbump fixture of the integration
tests (tests/integration/mkfixture.sh): a workspace whose tool comes from
the flake input \`tools\`, a second git repository. Before the daemon
starts, tests/integration/bump-tools.sh makes $((2 * LOCK_ROUNDS)) new
versions of tools and their flake.lock files are kept aside; each lock's
environment is then built once by hand with hearth's own command, so
every timed step is Nix evaluating, never building. A write is one
rename(2) (mv -T) of a prepared lock over flake.lock, after the daemon has
had no child process for 0.3 s; the clock (bash EPOCHREALTIME) starts
before mv, so mv's fork and exec count against hearth. "hearth wait":
\`hearth wait\` runs right after the write and the clock stops when it
exits (a client asking makes the daemon look at the files at once, as the
first prompt after a write does). "nobody asking": the generation file
\$XDG_RUNTIME_DIR/hearth/generation is polled every ~1 ms and after each
change \`hearth export bash\` is run, as an idle prompt hook would; the
clock stops at the change after which export gives the new (or the
earlier) snapshot; this path includes the daemon's wait for quiet
after inotify events (15 ms after a lone write, up to 150 ms after a
long burst). After every step export must show the right
LOCKBUMP_VERSION and, for a switch back, the earlier snapshot's id (from
HEARTH_STATE). $LOCK_ROUNDS rounds of: new lock, hearth wait; previous
lock back, hearth wait; the new lock again, nobody asking; another new
lock, nobody asking. The daemon's nix is a wrapper logging each call
(HEARTH_NIX, as the tests' nix_counter); Nix processes are counted from
the write until the daemon has settled. By hand: hyperfine -N
--output=pipe, $HAND_RUNS runs after 3 warm-ups, in the workspace, of
\`nix --extra-experimental-features 'nix-command flakes' print-dev-env -vvv
--option eval-cache false --no-write-lock-file --profile SCRATCH
WS#default\`, with the last new lock in place. hearth's own overhead is
the median write-to-ready time minus that median; it contains the
daemon's bash stage (sourcing the rc, the shellHook), the devShell listing
(\`nix eval\`, run alongside for a flake.lock not listed before), the
store, the IPC and the wrapper; the daemon's own time for each
evaluation is its log's "snapshot N ready (M ms)".
EOF
	;; esac
	case " $WARM_ONLY " in *" busy "*)
	echo
	fmt -w 76 <<EOF
How, 3 (bench/busy.sh): the lockbump workspace again (fresh daemon,
$BUSY_ROUNDS prepared locks, environments built), bash with only the
prompt and hearth's hook on a pty (ptyrun -T, as the prompt table), a
sample being the time from writing Enter to reading the next prompt. A
session: cd WS and $BUSY_WARM Enters (not counted), $BUSY_PROMPTS Enters,
$BUSY_CDS times cd OUTSIDE, cd WS. $BUSY_ROUNDS rounds of an idle session
(no child of the daemon for 0.3 s) and a busy one, in alternating order.
Busy: a nix wrapper that sleeps $SLOW_S s before running nix, a new
flake.lock renamed in and \`hearth status\` (the evaluation starts at
once), then the session; it counts only if \`hearth status\` still says
"evaluating" when it ends. The trigger is a lock write, not \`hearth
reload\`: repeated reloads of an unchanged shell make hearthd evaluate in
an endless loop (a bug, see the report). Target "no difference": $rule.
The slow nix sleeps, so the machine is mostly idle meanwhile: this
measures whether a running evaluation makes the daemon or the hook
slower, not CPU contention.
EOF
	;; esac
	case " $WARM_ONLY " in *" scale "*)
	echo
	fmt -w 76 <<EOF
How, 4 (bench/scale.sh): $SCALE_WS git repositories, each a flake with
devShells a, b and default from contrib/example's mini stdenv (each shell
its own derivation), environments built once by hand first. A fresh
daemon (real nix, at most $SCALE_MAX_EVALS evaluation(s) at a time:
HEARTH_MAX_EVALS or half the cores); the clock runs from the first
\`hearth allow\` (all $SCALE_WS, one after the other) until \`hearth wait\`
has returned ready for all $((SCALE_WS * 3)) shells (WS, WS/a, WS/b, in
turn). Memory and watches are read from /proc/PID/status (VmRSS, VmHWM)
and /proc/PID/fdinfo (\`inotify wd:\` lines) once the daemon has had no
child process for $SCALE_SETTLE s.
EOF
	;; esac
}

warm_how
