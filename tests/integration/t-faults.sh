#!/usr/bin/env bash
# Faults: the daemon killed mid-evaluation, Nix missing, failing, printing
# garbage or far too much, a corrupt store or one from the future, and a
# stopped daemon. Each gives a clear error, keeps the last good snapshot,
# and never hangs a prompt. A fake nix stands in only for the faults real
# Nix cannot be made to produce.
. "$(dirname "$0")/lib.sh"
it_setup

fixture lockbump "$T/lb" >/dev/null
ws="$T/lb/ws"
hearth allow "$ws" >/dev/null
wait_ready "$ws"
good=$(hearth exec "$ws" -- lockbump-tool)
expect_eq "a good snapshot first" "lockbump-tool v1" "$good"

# 1. kill -9 in the middle of an evaluation (real Nix, made slow).
hearth daemon stop >/dev/null
cat > "$T/slow-nix" <<'EOF'
#!/bin/sh
sleep 3
exec nix "$@"
EOF
chmod +x "$T/slow-nix"
HEARTH_NIX="$T/slow-nix" hearth daemon start >/dev/null
sh "$IT_DIR/bump-tools.sh" "$T/lb" 2 >/dev/null
hearth status "$ws" >/dev/null		# starts the evaluation now
sleep 1
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
kill -9 "$pid"
sleep 0.3
out=$(hearth exec "$ws" -- sh -c 'lockbump-tool' 2>&1)
expect_in "after kill -9 a new daemon serves the last good shell" \
    "lockbump-tool" "$out"
wait_ready "$ws"
expect_eq "and evaluates again" "lockbump-tool v2" \
    "$(hearth exec "$ws" -- lockbump-tool)"
expect_eq "the store is consistent" "ok" \
    "$(sqlite3 "$XDG_STATE_HOME/hearth/store.db" 'PRAGMA integrity_check')"

# A fake nix for the faults real Nix cannot be made to produce. It lists
# one shell, roots nothing, and does what $T/mode says for print-dev-env.
cat > "$T/fake-nix" <<EOF
#!/bin/sh
for a; do
	case \$a in
	eval) echo '["default"]'; exit 0 ;;
	archive|build) exit 0 ;;
	print-dev-env) break ;;
	esac
done
case \$(cat $T/mode) in
fail) echo "error: the flake is broken on purpose" >&2; exit 1 ;;
garbage) echo 'this is ( not bash at all'; exit 0 ;;
huge) head -c 50000000 /dev/zero | tr '\\\\0' x; exit 0 ;;
truncated) printf "export A='unterminated"; exit 0 ;;
esac
EOF
chmod +x "$T/fake-nix"
fixture basic "$T/fx" >/dev/null

fault() {
	local mode=$1 want=$2
	echo "$mode" > "$T/mode"
	hearth reload "$T/fx" >/dev/null 2>&1 || hearth allow "$T/fx" >/dev/null
	out=$(hearth wait --timeout 60 "$T/fx" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && [[ $out == *"$want"* ]]; then
		ok "$mode: a clear error ($want)"
	else
		fail "$mode: rc $rc" "$out"
	fi
	expect_eq "$mode: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
}
hearth daemon stop >/dev/null
HEARTH_NIX="$T/fake-nix" hearth daemon start >/dev/null
fault fail "error: the flake is broken on purpose"
fault garbage "sourcing the dev shell failed"
fault truncated "sourcing the dev shell failed"
fault huge "wrote more output than hearth accepts"
n=$(sqlite3 "$XDG_STATE_HOME/hearth/store.db" \
    "SELECT count(*) FROM snapshots s JOIN shells h ON h.id = s.shell_id JOIN workspaces w ON w.id = h.workspace_id WHERE w.root = '$T/fx'")
expect_eq "nothing stored for the broken flake" 0 "$n"
hearth daemon stop >/dev/null
HEARTH_NIX="$T/no/such/nix" hearth daemon start >/dev/null
out=$(hearth wait --timeout 60 "$T/fx" 2>&1)
expect_in "nix missing: says so" "not found in PATH (is Nix installed?)" "$out"
hearth daemon stop >/dev/null

# 2. A corrupt store, and one from a future hearth: moved aside, rebuilt.
for kind in corrupt future; do
	db="$XDG_STATE_HOME/hearth/store.db"
	rm -f "$db-wal" "$db-shm"
	if [ "$kind" = corrupt ]; then
		head -c 8192 /dev/urandom > "$db"
	else
		sqlite3 "$db" 'PRAGMA user_version = 99'
	fi
	hearth daemon start >/dev/null
	expect_in "$kind store: moved aside with a warning" "moving it to" \
	    "$(grep 'store unusable' "$HLOG" | tail -1)"
	out=$(hearth status "$ws")
	expect_in "$kind store: the daemon runs (trust starts over)" \
	    "untrusted" "$out"
	hearth daemon stop >/dev/null
done
ls "$XDG_STATE_HOME"/hearth/store.db.broken-* >/dev/null 2>&1
check "the broken stores are kept for a look" test $? -eq 0

# 3. A stopped daemon: the prompt waits at most its deadline, goes on with
# the environment it has, and says why once. ptyrun -T times each prompt.
hearth allow "$ws" >/dev/null
wait_ready "$ws"
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
cat > "$T/script" <<EOF
cd $ws
echo "v:[\$LOCKBUMP_VERSION]"
kill -STOP $pid
cd $ws/.git
cd $ws
echo "v:[\$LOCKBUMP_VERSION]"
kill -CONT $pid
EOF
write_bashrc
out=$(HEARTH_TIMEOUT_MS=100 "$BUILD/ptyrun" -t 120 -T "$T/times" -- \
    bash --noprofile --rcfile "$T/bashrc" -i < "$T/script")
n=$(printf '%s\n' "$out" | grep -c "^v:\[2\]")
expect_eq "the environment stays while the daemon is stopped" 2 "$n"
# Lines 4 and 5 are the cds that asked the stopped daemon.
slow=$(sed -n '4,5p' "$T/times" | sort -n | tail -1)
if [ -n "$slow" ] && [ "$slow" -lt 1000000 ]; then
	ok "a prompt with a stopped daemon is bounded ($((slow / 1000)) ms)"
else
	fail "a prompt with a stopped daemon took ${slow:-?} us" "$out"
fi
n=$(printf '%s\n' "$out" | grep -c "did not answer in")
expect_eq "it says why once" 1 "$n"
it_finish
