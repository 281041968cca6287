#!/usr/bin/env bash
# Files the shellHook reads are inputs, as the files Nix reads are:
# `set -a; . ./.env; set +a` in the hook, with .env ignored by git (as it
# usually is), gives a new snapshot when .env is created (the hook looked
# for it first), edited, or removed; so does a file a program the hook runs
# reads (cat). A file the hook writes, then reads, at every run, does not
# make it evaluate forever; nor do files outside the workspace.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/b" >/dev/null
ws="$T/b"
mkdir -p "$ws/conf"
echo '.env' > "$ws/.gitignore"
cat > "$T/hook" <<'HOOK'
            if [ -f .env ]; then set -a; . ./.env; set +a; fi
            export FROM_CAT="$(cat conf/extra 2>/dev/null || echo none)"
            echo "run $RANDOM" > hook.out; read -r HOOK_OUT < hook.out
            export HOOK_OUT
            [ -f "$HOME/outside" ] && export OUTSIDE=1
HOOK
sed -i "/export FIXTURE_HOOK=ran/r $T/hook" "$ws/flake.nix"
echo 'hook.out' >> "$ws/.gitignore"
git -C "$ws" add -A
git -C "$ws" -c user.name=hearth -c user.email=hearth@example.invalid \
    commit -q --no-verify -m "a hook that reads files"
sleep 1		# files older than the second the evaluation starts in

# settle: the shell is ready and the daemon has seen every event.
settle() {
	hearth wait --timeout 60 "$ws" >/dev/null 2>&1
	sleep 0.6
	hearth wait --timeout 60 "$ws" >/dev/null 2>&1
}

# var_is NAME WANT: poll (up to 60 s) until the shell's NAME is WANT:
# the daemon re-evaluates on its own, nobody asking.
var_is() {
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		hearth wait --timeout 60 "$ws" >/dev/null 2>&1
		[ "$(dev_var "$ws" "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

hearth allow "$ws" >/dev/null
wait_ready "$ws"
settle
expect_eq "no .env yet" unset "$(dev_var "$ws" FROM_ENV)"
expect_eq "no conf/extra yet" none "$(dev_var "$ws" FROM_CAT)"

# .env is code the hook sources, so it is covered by the allowance
# (issue 12): made while the workspace is trusted by allow alone, it
# blocks the workspace, is named, and runs nothing; the last good shell
# stays. hearth allow evaluates it.
state_is() {
	local end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(state_of "$ws")" = "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
printf 'FROM_ENV=zero\ntouch "%s/ran"\n' "$T" > "$ws/.env"
check ".env created: the workspace is blocked" state_is blocked
expect_in ".env created: named" ".env changed since you allowed" \
    "$(hearth status "$ws" 2>&1)"
expect_eq ".env created: its code never ran" absent \
    "$([ -e "$T/ran" ] && echo ran || echo absent)"
expect_eq ".env created: the last good shell stays" ran \
    "$(dev_var "$ws" FIXTURE_HOOK)"
hearth allow "$ws" >/dev/null
check ".env allowed: the shell has its variable" var_is FROM_ENV zero
# Back to content allowed before (no .env): remembered, no allow needed.
rm -f "$ws/.env" "$T/ran"
check ".env removed: as first allowed, with no new allow" var_is FROM_ENV unset

# From here on the user trusts the place (config.ini [trust]), so that
# edits refresh by themselves, as item 11 of issue 11 asks.
trust_place "$T"

# 1. .env made: the hook had looked for it.
printf 'FROM_ENV=one\n' > "$ws/.env"
check ".env created: the shell has its variable" var_is FROM_ENV one
# 2. .env edited.
printf 'FROM_ENV=two\n' > "$ws/.env"
check ".env edited: the shell has the new value" var_is FROM_ENV two
# 3. A file a program of the hook reads.
echo first > "$ws/conf/extra"
check "a file cat read, created" var_is FROM_CAT first
echo second > "$ws/conf/extra"
check "a file cat read, edited" var_is FROM_CAT second
# 4. .env removed.
rm "$ws/.env"
check ".env removed: its variable is gone" var_is FROM_ENV unset
settle

# 5. The hook's own hook.out, rewritten at every run, and a file outside
# the workspace the hook looks for: no evaluation.
n=$(evals "$ws" default)
touch "$HOME/outside"
settle
settle
expect_eq "the hook's own output and files outside: no evaluation" "$n" \
    "$(evals "$ws" default)"
expect_in "the shell is current" "ready" "$(hearth status "$ws")"
it_finish
