#!/bin/sh
# Commit VERSION in a lockbump fixture's tools repo and relock its workspace, leaving flake.lock modified but uncommitted.
#
# usage: bump-tools.sh DEST VERSION
#
# DEST is a directory made by `mkfixture.sh lockbump DEST`. Afterwards
# DEST/ws has a dirty flake.lock (as if a user had edited it), and
# `nix print-dev-env DEST/ws#default` gives lockbump-tool vVERSION.
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

[ $# -eq 2 ] || { echo "usage: $prog DEST VERSION" >&2; exit 2; }
dest=$1
version=$2

case $version in
""|*[!A-Za-z0-9._-]*) die "bad version: $version" ;;
esac
if [ ! -d "$dest/tools/.git" ] || [ ! -d "$dest/ws/.git" ]; then
	die "$dest is not a lockbump fixture"
fi

cat > "$dest/tools/version.nix" <<VERSION
# Version of the lockbump fixture's tool; tests/integration/bump-tools.sh rewrites this file.
"$version"
VERSION
git -C "$dest/tools" diff --quiet && die "tools are already at v$version"
git -C "$dest/tools" commit -q --no-verify -m "tools v$version" version.nix

# This rewrites DEST/ws/flake.lock in the working tree only.
run_nix flake lock --update-input tools "$dest/ws"
