#!/usr/bin/env bash
# The tests' and the demo's Nix runs without its build sandbox (the
# offline fixtures build with the host's /bin/bash), through their own
# NIX_CONFIG only; where a nix-daemon that does not trust the user
# enforces the sandbox anyway, `make demo` says so in one line that names
# the way out (sandbox_diagnose, tests/tools/sandbox.sh).
. "$(dirname "$0")/lib.sh"
it_setup

expect_in "NIX_CONFIG turns the sandbox off" "sandbox = false" "$NIX_CONFIG"
expect_eq "and Nix takes it" false \
    "$(nix show-config 2>/dev/null | sed -n 's/^sandbox = //p')"
expect_eq "the user's nix.conf is not touched" "" \
    "$(ls "$HOME/.config/nix" 2>/dev/null)"

err="error: builder for '/nix/store/x-hearth-greet.drv' failed with exit code 1;
       last 1 log lines:
       > executing '/bin/bash': No such file or directory"
out=$(sandbox_diagnose "$err" 2>&1)
rc=$?
expect_eq "a sandboxed build is diagnosed" 0 "$rc"
expect_eq "in one line" 1 "$(printf '%s\n' "$out" | wc -l)"
expect_in "that names the way out" "trusted-users = $(id -un)" "$out"
out=$(sandbox_diagnose "error: something else" 2>&1)
rc=$?
expect_eq "another error is not" 1 "$rc"
expect_eq "and says nothing" "" "$out"
it_finish
