# Mini stdenv for hearth's offline flakes: enough of nixpkgs' mkShell for `nix develop`, built with the host's /bin/bash.
#
# Every builder script ends in `exit`, never in a coreutils program: bash
# execs the last command of a -c script in its own place, and coreutils
# closes stdout and stderr before it exits, so Nix saw the end of the log,
# killed the builder still exiting and reported "builder failed due to
# signal 9 (Killed)", now and then, on every Nix version.
let
  systems = [ "x86_64-linux" "aarch64-linux" ];

  forSystem = system: rec {
    # Holds only `setup`, which `nix print-dev-env` sources to build PATH.
    stdenv = derivation {
      name = "mini-stdenv";
      inherit system;
      builder = "/bin/bash";
      args = [ "-c" ''mkdir -p "$out" && cp "$setupScript" "$out/setup"; exit'' ];
      setupScript = ./stdenv-setup.sh;
      PATH = "/usr/bin:/bin";
      outputs = [ "out" ];
    };

    # A package holding one executable script, $out/bin/<name>; `text` starts with its #! line.
    writeScriptBin = name: text: derivation {
      inherit name system text;
      builder = "/bin/bash";
      args = [ "-c" ''mkdir -p "$out/bin" && printf '%s' "$text" > "$out/bin/$name" && chmod +x "$out/bin/$name"; exit'' ];
      PATH = "/usr/bin:/bin";
      outputs = [ "out" ];
    };

    # A dev shell: `packages` go on PATH, every other attribute becomes a
    # variable. Like nixpkgs' mkShell it is not meant to be built itself.
    mkShell = { name ? "dev-shell", packages ? [ ], ... }@attrs:
      derivation ({
        inherit name system stdenv;
        builder = "/bin/bash";
        args = [ "-c" "echo 'a dev shell: use nix develop or nix print-dev-env' >&2; exit 1" ];
        outputs = [ "out" ];
        nativeBuildInputs = packages;
      } // builtins.removeAttrs attrs [ "packages" ]);
  };
in
{
  inherit systems;

  # { x86_64-linux = f pkgs; aarch64-linux = f pkgs; }, pkgs being this file's helpers for that system.
  eachSystem = f: builtins.listToAttrs
    (map (system: { name = system; value = f (forSystem system); }) systems);
}
