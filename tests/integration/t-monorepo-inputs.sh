#!/usr/bin/env bash
# Read sets in a monorepo (tests/fixtures/monorepo): editing a file that
# only the api shell's evaluation imported re-evaluates the api shell and
# not the others; going back is a cache hit; a burst of writes (a loop, a
# git checkout) gives one evaluation per affected shell; creating a file
# the evaluation looked for and did not find triggers a new evaluation,
# and the shell ends up as `nix develop` has it once the file is tracked.
#
# Edits are made early in a wall-clock second, so that the evaluation
# they cause starts within the same second (the racy case: a result must
# not be thrown away, nor taken, only because of timestamp granularity).
. "$(dirname "$0")/lib.sh"
it_setup
# The edits here are the user's own: trusted by place (see t-trust-inputs).
trust_place "$T"

fixture monorepo "$T/m" >/dev/null
# others N: the evaluations the other shells get when the tracked set
# changes (1 where Nix evaluates the work tree, 0 where a store copy).
others=0
nixv=$(nix --version | sed 's/.* //')
case $nixv in
2.[0-9].*|2.1[0-9].*|2.2[0-6].*) ;;
*) others=1 ;;
esac
ws="$T/m/ws"
api="$ws/services/api"

# A branch whose checkout rewrites shell.nix and adds 200 files to
# services/api; made in a clone, so the workspace's tree is untouched.
git clone -q "$ws" "$T/clone"
for i in $(seq 1 200); do
	echo "file $i" > "$T/clone/services/api/gen-$i.txt"
done
sed -i 's/"one"/"four"/' "$T/clone/services/api/shell.nix"
git -C "$T/clone" add -A
git -C "$T/clone" -c user.name=hearth -c user.email=hearth@example.invalid \
    commit -q --no-verify -m "200 files and a new setting"
git -C "$T/clone" push -q origin HEAD:refs/heads/many
sleep 1		# see t-monorepo.sh

# second_start: sleep until just after the next wall-clock second begins.
second_start() {
	sleep "$(date +%N | awk '{ printf "%.3f", (1e9 - $1) / 1e9 + 0.02 }')"
}

# settle DIR: wait until DIR's shell is ready and the daemon is quiet.
settle() {
	hearth wait --timeout 30 "$1" >/dev/null 2>&1
	sleep 0.6
	hearth wait --timeout 30 "$1" >/dev/null 2>&1
}

# count_from: the evaluations of every shell, as "api default web".
count_from() {
	echo "$(evals "$ws" api) $(evals "$ws" default) $(evals "$ws" web)"
}

# expect_evals DESC "A D W" BEFORE: the evaluations of api, default and
# web since BEFORE (a count_from) are A, D and W.
expect_evals() {
	local a0 d0 w0
	read -r a0 d0 w0 <<< "$3"
	expect_eq "$1 (evaluations of api, default, web)" "$2" \
	    "$(($(evals "$ws" api) - a0)) $(($(evals "$ws" default) - d0)) $(($(evals "$ws" web) - w0))"
}

hearth daemon start >/dev/null
hearth allow "$ws" >/dev/null
for d in "$ws" "$api" "$ws/services/web"; do
	wait_ready "$d"
done
settle "$api"
start=$(count_from)
expect_eq "api setting at first" one "$(dev_var "$api" API_SETTING)"

# 1. An edit of services/api/shell.nix (an editor's rename-replace).
c=$(count_from)
second_start
sed -i 's/"one"/"two"/' "$api/shell.nix"
# Asked at once, before the daemon has seen the event: judged on disk.
hearth wait --timeout 30 "$api" >/dev/null 2>&1
expect_eq "wait right after the edit gives the edit" two \
    "$(dev_var "$api" API_SETTING)"
settle "$api"
expect_evals "shell.nix edited: api re-evaluated once, web and default not" \
    "1 0 0" "$c"
expect_eq "web is still ready" ready "$(state_of "$ws/services/web")"

# 2. The edit undone: a cache hit, no evaluation.
c=$(count_from)
hits=$(grep -c "cache hit" "$HLOG")
git -C "$ws" checkout -q services/api/shell.nix
settle "$api"
expect_evals "edit undone: no evaluation" "0 0 0" "$c"
expect_eq "edit undone: a cache hit" 1 "$(($(grep -c "cache hit" "$HLOG") - hits))"
expect_eq "api setting back" one "$(dev_var "$api" API_SETTING)"

