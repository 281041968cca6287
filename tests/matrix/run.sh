#!/bin/sh
# `make check-matrix`: the whole `make check` again on the project's own
# tree, in Debian chroots holding other Nix versions: trixie (Nix 2.26)
# and sid (Nix 2.34), beside the host's bookworm (Nix 2.8). The chroots
# are made once (chroot.sh) and kept in $HEARTH_MATRIX_DIR
# (/var/cache/hearth-matrix); each run happens in a private mount
# namespace, so its mounts vanish with it whatever happens.
#
# usage: run.sh [SUITE...]    (default: trixie sid; also $MATRIX_SUITES)
# Each suite builds into build-matrix-SUITE; DEVELOPER and SANITIZE pass
# through. Prints a table: suite, Nix version, unit and integration counts.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${HEARTH_MATRIX_DIR:-/var/cache/hearth-matrix}
suites=${*:-${MATRIX_SUITES:-trixie sid}}
[ "$(id -u)" -eq 0 ] || {
	echo "check-matrix: chroots need root; run: sudo make check-matrix" >&2
	exit 1
}
command -v unshare >/dev/null || { echo "check-matrix: unshare missing (util-linux)" >&2; exit 1; }
mkdir -p "$cache"
rc=0
table=""
for s in $suites; do
	dir="$cache/$s"
	start=$(date +%s)
	sh "$top/tests/matrix/chroot.sh" "$s" "$dir"
	log="$cache/$s.check.log"
	echo "matrix: make check in $s (log: $log)"
	# The tree is bound at the same path inside, so absolute paths in the
	# build directory stay right.
	set +e
	unshare --mount --propagation private sh -eu -c '
		dir=$1 top=$2
		mount -t proc proc "$dir/proc"
		mount --rbind /dev "$dir/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$dir/tmp"
		mkdir -p "$dir$top"
		mount --bind "$top" "$dir$top"
		shift 2
		exec chroot "$dir" "$@"' matrix "$dir" "$top" \
	    /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	    TERM=dumb LANG=C.UTF-8 CI="${CI:-}" \
	    sh -c 'cd "$1" && make --no-print-directory check \
		BUILD=build-matrix-"$2" DEVELOPER="$3" SANITIZE="$4"' \
	    matrix "$top" "$s" "${DEVELOPER:-}" "${SANITIZE:-}" \
	    > "$log" 2>&1
	src=$?
	set -e
	grep -E '^(FAIL|failed scripts|unit:|integration:)' "$log" |
	    awk '!seen[$0]++' | sed "s/^/  $s: /"
	ver=$(chroot "$dir" dpkg-query -W -f='${Version}' nix-bin 2>/dev/null |
	    sed 's/[-+].*//')
	unit=$(sed -n 's/^unit: //p' "$log" | tail -1)
	integ=$(sed -n 's/^integration: //p' "$log" | tail -1)
	[ "$src" -eq 0 ] || { rc=1; tail -5 "$log" | sed "s/^/  $s: /"; }
	table="$table$(printf '%-8s Nix %-7s unit: %-22s integration: %-22s %ss' \
	    "$s" "$ver" "${unit:-none}" "${integ:-none}" \
	    "$(($(date +%s) - start))")
"
done
echo "check-matrix:"
printf '%s' "$table"
exit $rc
