#!/usr/bin/env bash
# `hearth export json` and `hearth export gha` as programs use them: a
# consumer in another language (export-consumer.py) keeps its own
# environment, applies what each call prints and calls again there. The
# JSON is direnv's (a name to a value or null, HEARTH_STATE included), so
# entering gives what bash gets, a call with nothing new prints nothing,
# a lock bump switches, a move between workspaces leaves no residue, and
# leaving restores the environment byte for byte. A value JSON cannot hold
# (invalid UTF-8) is left out with a notice and listed by status.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/ws" >/dev/null
mkdir -p "$T/ws/sub"
fixture lockbump "$T/lb" >/dev/null
lb="$T/lb/ws"
fixture tricky "$T/tr" >/dev/null
hearth daemon start >/dev/null
for ws in "$T/ws" "$lb" "$T/tr"; do
	hearth allow "$ws" >/dev/null
	wait_ready "$ws"
done

export FIXTURE_VAR=user-value
# Under the C locale python3 sets LC_CTYPE in its own environment (PEP
# 538), which the consumer would then have and bash not.
export LC_CTYPE=C.UTF-8
export PATH="$PATH:$T/userbin"
consume() {
	python3 "$IT_DIR/export-consumer.py" "$@" 2>&1
}
# An environment as NAME=VALUE NUL-terminated and sorted, without what a
# shell sets for itself.
shellvars='^(PWD|OLDPWD|SHLVL|_)='
filtered() {
	grep -zaEv "$shellvars" "$1" | sort -z
}
# What bash has in DIR after applying `hearth export bash` once there.
bash_env() {
	(cd "$1" && bash --norc --noprofile -c \
	    'eval "$(hearth export bash 2>/dev/null)"; exec env -0') |
	    grep -zaEv "$shellvars" | sort -z
}
# Two environments are the same, but for HEARTH_STATE: after leaving it
# stays, as in every shell, to remember which shellHook output was shown.
same() {
	cmp -s <(grep -zav '^HEARTH_STATE=' "$1") \
	    <(grep -zav '^HEARTH_STATE=' "$2")
}
cd "$T"

# 1. Enter, stay, move inside, leave: exact.
out=$(consume json dump="$T/base" export=outside cd="$T/ws" export=enter \
    dump="$T/in" export=again cd="$T/ws/sub" export=sub run=fixture-tool \
    cd="$T" export=leave dump="$T/out" export=after)
expect_in "nothing outside" "outside: empty" "$out"
expect_in "entering sets the dev shell's variables and the state" \
    "enter: FIXTURE_HOOK FIXTURE_QUOTE FIXTURE_VAR HEARTH_STATE" "$out"
expect_in "the notice goes to stderr" \
    "enter: stderr: hearth: loaded the default shell of $T/ws" "$out"
expect_in "a second call prints nothing" "again: empty" "$out"
expect_in "a move inside prints nothing" "sub: empty" "$out"
expect_in "the dev shell's PATH works" "run: fixture-tool v1" "$out"
expect_in "leaving unsets with null" "leave: -FIXTURE_HOOK -FIXTURE_QUOTE" "$out"
expect_in "leaving sets back the user's values and the state" \
    "-system FIXTURE_VAR HEARTH_STATE PATH" "$out"
expect_in "nothing after leaving" "after: empty" "$out"
check "leaving restores the environment byte for byte" same "$T/base" "$T/out"
filtered "$T/in" > "$T/in.f"
bash_env "$T/ws" > "$T/in.bash"
check "inside equals what bash gets from hearth export bash" \
    cmp -s "$T/in.f" "$T/in.bash"

# 2. Between workspaces: no residue of the first.
out=$(consume json cd="$T/ws" export=a cd="$lb" export=b dump="$T/sw" \
    cd="$T" export=c dump="$T/sw-out")
expect_in "switching loads the second" \
    "b: stderr: hearth: loaded the default shell of $lb" "$out"
filtered "$T/sw" > "$T/sw.f"
bash_env "$lb" > "$T/sw.bash"
check "after a switch, what bash gets entering the second afresh" \
    same "$T/sw.f" "$T/sw.bash"
check "leaving after a switch restores exactly" same "$T/base" "$T/sw-out"

