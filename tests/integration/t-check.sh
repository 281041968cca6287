#!/usr/bin/env bash
# hearth check: CI's fitness checks, with Nix and no daemon. It passes on
# a good workspace (with a committed tools list), and fails with a clear
# table on a flake.lock that needs relocking, a devShell whose tool fails
# to build, and a tools list that no longer matches; it writes nothing
# into the repository; --junit writes well-formed JUnit XML.
. "$(dirname "$0")/lib.sh"
it_setup

# xmllint where it is installed (Debian's libxml2-utils), else a
# grep-level check of the document's shape.
well_formed() {
	if command -v xmllint >/dev/null; then
		xmllint --noout "$1"
	else
		head -1 "$1" | grep -q '^<?xml version="1.0"' &&
		    grep -q '^</testsuites>$' "$1" &&
		    [ "$(grep -c '<testcase ' "$1")" -ge 1 ] &&
		    ! grep -q '[[:cntrl:]]' <(tr -d '\n\t' < "$1")
	fi
}

fixture fallback "$T/good" >/dev/null
fixture lockbump "$T/lb" >/dev/null
fixture broken "$T/broken" >/dev/null

# A committed tools list, made by the daemon like a user would.
hearth allow "$T/good" >/dev/null
wait_ready "$T/good"
hearth tools --write "$T/good" >/dev/null
git -C "$T/good" add .hearth-tools
git -C "$T/good" commit -qm "tools list"
hearth daemon stop >/dev/null

# A good workspace: every check passes, with no daemon.
out=$(hearth check --junit "$T/good.xml" "$T/good" 2>&1)
rc=$?
expect_eq "good workspace: exit 0" 0 "$rc"
expect_in "table header" "CHECK          RESULT  DETAIL" "$out"
# No flake.lock and no inputs: nothing was checked, so it is no pass.
expect_in "no flake.lock: the lock is skipped, not passed" \
    "lock           skip    no flake.lock, and flake.nix has no inputs to lock" "$out"
expect_in "the devShells are listed" "devShells      pass    3 for " "$out"
expect_in "every devShell builds" "build docs     pass    evaluates and builds" "$out"
expect_in "the tools list matches" "tools          pass    .hearth-tools matches the devShells (5 tools)" "$out"
expect_in "summary line: a skip is counted apart" \
    "5 of 6 checks passed, 1 skipped" "$out"
expect_not_in "a skip is not counted as passed" "all 6 checks passed" "$out"
check "no daemon was started" eval "! hearth daemon status >/dev/null 2>&1"
expect_eq "nothing written into the repository" "" "$(git -C "$T/good" status --porcelain)"
check "junit: well-formed" well_formed "$T/good.xml"
expect_in "junit: six test cases, none failed" \
    '<testsuites tests="6" failures="0" errors="0" skipped="1"' "$(cat "$T/good.xml")"

# A tool's version moved on: the tools list is out of date.
sed -i 's/"greet" "1.2.3"/"greet" "1.3.0"/' "$T/good/flake.nix"
git -C "$T/good" commit -qam "greet 1.3.0"
out=$(hearth check "$T/good" 2>&1)
rc=$?
expect_eq "outdated tools list: exit 1" 1 "$rc"
expect_in "tools fails, with the first difference" \
    "tools          FAIL    .hearth-tools is out of date: api: greet is greet 1.3.0, the list says greet 1.2.3 (and 1 more); run \`hearth tools --write\`" \
    "$out"
expect_in "every difference listed below the table" \
    "  default: greet is greet 1.3.0, the list says greet 1.2.3" "$out"
expect_in "failure summary" "1 of 6 checks failed, 1 skipped" "$out"

# flake.nix gained an input that flake.lock does not have.
sed -i "s|^  inputs.tools.url = .*|&\n  inputs.extra.url = \"git+file://$T/lb/tools\";|" \
    "$T/lb/ws/flake.nix"
sed -i 's/outputs = { self, tools }/outputs = { self, tools, extra }/' \
    "$T/lb/ws/flake.nix"
git -C "$T/lb/ws" add flake.nix
lock_before=$(sha256sum < "$T/lb/ws/flake.lock")
out=$(hearth check --junit "$T/lb.xml" "$T/lb/ws" 2>&1)
rc=$?
expect_eq "outdated lock: exit 1" 1 "$rc"
expect_in "lock fails, and says what to do" \
    "lock           FAIL    flake.lock is out of date with flake.nix (run \`nix flake lock\` and commit flake.lock)" \
    "$out"
