# A private hearth world in one directory, shared by the integration
# tests, `make demo` and `make bench`: its own XDG tree (so the daemon,
# socket and store are private), offline Nix, and the example workspace
# laid out as a git repository. Source it (bash).

# sandbox_init DIR: point HOME and the XDG variables into DIR.
sandbox_init() {
	mkdir -p "$1/run" "$1/state" "$1/home" "$1/cache" "$1/config"
	export HOME="$1/home" XDG_RUNTIME_DIR="$1/run" XDG_STATE_HOME="$1/state"
	export XDG_CACHE_HOME="$1/cache" XDG_CONFIG_HOME="$1/config"
	# Offline Nix: no binary caches, no registry lookups (nix develop
	# would try the network for nixpkgs#bashInteractive), builds as the
	# calling user.
	export NIX_CONFIG=$'experimental-features = nix-command flakes\nsubstituters =\nwarn-dirty = false\nflake-registry =\nbuild-users-group ='
	unset HEARTH_STATE HEARTH_NIX
}

# sandbox_example DEST: lay contrib/example into DEST as a git repository.
sandbox_example() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	cp -r "$top/contrib/example" "$1"
	git -C "$1" -c init.defaultBranch=main init -q
	git -C "$1" add -A
	git -C "$1" -c user.name=hearth -c user.email=hearth@example.invalid \
	    commit -qm "example workspace"
}