# 3. A lock bump: the next call switches to the new snapshot.
n0=$(grep -c "snapshot .* ready" "$HLOG" || true)
out=$(consume json cd="$lb" export=v1 run=lockbump-tool \
    run="sh '$IT_DIR/bump-tools.sh' '$T/lb' 2 >/dev/null; i=0
	while [ \"\$(grep -c 'snapshot .* ready' '$HLOG')\" -le $n0 ] &&
	    [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done; echo bumped" \
    export=v2 run=lockbump-tool cd="$T" export=out dump="$T/lb-out")
expect_in "before the bump" "run: lockbump-tool v1" "$out"
expect_in "the bump landed" "run: bumped" "$out"
expect_in "the update is said" \
    "v2: stderr: hearth: the default shell of $lb was updated" "$out"
expect_in "after the bump" "run: lockbump-tool v2" "$out"
check "leaving after a bump restores exactly" same "$T/base" "$T/lb-out"

# 4. Values JSON cannot hold: left out, said once, listed by status.
out=$(consume json cd="$T/tr" export=tr dump="$T/tr-in" export=again \
    cd="$T" export=out dump="$T/tr-out")
expect_in "a value that is not UTF-8 is left out with one line" \
    "tr: stderr: hearth: not set in json, whose values must be UTF-8: TRICKY_INVALID" \
    "$out"
expect_in "and not again" "again: empty" "$out"
filtered "$T/tr-in" > "$T/tr-in.f"
bash_env "$T/tr" | grep -zav '^TRICKY_INVALID=' > "$T/tr.bash"
check "every other tricky value is bash's, byte for byte" \
    same "$T/tr-in.f" "$T/tr.bash"
check "leaving the tricky shell restores exactly" same "$T/base" "$T/tr-out"
st=$(hearth status "$T/tr" 2>&1)
expect_in "status lists the value json cannot hold" \
    "values json cannot hold, not set there: TRICKY_INVALID" "$st"

# 5. gha: what $GITHUB_ENV takes, state included; no unsets.
out=$(consume gha cd="$T/ws" export=g1 dump="$T/g-in" export=g2 \
    run=fixture-tool cd="$T" export=g3)
expect_in "gha sets the dev shell and the state" \
    "g1: FIXTURE_HOOK FIXTURE_QUOTE FIXTURE_VAR HEARTH_STATE" "$out"
expect_in "gha: a second call prints nothing" "g2: empty" "$out"
expect_in "gha: the tool runs" "run: fixture-tool v1" "$out"
expect_in "gha: leaving sets back what it can (no unset)" \
    "g3: FIXTURE_VAR HEARTH_STATE PATH" "$out"
check "gha inside equals json inside" same "$T/g-in" "$T/in"
raw=$(cd "$T/ws" && hearth export gha 2>/dev/null)
expect_in "gha uses a random delimiter" "FIXTURE_VAR<<ghadelimiter_" "$raw"

# 6. contrib/direnv-shim/direnv, for editors that run `direnv` itself.
shim="$IT_DIR/../../contrib/direnv-shim/direnv"
status_json() {
	(cd "$1" && "$shim" status --json) | python3 -c 'import json, sys
rc = json.load(sys.stdin)["state"]["foundRC"]
print("none" if rc is None else "%d %s" % (rc["allowed"], rc["path"]))'
}
expect_eq "shim: status --json in an allowed workspace" \
    "0 $T/ws/flake.nix" "$(status_json "$T/ws/sub")"
expect_eq "shim: status --json outside" "none" "$(status_json "$T")"
fixture basic "$T/new" >/dev/null
expect_eq "shim: status --json in a workspace not allowed" \
    "1 $T/new/flake.nix" "$(status_json "$T/new")"
check "shim: version" eval '"$shim" version >/dev/null'
a=$(cd "$T/ws" && "$shim" export json 2>/dev/null | grep -v HEARTH_STATE)
b=$(cd "$T/ws" && hearth export json 2>/dev/null | grep -v HEARTH_STATE)
expect_eq "shim: export json is hearth's" "$b" "$a"
check "shim: other commands fail" eval '! "$shim" edit 2>/dev/null'

# 7. An unknown name lists the formats too.
err=$(hearth export nosuch 2>&1)
expect_in "unknown format lists json and gha" "json, gha)" "$err"
it_finish
