#!/bin/sh
# Lay the offline flake fixture tests/fixtures/NAME into DEST as git repo(s) ready for `nix print-dev-env`.
#
# usage: mkfixture.sh NAME DEST
#
# DEST must not exist or be empty. Every fixture gets its own copy of
# contrib/example/nix (the mini stdenv) as lib/, since a flake sees only its
# own repo. Layouts:
#   basic     DEST is the flake:  nix print-dev-env DEST#default
#   lockbump  DEST/tools is the input repo, DEST/ws the flake (flake.lock
#             committed):         nix print-dev-env DEST/ws#default
#   monorepo  like lockbump (DEST/tools the input, DEST/ws the flake with
#             devShells default, api and web, flake.lock committed), and
#             DEST/ws/packages/nested a flake of its own in the same repo,
#             with its own lib/:  nix print-dev-env DEST/ws#api
#                                 nix print-dev-env DEST/ws/packages/nested
# Any other fixture directory holding a flake.nix is laid like basic.
# Pass DEST as an absolute path to nix: a bare word is a registry name.
set -eu

prog=${0##*/}
nix=${NIX:-nix}

die() {
	echo "$prog: $*" >&2
	exit 1
}

# Run nix with flakes enabled; show its output only if it fails.
run_nix() {
	if ! log=$("$nix" --extra-experimental-features "nix-command flakes" \
	    "$@" 2>&1); then
		printf '%s\n' "$log" >&2
		die "nix $* failed"
	fi
}

# Make $1 a git repo holding all its files in one commit, with message $2.
commit_repo() {
	git -C "$1" -c init.defaultBranch=main init -q
	git -C "$1" config user.name "hearth tests"
	git -C "$1" config user.email "hearth-tests@example.invalid"
	git -C "$1" config commit.gpgsign false
	git -C "$1" add -A
	git -C "$1" commit -q --no-verify -m "$2"
}

# Copy fixture directory $1 and the mini stdenv into the new directory $2.
# The mini stdenv is the example workspace's, kept in one place.
lay() {
	mkdir -p "$2"
	cp -R "$1/." "$2/"
	cp -R "$fixtures/../../contrib/example/nix" "$2/lib"
}

[ $# -eq 2 ] || { echo "usage: $prog NAME DEST" >&2; exit 2; }
name=$1
dest=$2

fixtures=$(cd "$(dirname "$0")/../fixtures" && pwd -P)
case $name in
""|lib|*/*|.*) die "bad fixture name: $name" ;;
esac
[ -d "$fixtures/$name" ] || die "no fixture $name in $fixtures"

if [ -e "$dest" ] && [ -n "$(ls -A "$dest")" ]; then
	die "$dest exists and is not empty"
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd -P)

case $name in
lockbump)
	mkdir -p "$dest/tools"		# the input needs no stdenv
	cp -R "$fixtures/lockbump/tools/." "$dest/tools/"
	commit_repo "$dest/tools" "tools v1"

	lay "$fixtures/lockbump/ws" "$dest/ws"
	sed "s|@TOOLS_REPO@|$dest/tools|" "$fixtures/lockbump/ws/flake.nix" \
	    > "$dest/ws/flake.nix"
	commit_repo "$dest/ws" "workspace"
	# Commit the lock like a real project would.
	run_nix flake lock "$dest/ws"
	git -C "$dest/ws" add flake.lock
	git -C "$dest/ws" commit -q --no-verify -m "lock tools v1"
	;;
monorepo)
	mkdir -p "$dest/tools"		# the input needs no stdenv
	cp -R "$fixtures/monorepo/tools/." "$dest/tools/"
	commit_repo "$dest/tools" "tools v1"

	lay "$fixtures/monorepo/ws" "$dest/ws"
	sed "s|@TOOLS_REPO@|$dest/tools|" "$fixtures/monorepo/ws/flake.nix" \
	    > "$dest/ws/flake.nix"
	# The nested flake sees only its own directory: its own stdenv.
	cp -R "$fixtures/../../contrib/example/nix" \
	    "$dest/ws/packages/nested/lib"
	commit_repo "$dest/ws" "monorepo"
	run_nix flake lock "$dest/ws"
	git -C "$dest/ws" add flake.lock
	git -C "$dest/ws" commit -q --no-verify -m "lock tools v1"
	;;
*)
	[ -f "$fixtures/$name/flake.nix" ] || die "fixture $name has no flake.nix"
	lay "$fixtures/$name" "$dest"
	commit_repo "$dest" "fixture $name"
	;;
esac
