#!/usr/bin/env bash
# hearth gc forgets a workspace nobody used, with its snapshot's GC root
# and its input roots, and stops serving it. A gc the store refuses (a
# trigger of the test's making in the daemon's own store file) removes
# nothing: the store, the roots and the workspace's trust stay as they
# were, and hearth gc says why on one line and exits 1. Once the store
# takes it, the same gc goes through.
. "$(dirname "$0")/lib.sh"
it_setup

db="$XDG_STATE_HOME/hearth/store.db"
fixture basic "$T/ws" >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
root=$(sqlite3 "$db" "SELECT gcroot FROM snapshots")
check "the snapshot has a GC root" test -L "$root"
check "the workspace has an input roots directory" \
    bash -c "ls -d '$XDG_STATE_HOME'/hearth/roots/ws-*/* >/dev/null"
inroots=$(ls -d "$XDG_STATE_HOME"/hearth/roots/ws-*/* 2>/dev/null)
content() {
	sqlite3 "$db" "SELECT id, root, allowed_hash FROM workspaces;
	    SELECT id, workspace_id, name FROM shells;
	    SELECT id, shell_id, gcroot FROM snapshots"
}
before=$(content)
# --older-than 0 takes a workspace not used in this very second.
sleep 1.1

sqlite3 "$db" "CREATE TRIGGER t_gc_refuse BEFORE DELETE ON workspaces
    BEGIN SELECT RAISE(ABORT, 'refused by t-gc'); END"
hearth gc --older-than 0 >"$T/out" 2>"$T/err"
expect_eq "a refused gc exits 1" 1 "$?"
expect_eq "and says why, on one line" \
    "hearth gc: cannot clean the store, nothing removed: refused by t-gc" \
    "$(cat "$T/err")"
expect_eq "and prints nothing else" "" "$(cat "$T/out")"
check "the GC root stays" test -L "$root"
check "the input roots stay" test -d "$inroots"
expect_eq "the store is as it was" "$before" "$(content)"
expect_eq "the workspace is still trusted and served" ready \
    "$(state_of "$T/ws")"
expect_in "the daemon log says why" "store: gc: refused by t-gc" \
    "$(cat "$HLOG")"

sqlite3 "$db" "DROP TRIGGER t_gc_refuse"
out=$(hearth gc --older-than 0 2>&1)
expect_eq "then gc goes through" 0 "$?"
expect_eq "and says what it removed" \
    "removed $T/ws (unused)"$'\n'"1 workspace removed" "$out"
check "the GC root is gone" test ! -e "$root"
check "the input roots are gone" test ! -e "$inroots"
expect_eq "the store has forgotten it" 0 \
    "$(sqlite3 "$db" "SELECT count(*) FROM workspaces")"
expect_eq "the snapshots went with it" 0 \
    "$(sqlite3 "$db" "SELECT count(*) FROM snapshots")"
expect_eq "the workspace is no longer trusted" untrusted \
    "$(state_of "$T/ws")"
expect_eq "the store is consistent" ok \
    "$(sqlite3 "$db" 'PRAGMA integrity_check')"
expect_not_in "hearth list no longer shows it" "$T/ws" "$(hearth list 2>&1)"
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
expect_eq "allowed again, it is served again" ready "$(state_of "$T/ws")"

# --dry-run says what would go and changes nothing.
sleep 1.1
before=$(content)
out=$(hearth gc --older-than 0 --dry-run 2>&1)
expect_eq "a dry run exits 0" 0 "$?"
expect_eq "a dry run says what would go" \
    "would remove $T/ws (unused)"$'\n'"1 workspace would be removed (a dry run: nothing was changed)" \
    "$out"
expect_eq "and removes nothing" "$before" "$(content)"
expect_eq "the workspace stays served" ready "$(state_of "$T/ws")"
expect_in "hearth list still shows it" "$T/ws" "$(hearth list 2>&1)"

# A workspace a running shell has loaded is kept, however old.
cd "$T"
out=$(run_bash <<S
cd $T/ws
echo "var=[\$FIXTURE_VAR]"
sleep 1.1; hearth gc --older-than 0
S
)
expect_in "the shell has it loaded" "var=[fixture-value]" "$out"
expect_in "gc keeps a workspace a running shell is in" \
    "kept $T/ws (unused, but 1 shell is in it)" "$out"
expect_in "and removes nothing" "0 workspaces removed" "$out"
expect_eq "it stays trusted" ready "$(state_of "$T/ws")"
sleep 1.1
out=$(hearth gc --older-than 0 2>&1)
expect_eq "once the shell has exited, it goes" \
    "removed $T/ws (unused)"$'\n'"1 workspace removed" "$out"
it_finish
