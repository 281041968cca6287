#!/usr/bin/env bash
# What `nix print-dev-env` does differently from one Nix to the next, and
# what a snapshot makes of it, on whichever Nix runs the test (Debian has
# 2.8, 2.26 and 2.34; make check-matrix runs all three):
# - Structured attributes: NIX_ATTRS_JSON_FILE and NIX_ATTRS_SH_FILE name
#   files in a directory that is gone once the evaluation is over. In the
#   applied shell they name hearth's copies, which exist and hold what
#   `nix develop` gives (Nix >= 2.19); Nix 2.8 keeps no copy to make, and
#   the two are left out, with a note. A copy deleted by hand makes the
#   snapshot be evaluated again, and hearth gc removes it with its root.
# - TMPDIR, TMP, TEMP, TEMPDIR and NIX_BUILD_TOP: nix print-dev-env points
#   them at a directory the evaluation deletes. No applied variable names
#   anything in the daemon's temporary directory (what a shellHook put
#   there is left out, with a note; PATH keeps its other entries), the
#   user's own values stay, and nothing is left behind there.
# - Lix 2.95 (not in Debian: emulated by appending its lines to real Nix's
#   rc) adds NIX_SHELL_LEVEL, one more than the caller's, and exports
#   NIX_LOG_FD=2: the snapshot's level is 1 whatever the daemon had, and
#   NIX_LOG_FD never reaches a shell.
. "$(dirname "$0")/lib.sh"
it_setup

