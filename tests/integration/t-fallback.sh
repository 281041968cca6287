#!/usr/bin/env bash
# Contributors without Nix: `hearth tools` lists each devShell's tools
# from the daemon's snapshots and --write saves them; with no nix in PATH
# a cd into the workspace says once per shell session where the setup
# without Nix is documented, without contacting the daemon; `hearth
# fallback` prints the instructions of the shell of the directory and
# the tools found in the user's PATH or missing; a Nix too old for flakes
# is told apart, probed by the daemon or a command, never at a prompt.
. "$(dirname "$0")/lib.sh"
it_setup

fixture fallback "$T/ws" >/dev/null
fixture basic "$T/plain" >/dev/null

# With Nix: the tools of every devShell, from the daemon.
hearth daemon start >/dev/null
out=$(hearth tools "$T/ws" 2>&1)
expect_in "tools of a workspace not allowed: an error" "is not allowed" "$out"
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
out=$(hearth tools "$T/ws/services/api/src" 2>&1)
expect_in "tools: default's greet with its version" \
    "default  greet     greet      1.2.3" "$out"
expect_in "tools: two tools of one package" \
    "default  lint-fix  lint-tool  0.4.1" "$out"
expect_in "tools: every devShell, not only DIR's" \
    "api      api-cli   api-cli    2.0" "$out"
expect_in "tools: a shell with none" "docs     (no tools from the Nix store)" \
    "$out"
out=$(hearth tools --write "$T/ws" 2>&1)
expect_in "tools --write says where" "wrote $T/ws/.hearth-tools: 5 tools of 3 devShells" "$out"
expect_eq "tools --write: the file, tab-separated" \
    "$(printf 'api\tapi-cli\tapi-cli\t2.0\napi\tgreet\tgreet\t1.2.3\ndefault\tgreet\tgreet\t1.2.3\ndefault\tlint\tlint-tool\t0.4.1\ndefault\tlint-fix\tlint-tool\t0.4.1\ndocs\t-\t-\t-')" \
    "$(grep -v '^#' "$T/ws/.hearth-tools")"
expect_eq "tools --write leaves only its file in git status" "?? .hearth-tools" \
    "$(git -C "$T/ws" status --porcelain)"
expect_eq "no temporary file left" "" "$(ls -A "$T/ws" | grep '^\.\.hearth-tools' || true)"
git -C "$T/ws" add .hearth-tools
git -C "$T/ws" commit -qm "tools list"
hearth daemon stop >/dev/null
rm -f "$XDG_RUNTIME_DIR/hearth/generation"

# Without Nix: the user's PATH has their own greet, and no nix.
mkdir -p "$T/userbin"
printf '#!/bin/sh\necho "my greet"\n' > "$T/userbin/greet"
chmod +x "$T/userbin/greet"
IT_BASHRC_EXTRA="export PATH=$BUILD:$T/userbin"
cat > "$T/script" <<EOF
cd $T/ws
cd /
cd $T/ws/services/api/src
echo "nonix:[\$HEARTH_NONIX]"
hearth fallback
echo "rc=\$?"
cd $T/ws/docs/guide
hearth fallback
EOF
out=$(run_bash < "$T/script")
n=$(printf '%s\n' "$out" | grep -c '^hearth: nix is not installed')
expect_eq "one notice per shell session, at cd" 1 "$n"
expect_in "the notice points at hearth fallback" \
    "hearth: nix is not installed (not found in PATH); \`hearth fallback\` shows how to work on $T/ws without it" \
    "$out"
expect_in "fallback: the api shell's instructions" \
    "hearth: the api shell of $T/ws without Nix (services/api/SETUP.md):" "$out"
expect_in "fallback: the file's text" "Install api-cli 2.0, then run" "$out"
expect_in "fallback: a tool missing from PATH" \
    "  missing  api-cli  (Nix has api-cli 2.0)" "$out"
expect_in "fallback: a tool found in PATH, with its path" \
    "  found    greet    $T/userbin/greet (Nix has greet 1.2.3)" "$out"
expect_in "fallback: the count" "1 of 2 found, 1 missing." "$out"
expect_in "fallback exits 0" "rc=0" "$out"
expect_in "fallback: a directory named like a devShell, default's file" \
    "hearth: the docs shell of $T/ws without Nix (docs/setup.md):" "$out"
