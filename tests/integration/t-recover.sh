#!/usr/bin/env bash
# A failed listing of the devShells recovers: when the file it failed on
# is fixed (an imported file, not flake.nix), on `hearth reload`, and on
# `hearth deny` then `hearth allow`, without a daemon restart. The
# failure says what to run.
. "$(dirname "$0")/lib.sh"
it_setup

# lay DEST: a flake whose devShells come from an imported shells.nix.
lay() {
	fixture basic "$1" >/dev/null
	cat > "$1/flake.nix" <<'EOF'
{
  outputs = { self }:
    let mini = import ./lib/mini.nix; in
    { devShells = mini.eachSystem (pkgs: import ./shells.nix pkgs); };
}
EOF
	good "$1"
	git -C "$1" add -A
	git -C "$1" commit -qm "shells from shells.nix"
}
good() {
	echo 'pkgs: { default = pkgs.mkShell { name = "recover"; RECOVER = "v1"; }; }' > "$1/shells.nix"
}
bad() {
	echo 'pkgs: { default = pkgs.mkShell { name = "recover"; RECOVER = ; }; }' > "$1/shells.nix"
}
# failed DESC DIR NEEDLE: hearth wait fails, saying NEEDLE.
failed() {
	local out rc
	out=$(hearth wait --timeout 100 "$2" 2>&1)
	rc=$?
	if [ "$rc" -ne 0 ] && [[ $out == *"$3"* ]]; then
		ok "$1"
	else
		fail "$1: rc $rc" "$out"
	fi
	FAILED_OUT=$out
}

# 1. A syntax error in an imported file, then fixed.
lay "$T/ws"
bad "$T/ws"
git -C "$T/ws" commit -qam "a syntax error"
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
failed "the listing fails on the syntax error" "$T/ws" "syntax error"
expect_in "the failure names hearth log" "hearth log" "$FAILED_OUT"
expect_in "and hearth reload" "hearth reload" "$FAILED_OUT"
good "$T/ws"
wait_ready "$T/ws"
expect_eq "fixing the imported file recovers" v1 "$(dev_var "$T/ws" RECOVER)"

# A nix that fails to list while $T/fail-list exists: a failure whose
# cause is outside the flake, which only reload or allow can retry.
real=$(command -v nix)
cat > "$T/list-nix" <<EOF
#!/bin/sh
for a; do
	case \$a in
	eval) if [ -e "$T/fail-list" ]; then
		echo "error: listing broken on purpose" >&2; exit 1
	      fi ;;
	esac
done
exec "$real" "\$@"
EOF
chmod +x "$T/list-nix"
hearth daemon stop >/dev/null
HEARTH_NIX="$T/list-nix" hearth daemon start >/dev/null

# 2. hearth reload.
lay "$T/re"
: > "$T/fail-list"
hearth allow "$T/re" >/dev/null
failed "a failed listing" "$T/re" "listing broken on purpose"
rm "$T/fail-list"
out=$(hearth reload "$T/re" 2>&1)
expect_eq "hearth reload succeeds" 0 "$?"
expect_in "and lists again" "listing the devShells" "$out"
wait_ready "$T/re"
expect_eq "hearth reload recovers" v1 "$(dev_var "$T/re" RECOVER)"

# 3. hearth deny, then hearth allow.
lay "$T/da"
: > "$T/fail-list"
hearth allow "$T/da" >/dev/null
failed "another failed listing" "$T/da" "listing broken on purpose"
rm "$T/fail-list"
hearth deny "$T/da" >/dev/null
hearth allow "$T/da" >/dev/null
wait_ready "$T/da"
expect_eq "deny then allow recovers" v1 "$(dev_var "$T/da" RECOVER)"
it_finish
