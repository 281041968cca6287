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
	# calling user. No build sandbox: the offline fixtures and the example
	# build with the host's /bin/bash (there is no nixpkgs to give a bash
	# in the store), which the sandbox hides where the kernel lets it
	# start. This is the tests' and the demo's own setting, for their own
	# private Nix runs; a user's nix.conf is never touched. A nix-daemon
	# that does not trust this user ignores it (sandbox_diagnose says so).
	export NIX_CONFIG=$'experimental-features = nix-command flakes\nsubstituters =\nwarn-dirty = false\nflake-registry =\nbuild-users-group =\nsandbox = false'
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

# sandbox_diagnose LOG: when LOG shows a build that could not run the host's
# /bin/bash, Nix built in its sandbox although NIX_CONFIG turned it off:
# a nix-daemon that does not trust this user. Print the one line that says
# so and names the way out; return 0 when that was the cause.
sandbox_diagnose() {
	case $1 in
	*"executing '/bin/bash': No such file or directory"*) ;;
	*) return 1 ;;
	esac
	echo "hearth: Nix built the example in its sandbox, where the host's" \
	    "/bin/bash is hidden: your nix-daemon ignores 'sandbox = false'" \
	    "for users it does not trust; add 'trusted-users = $(id -un)' to" \
	    "/etc/nix/nix.conf and restart nix-daemon, or run as root" >&2
	return 0
}
