# What a shell's prompts run, counted with strace: shared by the tests of
# bash (t-prompt.sh), zsh (t-zsh.sh) and fish (t-fish.sh), whose scripts
# differ only in their shell's syntax. Source it after lib.sh. A script
# marks where a region starts and ends by opening a marker file with a
# builtin (`: < $T/mark-a`).

# trace_shell SHELL ARGS... < script: run the shell on a pty, its execs,
# forks and opens traced into $T/trace.
trace_shell() {
	# LeakSanitizer cannot run under ptrace; the other sessions check
	# leaks.
	ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" strace -f -s 4096 \
	    -o "$T/trace" -e trace=execve,fork,vfork,clone,clone3,openat \
	    "$BUILD/ptyrun" -t 120 -- "$@"
}

# region A B: the lines of $T/trace from the one that opens $T/A to the
# one that opens $T/B that hearth can be the cause of: those of the shell
# (the process that opens $T/A) and of the processes it starts in the
# region, their children included, and every run of hearth, whoever
# starts it. A process that was there before the region is not hearth's,
# nor is anything else it starts: fish 4, for one, starts its man page
# completion generator (python, `man --path`) in the background as it
# starts up, and that may run during any prompt.
region() {
	awk -v a="$T/$1\"" -v b="$T/$2\"" -v h="execve(\"$BUILD/hearth\"" '
	# The pass over the whole trace: who started whom, and where each
	# process first shows up. A call strace cut in two ends in a
	# "<... clone resumed>" line of the same process.
	FNR == NR {
		if (!($1 in first))
			first[$1] = FNR
		if ($(NF - 1) == "=" && $NF ~ /^[0-9]+$/ &&
		    ($2 ~ /^(clone|clone3|fork|vfork)\(/ || ($2 == "<..." &&
		    $3 ~ /^(clone|clone3|fork|vfork)$/)))
			parent[$NF] = $1
		next
	}
	!on && index($0, a) { on = 1; start = FNR; shell = $1 }
	on && (owned($1) || index($0, h)) { print }
	on && index($0, b) { on = 0 }
	function owned(p) {
		if (p == shell)
			return 1
		if (!(p in parent) || first[p] < start)
			return 0
		return owned(parent[p])
	}' "$T/trace" "$T/trace"
}

# count_in REGION: "E O", the hearth exports and the other processes (execs
# that are not the client's, forks that are not for it) in a region. A
# shell's own threads are clones too, but not processes.
count_in() {
	local e o f
	e=$(printf '%s\n' "$1" |
	    grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"")
	o=$(printf '%s\n' "$1" | grep 'execve(' |
	    grep -v "hearth\", \[\"[^\"]*\", \"export\"" | grep -vc ENOENT)
	f=$(printf '%s\n' "$1" | grep -E '^[0-9]+ +(fork|vfork|clone|clone3)\(' |
	    grep -cv CLONE_THREAD)
	echo "$e $((o + f - e))"
}

# env_sorted DUMP: an `env -0` dump, sorted, without the shell's own
# bookkeeping and HEARTH_STATE.
env_sorted() {
	grep -zvE '^(HEARTH_STATE|OLDPWD|PWD|_)=' "$1" | sort -z
}

# check_quiet_prompts FORKS READS: between mark-begin and mark-end, where
# the script cds into the workspace once and otherwise shows prompts,
# hearth export ran once and nothing else ran; the shell forked FORKS
# processes and itself read the generation file READS times or more
# (counted in the region's own lines: see region).
check_quiet_prompts() {
	local n others pid

	region mark-begin mark-end > "$T/region"
	check "the markers are in the trace" grep -q mark-end "$T/region"
	n=$(grep -c "execve(\"$BUILD/hearth\", \[\"[^\"]*\", \"export\"" \
	    "$T/region")
	expect_eq "hearth export ran once, for the cd into the workspace" 1 "$n"
	others=$(grep 'execve(' "$T/region" |
	    grep -v "hearth\", \[\"[^\"]*\", \"export\"" | grep -v ENOENT ||
	    true)
	expect_eq "no other process ran" "" "$others"
	n=$(grep -E '^[0-9]+ +(fork|vfork|clone|clone3)\(' "$T/region" |
	    grep -cv CLONE_THREAD)
	expect_eq "no fork on a prompt where nothing changed" "$1" "$n"
	# The client does not read it: the shell's pid does.
	pid=$(sed -n 's/^\([0-9]*\) .*mark-begin.*/\1/p' "$T/region" | head -1)
	n=$(grep -cE "^$pid +openat\(.*/generation\"" "$T/region")
	if [ "$n" -ge "$2" ]; then
		ok "the shell read the generation file at every prompt"
	else
		fail "the shell read the generation file $n times, not at every prompt" \
		    "$(grep -e generation -e mark- "$T/region")"
	fi
}

# leaving_setup: the directories outside, the link into the workspace
# and the markers that a leaving script (see check_leaving) uses.
leaving_setup() {
	mkdir -p "$T/out1" "$T/out2" "$T/ws/sub"
	ln -s "$T/ws/sub" "$T/sublink"
	for m in a b c d e f; do : > "$T/mark-$m"; done
}

# leaving_script: the leaving script (see check_leaving) into $T/script,
# in the syntax bash and zsh share.
leaving_script() {
	cat > "$T/script" <<SCRIPT
cd $T/out1
: < $T/mark-a
cd $T/out2
cd $T/out1
: < $T/mark-b
env -0 > $T/env.before
cd $T/ws
echo "inside:[\$FIXTURE_VAR]"
: < $T/mark-c
cd $T/out1
cd $T/out2
cd /
: < $T/mark-d
env -0 > $T/env.after
echo "left:[\$FIXTURE_VAR][\${FIXTURE_HOOK-unset}]"
cd $T/ws
echo "again:[\$FIXTURE_VAR]"
cd $T/sublink
echo "via-link:[\$FIXTURE_VAR]"
export PATH="\$PATH:/user/added"
: < $T/mark-e
cd $T/out1
: < $T/mark-f
echo "after:[\$FIXTURE_VAR][\$PATH]"
SCRIPT
}

# check_leaving OUT: the checks on a traced leaving script and its output
# OUT. The script, with FIXTURE_VAR=user-value and $T/userbin on PATH,
# cds between out1 and out2 (mark-a to mark-b), dumps env.before, enters
# the workspace (inside:), leaves for out1, out2 and / (mark-c to mark-d),
# dumps env.after, says left:[FIXTURE_VAR][FIXTURE_HOOK or unset], enters
# again (again:) and through the link (via-link:), adds /user/added to PATH
# (mark-e), leaves for out1 (mark-f) and says after:[FIXTURE_VAR][PATH].
check_leaving() {
	local out=$1 n

	check "the markers are in the trace" grep -q "$T/mark-f" "$T/trace"
	expect_eq \
	    "cd between directories outside, nothing applied: no process" \
	    "0 0" "$(count_in "$(region mark-a mark-b)")"
	expect_in "entered" "inside:[fixture-value]" "$out"
	expect_eq "cd out of the workspace and about outside: no process" \
	    "0 0" "$(count_in "$(region mark-c mark-d)")"
	if cmp -s <(env_sorted "$T/env.before") <(env_sorted "$T/env.after")
	then
		ok "leaving restores the environment exactly"
	else
		fail "leaving did not restore the environment" \
		    "$(diff <(env_sorted "$T/env.before" | tr '\0' '\n') \
		    <(env_sorted "$T/env.after" | tr '\0' '\n'))"
	fi
	expect_in "the user's values are back" "left:[user-value][unset]" \
	    "$out"
	n=$(printf '%s\n' "$out" |
	    grep -c "hearth: unloaded the default shell of $T/ws")
	expect_eq "it said so, once each time it left" 2 "$n"
	expect_in "entering again works" "again:[fixture-value]" "$out"
	expect_in "a link into the workspace is inside it" \
	    "via-link:[fixture-value]" "$out"
	n=$(printf '%s\n' "$out" | grep -c '^fixture hook output')
	expect_eq "shellHook output still shown once" 1 "$n"
	expect_eq "PATH changed inside: the client runs on leaving" \
	    "1 0" "$(count_in "$(region mark-e mark-f)")"
	expect_in "and keeps the user's PATH entry" \
	    "after:[user-value][$BUILD:/usr/bin:/bin:$T/userbin:/user/added]" \
	    "$out"
	expect_not_in "no error from the hook" "_hearth" "$out"
}

# generation_bump_script: the script check_generation_bump expects, into
# $T/script, in the syntax bash and zsh share.
generation_bump_script() {
	cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\${FIXTURE_VAR-unset}]"
echo "# edit" >> flake.nix; sleep 1
:
echo "var:[\${FIXTURE_VAR-unset}]"
EOF
}

# check_generation_bump OUT: the output of a script that, inside the
# workspace, says var:[FIXTURE_VAR or unset], appends to flake.nix (which
# blocks the workspace), shows a prompt and says var: again. The client
# ran at that prompt if it said the workspace is blocked (it was ready
# before); the last good environment stays.
check_generation_bump() {
	expect_in "applied before the edit" "var:[fixture-value]" "$1"
	expect_in "the edit reached the open shell at the next prompt" \
	    "hearth: flake.nix changed since you allowed $T/ws" "$1"
	expect_eq "and the last good environment stayed" 2 \
	    "$(printf '%s\n' "$1" | grep -c 'var:\[fixture-value\]')"
}
