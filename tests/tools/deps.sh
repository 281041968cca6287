#!/bin/sh
# Install the Debian packages hearth's build, tests and demo need when run as
# root; otherwise print the exact apt-get line and fail.
#   deps.sh             the build, tests and demo
#   deps.sh PKG...      extra packages for one target (bench, fuzz, matrix)
#   deps.sh --list      print the default list (the Nix matrix installs it
#                       in its chroots)
# Off Debian (no dpkg-query) it checks nothing and leaves the build to say
# what is missing.
set -eu
pkgs="gcc make pkg-config libc6-dev libuv1-dev libsqlite3-dev libsodium-dev
libcmocka-dev libinih-dev nix-bin bash zsh fish elvish xonsh tcsh git sqlite3 procps
strace scdoc man-db"
pkgs="$pkgs libxml2-utils"	# xmllint: t-check.sh checks hearth check --junit
pkgs="$pkgs python3"	# t-export-json.sh: a consumer of hearth export json in another language
# bash zsh fish elvish xonsh tcsh above: each shell's package, as its entry in client/shell-*.c
# names it (this runs before anything is built; test_shell checks that the
# two agree); nushell's, from npm, is installed below.
if [ "${1:-}" = "--list" ]; then
	echo $pkgs
	exit 0
fi

# nushell (the nu shell's package, @nushell/linux-x64) is not in Debian:
# the official static build comes from the npm registry, installed in the
# tree (.deps/, ignored by git), where the Nix matrix's chroots, which
# bind the tree, find it too. The tests run .deps/bin/nu.
nu_version=0.115.1
top=$(cd "$(dirname "$0")/../.." && pwd)
nu_dir=$top/.deps/nushell
nu_bin=$nu_dir/node_modules/@nushell/linux-x64/bin/nu
install_nu() {
	if [ -x "$nu_bin" ] &&
	    [ "$("$nu_bin" --version 2>/dev/null)" = "$nu_version" ]; then
		ln -sfn ../nushell/node_modules/@nushell/linux-x64/bin/nu \
		    "$top/.deps/bin/nu" 2>/dev/null || true
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		echo "deps: npm is missing; install npm, then run" \
		    "make deps again (for nushell)" >&2
		return 1
	fi
	echo "deps: installing nushell $nu_version (npm @nushell/linux-x64) in $nu_dir"
	mkdir -p "$nu_dir" "$top/.deps/bin"
	npm install --prefix "$nu_dir" --no-save --no-package-lock \
	    --no-audit --no-fund --loglevel=error \
	    "@nushell/linux-x64@$nu_version" >/dev/null
	ln -sfn ../nushell/node_modules/@nushell/linux-x64/bin/nu \
	    "$top/.deps/bin/nu"
}
# npm (for nushell, installed last) joins the Debian packages when it is
# missing, so that one apt-get line names everything.
want_nu=0
if [ $# -eq 0 ]; then
	want_nu=1
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
[ $# -gt 0 ] && pkgs="$*"
if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "deps: not a Debian system; install by hand: $pkgs" >&2
	exit 0
fi
missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ] && [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
elif [ -n "$missing" ]; then
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
[ "$want_nu" -eq 0 ] || install_nu