expect_in "the shell still builds" "build default  pass" "$out"
expect_in "no tools list: skipped" "tools          skip    no .hearth-tools" "$out"
expect_eq "flake.lock untouched" "$lock_before" "$(sha256sum < "$T/lb/ws/flake.lock")"
expect_eq "git status: only the user's change" "M  flake.nix" \
    "$(git -C "$T/lb/ws" status --porcelain)"
check "junit: well-formed" well_formed "$T/lb.xml"
xml=$(cat "$T/lb.xml")
expect_in "junit: the lock's failure, escaped" \
    "<failure type=\"failure\" message=\"flake.lock is out of date with flake.nix" "$xml"
expect_in "junit: Nix's own words in the failure" \
    "requires lock file changes but they&apos;re not allowed" "$xml"
expect_in "junit: the skipped tools check" "<skipped message=\"no .hearth-tools" "$xml"

# A devShell whose tool fails to build.
out=$(hearth check --junit "$T/broken.xml" "$T/broken" 2>&1)
rc=$?
expect_eq "broken devShell: exit 1" 1 "$rc"
# Nix 2.8 to 2.2x: "builder for 'DRV' failed with exit code 1"; Nix 2.3x:
# "Cannot build 'DRV'. Reason: builder failed with exit code 1."
row=$(printf '%s\n' "$out" | grep '^build bad ')
expect_in "the broken shell fails, with Nix's error" \
    "build bad      FAIL    error: " "$row"
re="'/nix/store/[a-z0-9]{32}-broken-tool-1\.0\.drv'\.? (failed|Reason: builder failed) with exit code 1"
check "naming the tool, and that its builder failed" grep -Eq "$re" <<< "$row"
expect_in "the good one passes" "build default  pass" "$out"
check "junit: well-formed" well_formed "$T/broken.xml"
xml=$(cat "$T/broken.xml")
expect_in "junit: one failure" '<testsuites tests="5" failures="1"' "$xml"
expect_in "junit: the build log in the failure" \
    "&gt; broken-tool: this build fails on purpose" "$xml"
expect_eq "junit: written whole, no temporary file" "" \
    "$(ls -A "$T" | grep '^\.broken\.xml\.' || true)"

# The tools of a shell that did not build were never compared: the tools
# check does not pass on the rest.
printf '# tools\ndefault\tfine-tool\tfine-tool\t-\nbad\tbroken-tool\tbroken-tool\t1.0\n' \
    > "$T/broken/.hearth-tools"
git -C "$T/broken" add .hearth-tools
git -C "$T/broken" commit -qm "tools list"
out=$(hearth check "$T/broken" 2>&1)
expect_eq "a shell that did not build: exit 1" 1 "$?"
expect_in "its tools are not passed as compared" \
    "tools          skip    not compared for bad, which did not build; the rest of .hearth-tools matches" \
    "$out"
expect_not_in "the tools do not pass" "tools          pass" "$out"

# flake.nix has inputs and there is no flake.lock.
git -C "$T/lb/ws" checkout -q flake.nix
git -C "$T/lb/ws" rm -q flake.lock
git -C "$T/lb/ws" commit -qm "no lock"
out=$(hearth check "$T/lb/ws" 2>&1)
expect_eq "inputs and no flake.lock: exit 1" 1 "$?"
expect_in "the lock fails, and says what to do" \
    "lock           FAIL    no flake.lock (run \`nix flake lock\` and commit flake.lock)" \
    "$out"
check "and nothing was written" test ! -e "$T/lb/ws/flake.lock"

# No nix: one failed check, not a crash.
out=$(PATH="$BUILD" hearth check "$T/good" 2>&1)
rc=$?
expect_eq "no nix: exit 1" 1 "$rc"
expect_in "no nix: said in the table" \
    "nix    FAIL    nix is not installed (not found in PATH)" "$out"
out=$(hearth check --bogus 2>&1)
expect_eq "bad usage: exit 2" 2 "$?"
out=$(hearth check /tmp 2>&1)
expect_in "outside a workspace" "no flake.nix in /tmp" "$out"
it_finish
