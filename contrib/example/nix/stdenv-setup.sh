# Mini stdenv setup for hearth's offline flakes: get-env.sh (nix print-dev-env) sources it as $stdenv/setup.
# Like nixpkgs' setup.sh, PATH starts empty (else Nix's builder default
# "/path-not-set" would leak into the shell) and gets each input's bin
# directory, in the order the inputs are listed. Bash builtins only: the
# builder has no usable PATH. get-env.sh runs with `set -e`, hence the `if`;
# `p` is unset so that it does not end up in the shell.
# A derivation with __structuredAttrs has its inputs in arrays and its
# outputs in an associative array: like nixpkgs' setup.sh, each output
# becomes an exported variable of its name (Nix 2.8's get-env.sh writes
# the environment to $out).
PATH=
for p in ${buildInputs[@]-} ${nativeBuildInputs[@]-}; do
	if [ -d "$p/bin" ]; then
		PATH="${PATH:+$PATH:}$p/bin"
	fi
done
if [[ "$(declare -p outputs 2>/dev/null)" == "declare -A"* ]]; then
	for p in "${!outputs[@]}"; do
		export "$p=${outputs[$p]}"
	done
fi
unset p
export PATH