expect_in "fallback: a shell with no tools" "(it provides none)" "$out"
expect_in "fallback says Nix is missing" \
    "Nix: nix is not installed (not found in PATH)." "$out"
check "no daemon was contacted or started" \
    test ! -e "$XDG_RUNTIME_DIR/hearth/generation"

# A new shell session gets the notice again, once.
out=$(printf 'cd %s\ncd %s/docs\n' "$T/ws" "$T/ws" | run_bash)
n=$(printf '%s\n' "$out" | grep -c '^hearth: nix is not installed')
expect_eq "a new session: the notice again, once" 1 "$n"

# A workspace that documents nothing: exit 1, and why.
out=$(cd "$T/plain" && PATH="$BUILD" hearth fallback 2>&1)
rc=$?
expect_eq "fallback without [fallback] exits 1" 1 "$rc"
expect_in "fallback without [fallback] says so" \
    "$T/plain documents no setup without Nix for its default shell" "$out"
expect_in "and how to add one" "add a [fallback] section to .hearth.ini" \
    "$out"
expect_in "and that there is no tools list" \
    "No .hearth-tools in the workspace" "$out"
out=$(PATH="$BUILD" hearth fallback /tmp 2>&1)
expect_in "fallback outside a workspace" "no flake.nix in /tmp" "$out"

# A Nix too old for flakes (a fake: real Nix 2.8 cannot be made one).
cat > "$T/oldnix" <<'EOF'
#!/bin/sh
echo "error: unrecognised flag '--extra-experimental-features'" >&2
exit 1
EOF
chmod +x "$T/oldnix"
out=$(HEARTH_NIX="$T/oldnix" hearth fallback "$T/ws" 2>&1)
expect_in "fallback probes Nix: too old for flakes" \
    "Nix: $T/oldnix cannot use flakes (error: unrecognised flag '--extra-experimental-features')." \
    "$out"
check "the answer is cached" grep -q "$T/oldnix" "$XDG_CACHE_HOME/hearth/nix-probe"
out=$(cd "$T/ws" && HEARTH_NIX="$T/oldnix" hearth export bash 2>&1)
expect_in "at cd, from the cache: the notice" \
    "hearth: $T/oldnix cannot use flakes (error: unrecognised flag" "$out"
key=$(cd "$T/ws" && eval "$(HEARTH_NIX="$T/oldnix" hearth export bash \
    2>/dev/null)" && printf '%s' "$HEARTH_NONIX")
out=$(cd "$T/ws" && HEARTH_NONIX="$key" HEARTH_NIX="$T/oldnix" hearth export bash 2>&1)
expect_not_in "shown already in this session: no notice" "cannot use flakes" \
    "$out"

# Not cached yet: a prompt runs no Nix to find out, and asks the daemon
# (starting it), which probes its own Nix and records the answer; the
# next prompt has it.
cat > "$T/oldnix2" <<'EOF'
#!/bin/sh
echo "error: unrecognised flag '--extra-experimental-features'" >&2
exit 1
EOF
chmod +x "$T/oldnix2"
out=$(cd "$T/plain" && HEARTH_NIX="$T/oldnix2" hearth export bash 2>&1)
expect_not_in "no notice before anything is known" "cannot use flakes" "$out"
expect_in "the prompt asked the daemon, starting it" \
    "$T/plain is not allowed" "$out"
check "and the daemon runs" bash -c "hearth daemon status >/dev/null"
for i in $(seq 1 100); do
	grep -q "$T/oldnix2" "$XDG_CACHE_HOME/hearth/nix-probe" 2>/dev/null && break
	sleep 0.1
done
check "the daemon probed its Nix and cached the answer" \
    grep -q "$T/oldnix2" "$XDG_CACHE_HOME/hearth/nix-probe"
check "the first program's answer is kept beside it" \
    grep -q "$T/oldnix$(printf '\t')" "$XDG_CACHE_HOME/hearth/nix-probe"
check "the daemon logged it" wait_log "oldnix2 cannot use flakes"
out=$(cd "$T/plain" && HEARTH_NIX="$T/oldnix2" hearth export bash 2>&1)
expect_in "the next prompt has the answer" "$T/oldnix2 cannot use flakes" "$out"
it_finish
