#!/usr/bin/env bash
# The friction of trust over a scripted working day: edit shell.nix 5
# times, pull twice (one pull changes an imported file, one only
# flake.lock), switch branches 4 times between two branches. It counts
# the `hearth allow` commands the day needs, without and with a trusted
# prefix in config.ini, prints both (README.md quotes them) and checks
# them: an allow per new content the user has not allowed (5 edits, the
# imported file, the first visit to the other branch), none for the lock
# or a branch seen before, and none at all under a trusted prefix.
. "$(dirname "$0")/lib.sh"
it_setup

gitc() {
	git -C "$1" -c user.name=t -c user.email=t@e.invalid "${@:2}"
}

# The upstream repository: the lockbump fixture, its shell in shell.nix,
# which imports nix/lib.nix; and a branch "feature" with another shell.nix.
fixture lockbump "$T/lb" >/dev/null
up="$T/lb/ws"
mkdir -p "$up/nix"
sed -i 's|default = pkgs.mkShell {|default = import ./shell.nix { inherit pkgs version; } // { x = pkgs.mkShell {|; s|^      });|      }; });|' "$up/flake.nix"
cat > "$up/shell.nix" <<'EOF'
{ pkgs, version }: pkgs.mkShell ({
  LOCKBUMP_VERSION = version;
  DAY_EDIT = "0";
  DAY_BRANCH = "main";
} // import ./nix/lib.nix)
EOF
echo '{ DAY_LIB = "1"; }' > "$up/nix/lib.nix"
gitc "$up" add -A && gitc "$up" commit -qm "shell.nix and nix/lib.nix"
gitc "$up" checkout -qb feature
sed -i 's|DAY_BRANCH = "main"|DAY_BRANCH = "feature"|' "$up/shell.nix"
gitc "$up" commit -qam feature
gitc "$up" checkout -q main
hearth daemon start >/dev/null

# settle WS NAME VALUE: wait until the shell has NAME=VALUE, running
# `hearth allow` whenever the workspace is blocked; counts them in ALLOWS.
settle() {
	local i st
	for i in $(seq 1 1200); do
		st=$(state_of "$1")
		if [ "$st" = blocked ] || [ "$st" = untrusted ]; then
			hearth allow "$1" >/dev/null
			ALLOWS=$((ALLOWS + 1))
		elif [ "$st" = ready ] &&
		    [ "$(dev_var "$1" "$2")" = "$3" ]; then
			return 0
		fi
		sleep 0.1
	done
	fail "$1: never got $2=$3" "$(hearth status "$1" 2>&1)"
	return 1
}

# day WS: the working day in a clone at WS, after its first allow; the
# allows it needed in ALLOWS.
day() {
	local ws=$1 i
	git clone -q "$up" "$ws"
	gitc "$ws" fetch -q origin feature:feature
	ALLOWS=0
	settle "$ws" DAY_EDIT 0
	ALLOWS=0
	for i in 1 2 3 4 5; do
		sed -i "s|DAY_EDIT = \"[0-9]*\"|DAY_EDIT = \"$i\"|" "$ws/shell.nix"
		settle "$ws" DAY_EDIT "$i"
	done
	gitc "$ws" commit -qam "my edits"
	# Pull 1: an imported file changed upstream.
	sed -i 's|"[0-9]*"|"'"$2"'"|' "$up/nix/lib.nix"
	gitc "$up" commit -qam "lib $2"
	gitc "$ws" pull -q --no-rebase --no-edit origin main
	settle "$ws" DAY_LIB "$2"
	# Pull 2: only flake.lock changed upstream.
	sh "$IT_DIR/bump-tools.sh" "$T/lb" "$2" >/dev/null
	gitc "$up" commit -qam "lock tools $2"
	gitc "$ws" pull -q --no-rebase --no-edit origin main
	settle "$ws" LOCKBUMP_VERSION "$2"
	# Four switches between two branches.
	gitc "$ws" checkout -q feature && settle "$ws" DAY_BRANCH feature
	gitc "$ws" checkout -q main && settle "$ws" DAY_BRANCH main
	gitc "$ws" checkout -q feature && settle "$ws" DAY_BRANCH feature
	gitc "$ws" checkout -q main && settle "$ws" DAY_BRANCH main
}

day "$T/plain/ws" 2
plain=$ALLOWS
mkdir -p "$XDG_CONFIG_HOME/hearth"
printf '[trust]\nprefix = %s\n' "$T/mine" > "$XDG_CONFIG_HOME/hearth/config.ini"
chmod 600 "$XDG_CONFIG_HOME/hearth/config.ini"
day "$T/mine/ws" 3
mine=$ALLOWS
echo "trust-day: hearth allow needed: $plain without a trusted prefix, $mine with one"
expect_eq "allows without a trusted prefix (5 edits, 1 imported file, 1 new branch)" 7 "$plain"
expect_eq "allows with a trusted prefix" 0 "$mine"
it_finish
