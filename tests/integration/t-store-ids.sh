#!/usr/bin/env bash
# A shell holds the id of the snapshot it applied (in HEARTH_STATE). When
# the store is moved aside and rebuilt (corrupt), the new store's first
# snapshot has the same small id; the shell must still get the new
# environment, never keep the old one as if it were current.
. "$(dirname "$0")/lib.sh"
it_setup

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"

# A shell in the workspace: its environment and HEARTH_STATE, kept.
(cd "$ws" && unset HEARTH_STATE && eval "$(hearth export bash)" &&
    declare -p PATH HEARTH_STATE > "$T/shell-env" && lockbump-tool) \
    > "$T/out1" 2>&1
expect_in "the shell has v1" "lockbump-tool v1" "$(cat "$T/out1")"

# The store goes bad while the daemon is down; the lock moves to v2.
hearth daemon stop >/dev/null
db="$XDG_STATE_HOME/hearth/store.db"
rm -f "$db-wal" "$db-shm"
printf 'not a database at all\n' > "$db"
sh "$IT_DIR/bump-tools.sh" "$T/lb" 2 >/dev/null
hearth allow "$ws" >/dev/null		# the new store knows no allowance
wait_ready "$ws"
check "the store was rebuilt" grep -q "store unusable" "$HLOG"
expect_eq "the new store's snapshot has the old one's id" \
    "$(grep -o 'snapshot [0-9]* ready' "$HLOG" | head -n 1)" \
    "$(grep -o 'snapshot [0-9]* ready' "$HLOG" | tail -n 1)"

# The same shell, at its next prompt in the workspace.
out=$(cd "$ws" && . "$T/shell-env" && eval "$(hearth export bash)" &&
    lockbump-tool 2>&1)
expect_in "it gets the new environment" "lockbump-tool v2" "$out"
it_finish
