#!/usr/bin/env bash
# Record what this machine's Nix prints for each way a hearth job fails
# (and for a listing and an archive that work), as the test data of
# tests/unit/test_nix.c: tests/unit/data/nix/<major.minor>/NAME.log
# (stderr), NAME.out (stdout, where a test reads it) and version.txt.
# Each run is the argv hearth itself gives Nix (common/nix.c):
# print-dev-env with -vvv as hearthd runs it, the listing, the archive,
# and `hearth check`'s flake lock and build.
#
# usage: record.sh [OUTDIR]     (default: tests/unit/data/nix/VERSION)
# Run it once per Nix version: on the host, and in the matrix chroots
# (mx trixie bash tests/unit/data/nix/record.sh). Paths are fixed
# (/tmp/hearth-nixrec) so that the logs of every version name the same.
set -eu
top=$(cd "$(dirname "$0")/../../../.." && pwd)
. "$top/tests/tools/sandbox.sh"
w=/tmp/hearth-nixrec
rm -rf "$w"
sandbox_init "$w/home"
ver=$(nix --version | sed -n 's/.* \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
out=${1:-$top/tests/unit/data/nix/$ver}
mkdir -p "$out"
sys=$(nix --extra-experimental-features 'nix-command flakes' eval --impure \
    --raw --expr builtins.currentSystem)
mkfix() { sh "$top/tests/integration/mkfixture.sh" "$@" >/dev/null; }
nx() { nix --extra-experimental-features 'nix-command flakes' "$@"; }

# devenv NAME REF: hearthd's print-dev-env of REF, its stderr in NAME.log.
devenv() {
	(cd "${2%#*}" && nx print-dev-env -vvv --option eval-cache false \
	    --no-write-lock-file --profile "$w/profile" "$2") \
	    >/dev/null 2>"$out/$1.log" || true
}
# list NAME ROOT: hearthd's listing of ROOT's devShells.
list() {
	(cd "$2" && nx eval --json --no-write-lock-file \
	    "$2#devShells.$sys" --apply builtins.attrNames) \
	    >"$out/$1.out" 2>"$out/$1.log" || true
}

nix --version > "$out/version.txt"

mkfix nixerrors "$w/ws"
list list-ok "$w/ws"
devenv undefined-var "$w/ws#undefined"
devenv throw "$w/ws#throws"
devenv builder-failed "$w/ws#bad"
devenv missing-attr "$w/ws#nope"
# hearth check builds without -vvv.
(cd "$w/ws" && nx print-dev-env --no-write-lock-file "$w/ws#bad") \
    >/dev/null 2>"$out/check-builder-failed.log" || true

# flake.nix that does not parse.
mkfix nixerrors "$w/syntax"
sed -i 's/^  outputs = { self }:$/  outputs = { self }: in/' "$w/syntax/flake.nix"
git -C "$w/syntax" commit -qam "break flake.nix"
devenv syntax-error "$w/syntax#default"

# A flake with no devShells for this system: the listing fails.
mkfix nixerrors "$w/nodev"
sed -i 's/devShells = mini.eachSystem/packages = mini.eachSystem/' \
    "$w/nodev/flake.nix"
git -C "$w/nodev" commit -qam "no devShells"
list no-devshells "$w/nodev"

mkfix lockbump "$w/lb"
# What hearthd roots: the flake's and its input's store paths.
(cd "$w/lb/ws" && nx flake archive --json --no-write-lock-file "$w/lb/ws") \
    >"$out/archive.out" 2>"$out/archive.log"
# As t-monorepo-lock: flake.lock moves the input to a commit that throws.
printf 'throw "lockbump tools are broken"\n' > "$w/lb/tools/version.nix"
git -C "$w/lb/tools" commit -qam "broken tools"
nx flake lock --update-input tools "$w/lb/ws" 2>/dev/null
devenv lock-input-throw "$w/lb/ws#default"
git -C "$w/lb/ws" checkout -q flake.lock
# As t-check: flake.nix gained an input flake.lock lacks.
sed -i "s|^  inputs.tools.url = .*|&\n  inputs.extra.url = \"git+file://$w/lb/tools\";|" \
    "$w/lb/ws/flake.nix"
sed -i 's/outputs = { self, tools }/outputs = { self, tools, extra }/' \
    "$w/lb/ws/flake.nix"
git -C "$w/lb/ws" add flake.nix
(cd "$w/lb/ws" && nx flake lock --no-update-lock-file "$w/lb/ws") \
    >/dev/null 2>"$out/lock-outdated.log" || true
# A flake.lock whose input hash is not the input's.
git -C "$w/lb/ws" checkout -q HEAD -- flake.nix
sed -i 's|"narHash": "sha256-[^"]*"|"narHash": "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="|' \
    "$w/lb/ws/flake.lock"
devenv lock-bad-hash "$w/lb/ws#default"

chmod -R u+w "$w" 2>/dev/null || true
rm -rf "$w"
ls -l "$out"