# 2b. A file read with builtins.readFile (no Nix logs those).
expect_eq "api channel at first" stable "$(dev_var "$api" API_CHANNEL)"
c=$(count_from)
second_start
sed -i 's/"stable"/"nightly"/' "$api/toolchain.toml"
settle "$api"
expect_evals "readFile'd toolchain.toml edited: api re-evaluated once" \
    "1 0 0" "$c"
expect_eq "api has the new channel" nightly "$(dev_var "$api" API_CHANNEL)"
git -C "$ws" checkout -q services/api/toolchain.toml
settle "$api"

# 2c. An edit of a tracked file no evaluation read: nothing to do.
c=$(count_from)
echo "more docs" >> "$ws/docs/README"
settle "$api"
expect_evals "an edit no shell read: no evaluation" "0 0 0" "$c"
git -C "$ws" checkout -q docs/README
settle "$api"

# 3. A git checkout writing 201 files into services/api, and back.
c=$(count_from)
second_start
git -C "$ws" checkout -q many
settle "$api"
expect_evals "checkout of 201 files: api evaluated once, the others $others" \
    "1 $others $others" "$c"
expect_eq "api has the branch's setting" four "$(dev_var "$api" API_SETTING)"
c=$(count_from)
git -C "$ws" checkout -q main
settle "$api"
expect_evals "checkout back: no evaluation (cache hits)" "0 0 0" "$c"
expect_eq "api setting back after the checkout" one \
    "$(dev_var "$api" API_SETTING)"

# 4. A loop rewriting shell.nix 200 times and 200 other files, at once.
c=$(count_from)
second_start
for i in $(seq 1 200); do
	printf 'file %d\n' "$i" > "$api/burst-$i.txt"
	printf '{ API_SETTING = "burst-%d"; }\n' "$i" > "$api/shell.nix"
done
settle "$api"
expect_evals "200 rewrites: api evaluated once, the others not" "1 0 0" "$c"
expect_eq "api has the last rewrite" burst-200 "$(dev_var "$api" API_SETTING)"
rm -f "$api"/burst-*.txt
git -C "$ws" checkout -q services/api/shell.nix
settle "$api"

# 5. services/api/extra.nix, which the api evaluation looked for, appears
# (staged first, so that Nix sees it as soon as it exists).
c=$(count_from)
second_start
blob=$(echo '{ API_EXTRA = "tracked"; }' | git -C "$ws" hash-object -w --stdin)
git -C "$ws" update-index --add --cacheinfo "100644,$blob,services/api/extra.nix"
echo '{ API_EXTRA = "tracked"; }' > "$api/extra.nix"
settle "$api"
expect_evals "a file looked for appears: api evaluated once, the others $others" \
    "1 $others $others" "$c"
expect_eq "api has the new file's setting" tracked \
    "$(dev_var "$api" API_EXTRA)"
c=$(count_from)
git -C "$ws" rm -q --cached services/api/extra.nix
rm "$api/extra.nix"
settle "$api"
expect_evals "the file removed again: no evaluation" "0 0 0" "$c"
expect_eq "api without the file" none "$(dev_var "$api" API_EXTRA)"

# 6. The usual order: the file is created, then `git add`ed a moment
# later. Nix cannot see a file git does not track, so its creation alone
# costs no evaluation (the tracer tells hearth exactly that the
# evaluation looked for it); after the `git add` the shell is what
# `nix develop` gives.
c=$(count_from)
echo '{ API_EXTRA = "added-later"; }' > "$api/extra.nix"
settle "$api"
expect_evals "an untracked file looked for appears: no evaluation" \
    "0 0 0" "$c"
expect_eq "untracked, as nix develop has it" \
    "$(nix_var "$ws#api" API_EXTRA)" "$(dev_var "$api" API_EXTRA)"
git -C "$ws" add services/api/extra.nix
settle "$api"
want=$(nix_var "$ws#api" API_EXTRA)
expect_eq "nix develop sees the file once it is added" added-later "$want"
expect_eq "after git add, the api shell is nix develop's" "$want" \
    "$(dev_var "$api" API_EXTRA)"
n=$(count_from)
read -r _ d0 w0 <<< "$start"
read -r _ d1 w1 <<< "$n"
# Only the tracked-set changes of 3 and 5 count (6 adds the same set as
# 5: a cache hit).
expect_eq "web and default evaluated only for tracked-set changes" \
    "$((2 * others)) $((2 * others))" "$((d1 - d0)) $((w1 - w0))"
it_finish
