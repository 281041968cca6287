# Example workspace for `make demo`: a dev shell with two tools, two variables and a shellHook, built offline without nixpkgs.
{
  description = "hearth example: an offline dev shell without nixpkgs";

  outputs = { self }:
    let mini = import ./nix/mini.nix; in
    {
      devShells = mini.eachSystem (pkgs: {
        default = pkgs.mkShell {
          name = "hearth-example";
          packages = [
            (pkgs.writeScriptBin "hello-hearth" ''
              #!/bin/sh
              echo "hello from the hearth example shell"
            '')
            (pkgs.writeScriptBin "hearth-greet" ''
              #!/bin/sh
              echo "''${EXAMPLE_GREETING:-hello}, ''${1:-world}!"
            '')
          ];
          EXAMPLE_GREETING = "hello";
          EXAMPLE_PORT = "8080";
          shellHook = ''
            export EXAMPLE_HOOK_RAN=1
            echo "example shell ready"
          '';
        };
      });
    };
}
