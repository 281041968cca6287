#!/bin/sh
# Make, once, a Debian chroot of SUITE (trixie, sid) at DIR holding the Nix
# of that release and every package hearth's build and tests need, from the
# machine's own Debian mirror. A stamp file records the package list, so a
# second call with the same list does nothing.
#
# usage: chroot.sh SUITE DIR
set -eu
[ $# -eq 2 ] || { echo "usage: chroot.sh SUITE DIR" >&2; exit 2; }
suite=$1
dir=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
pkgs="$(sh "$top/tests/tools/deps.sh" --list) ca-certificates"
stamp="$dir/.hearth-matrix"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "chroot.sh: making a chroot needs root" >&2; exit 1; }
command -v debootstrap >/dev/null ||
    sh "$top/tests/tools/deps.sh" debootstrap
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' \
    /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}

if [ ! -x "$dir/usr/bin/apt-get" ]; then
	echo "matrix: debootstrap $suite into $dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	debootstrap --variant=minbase "$suite" "$dir" "$mirror" \
	    > "$dir.debootstrap.log" 2>&1 ||
	    { tail -20 "$dir.debootstrap.log" >&2; exit 1; }
fi
# The mirror is a dated snapshot: its Release files are past their
# Valid-Until date.
cat > "$dir/etc/apt/apt.conf.d/99hearth-matrix" <<'CONF'
Acquire::Check-Valid-Until "false";
Acquire::Check-Date "false";
APT::Install-Recommends "false";
CONF
cp /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
echo "matrix: installing hearth's packages in $suite"
# sid's nix-bin does not configure before libdbi-perl is there.
# shellcheck disable=SC2086
chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive sh -c "
	apt-get update -qq &&
	apt-get install -y -qq libdbi-perl >/dev/null &&
	apt-get install -y -qq $pkgs >/dev/null &&
	apt-get clean" > "$dir.apt.log" 2>&1 ||
    { tail -20 "$dir.apt.log" >&2; exit 1; }
printf '%s\n' "$pkgs" > "$stamp"