# Nix's version as a number: 2.26.3 -> 226.
nixver=$(nix --version | sed -n 's/.* \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
nixver=$(( ${nixver% *} * 100 + ${nixver#* } ))
attrs_root="$XDG_STATE_HOME/hearth/attrs"

# The daemon's own temporary directory, where Nix and the rc make theirs.
mkdir -p "$T/dtmp" "$T/utmp"
TMPDIR="$T/dtmp" hearth daemon start >/dev/null

# applied DIR OUT: the environment (env -0) of a bash that has applied the
# dev shell of DIR as the hook does, with the user's TMPDIR.
applied() {
	(cd "$1" && unset HEARTH_STATE && export TMPDIR="$T/utmp" &&
	    eval "$(hearth export bash 2>/dev/null)" && env -0 > "$2")
}

# var DUMP NAME: NAME's value in an env -0 dump, "unset" if none.
var() {
	tr '\0' '\n' < "$1" | sed -n "s/^$2=//p" | grep . || echo unset
}

for fx in basic structured; do
	fixture "$fx" "$T/$fx" >/dev/null
	hearth allow "$T/$fx" >/dev/null
	wait_ready "$T/$fx"
	applied "$T/$fx" "$T/$fx.env"
	check "$fx: applied" test -s "$T/$fx.env"
	n=$(tr '\0' '\n' < "$T/$fx.env" | grep -c "$T/dtmp")
	expect_eq "$fx: no variable names the daemon's temporary directory" \
	    0 "$n"
	expect_eq "$fx: TMPDIR is the user's" "$T/utmp" \
	    "$(var "$T/$fx.env" TMPDIR)"
	for v in TMP TEMP TEMPDIR NIX_BUILD_TOP; do
		expect_eq "$fx: $v is the user's (unset)" unset \
		    "$(var "$T/$fx.env" $v)"
	done
done
expect_eq "nothing left in the daemon's temporary directory" "" \
    "$(ls -A "$T/dtmp")"

# What the structured shell's hook put in its temporary directory.
ws="$T/structured"
expect_eq "a variable naming the temporary directory is left out" unset \
    "$(var "$T/structured.env" STRUCTURED_SCRATCH)"
path=$(var "$T/structured.env" PATH)
expect_in "PATH keeps the dev shell's tool" "-structured-tool/bin:" "$path"
expect_eq "the hook's other variables stay" ran \
    "$(var "$T/structured.env" STRUCTURED_HOOK)"
note=$(hearth status "$ws" | sed -n 's/^note *//p')
expect_in "the note says what was left out" \
    "left out what names the dev shell's temporary directory, gone after the evaluation: PATH STRUCTURED_SCRATCH" \
    "$note"

json=$(var "$T/structured.env" NIX_ATTRS_JSON_FILE)
sh=$(var "$T/structured.env" NIX_ATTRS_SH_FILE)
if [ "$nixver" -ge 219 ]; then
	expect_in "NIX_ATTRS_JSON_FILE names hearth's copy" "$attrs_root/" \
	    "$json"
	expect_eq "NIX_ATTRS_SH_FILE beside it" "${json%/*}/.attrs.sh" "$sh"
	check "the JSON file exists" test -f "$json"
	check "the shell file exists" test -f "$sh"
	expect_not_in "nothing about them in the note" NIX_ATTRS "$note"
	# What nix develop gives, read while its files exist.
	(cd "$ws" && env -i HOME="$HOME" PATH=/usr/bin:/bin \
	    NIX_CONFIG="$NIX_CONFIG" TMPDIR="$T/utmp" nix develop \
	    "$ws#default" --command sh -c \
	    'cat "$NIX_ATTRS_JSON_FILE" > "$1.json" &&
	    cat "$NIX_ATTRS_SH_FILE" > "$1.sh"' sh "$T/nixdev" \
	    >/dev/null 2>&1)
	check "nix develop gave both files" test -s "$T/nixdev.sh"
	check "the JSON copy is what nix develop gives" \
	    cmp -s "$json" "$T/nixdev.json"
	check "the shell copy is what nix develop gives" \
	    cmp -s "$sh" "$T/nixdev.sh"
	expect_in "the JSON holds the attributes" \
	    '"structuredList":["one","two words"]' "$(cat "$json")"
	expect_in "the shell file holds them" "declare structuredVar='plain value'" \
	    "$(cat "$sh")"
	# The shell sources the file as a structured build does.
	out=$(cd "$ws" && eval "$(hearth export bash 2>/dev/null)" &&
	    bash -c '. "$NIX_ATTRS_SH_FILE" &&
	    echo "${structuredList[1]}|${structuredSet[key]}"')
	expect_eq "sourcing the shell file gives the attributes" \
	    "two words|it's \"quoted\"" "$out"

	# A copy gone by hand: the snapshot is not served, but made again.
	rm -rf "${json%/*}"
	expect_eq "a snapshot whose copy is gone is evaluated again" \
	    evaluating "$(state_of "$ws")"
	wait_ready "$ws"
	applied "$ws" "$T/again.env"
	check "and the copy is back" test -f "$(var "$T/again.env" \
	    NIX_ATTRS_JSON_FILE)"
else
	expect_eq "Nix $nixver: no NIX_ATTRS_JSON_FILE to keep" unset "$json"
	expect_eq "Nix $nixver: no NIX_ATTRS_SH_FILE to keep" unset "$sh"
	expect_in "the note says they were left out" \
	    "left out what names the directory of the structured attributes, gone after the evaluation: NIX_ATTRS_JSON_FILE NIX_ATTRS_SH_FILE" \
	    "$note"
	expect_eq "no copy was made" "" "$(ls -A "$attrs_root")"
fi
# As with nix develop --command env: structured attributes are no
# environment variables; the files are how a shell's programs get them.
expect_eq "a structured attribute is not an environment variable" unset \
    "$(var "$T/structured.env" structuredVar)"

# hearth gc of a workspace that is gone removes its copies with its roots.
rm -rf "$ws"
sleep 1.1
hearth gc --older-than 0 >/dev/null 2>&1
expect_eq "gc removes the structured attributes' copies" "" \
    "$(ls -A "$attrs_root")"
hearth daemon stop >/dev/null 2>&1

# Lix: its rc lines, after real Nix's, from a daemon started inside a
# nested dev shell with a log fd of its own.
real=$(command -v nix)
cat > "$T/lix" <<EOF
#!/bin/bash
# Real nix; print-dev-env's rc gets the lines Lix 2.95 adds.
case " \$* " in *" print-dev-env "*) ;; *) exec "$real" "\$@" ;; esac
set -o pipefail
"$real" "\$@" | sed '/^export NIX_BUILD_TOP=/i\\
printf -v NIX_SHELL_LEVEL "%d" "\${NIX_SHELL_LEVEL:-0}" || NIX_SHELL_LEVEL=0\\
export NIX_SHELL_LEVEL=\$(( NIX_SHELL_LEVEL + 1 ))\\
export NIX_LOG_FD=2'
EOF
chmod +x "$T/lix"
fixture basic "$T/lixws" >/dev/null
HEARTH_NIX="$T/lix" NIX_SHELL_LEVEL=3 NIX_LOG_FD=7 hearth daemon start \
    >/dev/null
hearth allow "$T/lixws" >/dev/null
wait_ready "$T/lixws"
check "the Lix rc was used" grep -q NIX_SHELL_LEVEL \
    <("$T/lix" print-dev-env --no-write-lock-file "$T/lixws#default" 2>/dev/null)
applied "$T/lixws" "$T/lix.env"
expect_eq "Lix: NIX_SHELL_LEVEL is 1" 1 "$(var "$T/lix.env" NIX_SHELL_LEVEL)"
expect_eq "Lix: NIX_LOG_FD does not reach the shell" unset \
    "$(var "$T/lix.env" NIX_LOG_FD)"
out=$(cd "$T/lixws" && NIX_LOG_FD=5 &&
    eval "$(hearth export bash 2>/dev/null)" && echo "$NIX_LOG_FD")
expect_eq "Lix: the user's NIX_LOG_FD stays" 5 "$out"
expect_eq "Lix: the dev shell is applied" fixture-value \
    "$(var "$T/lix.env" FIXTURE_VAR)"
it_finish
