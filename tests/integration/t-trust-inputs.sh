#!/usr/bin/env bash
# An allowance covers every local file an evaluation reads, not just
# flake.nix: an imported file, a readFile'd file and a sourced script
# changed after `hearth allow` (by the user, by another uid, or by cloning
# other code into the same directory) block the workspace, and a marker
# their new code would write proves it never ran. The last good
# environment stays in use, the prompt names the file once, and content
# allowed before (a branch switched back, an edit undone) needs no allow.
. "$(dirname "$0")/lib.sh"
it_setup

# lay_ws DIR TAG: a flake whose shell is in nix/shell.nix, which readFile's
# nix/hook.sh and has the shellHook source nix/setup.sh.
lay_ws() {
	mkdir -p "$1/nix"
	cp -R "$IT_DIR/../../contrib/example/nix" "$1/lib"
	cat > "$1/flake.nix" <<'EOF'
{
  outputs = { self }:
    let mini = import ./lib/mini.nix; in
    { devShells = mini.eachSystem (pkgs: { default = import ./nix/shell.nix pkgs; }); };
}
EOF
	cat > "$1/nix/shell.nix" <<EOF
pkgs: pkgs.mkShell {
  TRUST_VAR = "$2";
  shellHook = builtins.readFile ./hook.sh + "source \${./setup.sh}\n";
}
EOF
	echo 'echo "hook of the shell"' > "$1/nix/hook.sh"
	echo 'export FROM_SETUP=yes' > "$1/nix/setup.sh"
	git -C "$1" -c init.defaultBranch=main init -q
	git -C "$1" add -A
	git -C "$1" -c user.name=t -c user.email=t@e.invalid commit -qm "$2"
}

# wait_state DIR STATE: poll until `hearth status` says STATE (60 s).
wait_state() {
	local i
	for i in $(seq 1 600); do
		[ "$(state_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

commit() {
	git -C "$T/ws" -c user.name=t -c user.email=t@e.invalid commit -qam "$1"
}

lay_ws "$T/ws" v1
hearth daemon start >/dev/null
hearth allow "$T/ws" >/dev/null
wait_ready "$T/ws"
expect_eq "allowed: shell evaluated" "v1" "$(dev_var "$T/ws" TRUST_VAR)"
expect_eq "allowed: setup script sourced" "yes" "$(dev_var "$T/ws" FROM_SETUP)"

# attack FILE DESC: append code to FILE (relative to the workspace) that
# would leave a marker; it must be refused and never run.
attack() {
	local file=$1 desc=$2 n out
	n=$(grep -c "evaluating $T/ws#default" "$HLOG")
	rm -f "$T/marker"
	case $file in
	nix/shell.nix)
		sed -i "s|TRUST_VAR = \"v1\";|TRUST_VAR = \"evil\";|" "$T/ws/$file"
		sed -i "s|shellHook = |shellHook = \"touch $T/marker\\\\n\" + |" "$T/ws/$file" ;;
	*)	echo "touch $T/marker" >> "$T/ws/$file" ;;
	esac
	if wait_state "$T/ws" blocked; then
		ok "$desc: blocked"
	else
		fail "$desc: not blocked" "$(hearth status "$T/ws" 2>&1)"
	fi
	expect_in "$desc: status names the file" \
	    "$file changed since you allowed $T/ws" "$(hearth status "$T/ws")"
	cat > "$T/script" <<EOF
cd $T/ws
echo "var:[\${TRUST_VAR-unset}]"
true
cd nix
EOF
	out=$(run_bash < "$T/script")
	expect_in "$desc: prompt says which file and what to run" \
	    "hearth: $file changed since you allowed $T/ws; run hearth allow to evaluate it" "$out"
	[ "$(printf '%s\n' "$out" | grep -c "changed since you allowed")" = 1 ] &&
	    ok "$desc: said once" || fail "$desc: said more than once" "$out"
	expect_in "$desc: last good environment kept" "var:[v1]" "$out"
	# The review: what is pending, and git's diff of it; nothing allowed.
	expect_in "$desc: status --trust says what is pending" \
	    "pending    $file" "$(hearth status --trust "$T/ws")"
	out=$(hearth allow --diff "$T/ws")
	expect_in "$desc: allow --diff shows the diff from the allowed version" "+$(grep -m1 "touch $T/marker" "$T/ws/$file")" "$out"
	expect_in "$desc: allow --diff names the file" "$file: changed since you allowed it (as in git commit" "$out"
	expect_eq "$desc: allow --diff allows nothing" blocked "$(state_of "$T/ws")"
	hearth wait --timeout 3 "$T/ws" >/dev/null 2>&1
	check "$desc: the new code never ran" test ! -e "$T/marker"
	expect_eq "$desc: nothing evaluated" "$n" \
	    "$(grep -c "evaluating $T/ws#default" "$HLOG")"
	# Undo: the allowed content again, with no allow.
	git -C "$T/ws" checkout -q -- "$file"
	if wait_state "$T/ws" ready; then
		ok "$desc: undone, ready again without an allow"
	else
		fail "$desc: undone but not ready" "$(hearth status "$T/ws" 2>&1)"
	fi
}

attack nix/shell.nix "imported file"
attack nix/hook.sh "readFile'd file"
attack nix/setup.sh "sourced script"

# Another user's edit of a group-writable repository (needs root).
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	rm -f "$T/marker"
	chmod 0777 "$T/ws/nix" && chmod 0666 "$T/ws/nix/hook.sh"
	chmod 0755 "$T"
	setpriv --reuid 1234 --regid 1234 --clear-groups sh -c \
	    "echo 'touch $T/marker' >> '$T/ws/nix/hook.sh'" ||
	    fail "uid 1234 could not edit the file"
	check "another uid: uid 1234's edit landed" \
	    grep -q "touch $T/marker" "$T/ws/nix/hook.sh"
	if wait_state "$T/ws" blocked; then
		ok "another uid: blocked"
	else
		fail "another uid: not blocked" "$(hearth status "$T/ws" 2>&1)"
	fi
	hearth wait --timeout 3 "$T/ws" >/dev/null 2>&1
	check "another uid: the code never ran" test ! -e "$T/marker"
	git -C "$T/ws" checkout -q -- nix/hook.sh
	wait_state "$T/ws" ready || fail "another uid: not ready once undone"
else
	echo "skip: $IT_NAME: another uid's edit (needs root and setpriv)"
fi

# .hearth.ini alone is named as such.
printf '[shells]\n' > "$T/ws/.hearth.ini"
wait_state "$T/ws" blocked || fail ".hearth.ini: not blocked"
st=$(hearth status "$T/ws")
expect_in ".hearth.ini: named" ".hearth.ini changed since you allowed $T/ws" "$st"
expect_not_in ".hearth.ini: flake.nix not blamed" "flake.nix" "$st"
rm "$T/ws/.hearth.ini"
wait_state "$T/ws" ready || fail ".hearth.ini: not ready once removed"

# A branch allowed once is switched to and back with no new allow.
git -C "$T/ws" checkout -qb other
sed -i 's|"v1"|"v2"|' "$T/ws/nix/shell.nix"
commit v2
wait_state "$T/ws" blocked || fail "branch: a new branch's change not blocked"
hearth allow "$T/ws" > "$T/allow.out"
expect_in "allow lists what changed" "changed since the last allowance: nix/shell.nix" "$(cat "$T/allow.out")"
wait_ready "$T/ws"
expect_eq "branch other evaluated" "v2" "$(dev_var "$T/ws" TRUST_VAR)"
for b in main other main other; do
	git -C "$T/ws" checkout -q "$b"
	want=v1; [ "$b" = other ] && want=v2
	if wait_state "$T/ws" ready && [ "$(dev_var "$T/ws" TRUST_VAR)" = "$want" ]; then
		ok "branch switch to $b: ready with no allow"
	else
		fail "branch switch to $b" "$(hearth status "$T/ws" 2>&1)"
	fi
done

st=$(hearth status --trust "$T/ws")
expect_in "status --trust: both branches' contents remembered" "matches the files now" "$st"
[ "$(printf '%s\n' "$st" | grep -c "allowed 20")" -ge 2 ] &&
    ok "status --trust: two allowed sets" || fail "status --trust: sets" "$st"

# The directory replaced by a clone of other code with the same flake.nix.
git -C "$T/ws" checkout -q main
wait_state "$T/ws" ready
lay_ws "$T/other" v1
echo "touch $T/marker" >> "$T/other/nix/hook.sh"
git -C "$T/other" commit -qam evil -c user.name=t 2>/dev/null ||
    git -C "$T/other" -c user.name=t -c user.email=t@e.invalid commit -qam evil
rm -f "$T/marker"
rm -rf "$T/ws"
git clone -q "$T/other" "$T/ws"
if wait_state "$T/ws" blocked; then
	ok "re-cloned: blocked"
else
	fail "re-cloned: not blocked" "$(hearth status "$T/ws" 2>&1)"
fi
expect_in "re-cloned: names the file" "nix/hook.sh changed" "$(hearth status "$T/ws")"
hearth wait --timeout 3 "$T/ws" >/dev/null 2>&1
check "re-cloned: the other code never ran" test ! -e "$T/marker"

# deny forgets every allowed content: the first branch needs an allow again.
hearth deny "$T/ws" >/dev/null
expect_in "deny: nothing remembered" "no allowed content remembered" \
    "$(hearth status --trust "$T/ws")"
expect_eq "deny: untrusted" untrusted "$(state_of "$T/ws")"

# A trusted prefix in the user's config.ini: no allow, even after edits.
mkdir -p "$XDG_CONFIG_HOME/hearth" "$T/mine"
printf '[trust]\nprefix = %s\n' "$T/mine" > "$XDG_CONFIG_HOME/hearth/config.ini"
chmod 600 "$XDG_CONFIG_HOME/hearth/config.ini"
lay_ws "$T/mine/proj" mine1
echo "touch $T/marker-mine" >> "$T/mine/proj/nix/hook.sh"
wait_ready "$T/mine/proj"
expect_eq "trusted prefix: evaluated with no allow" mine1 "$(dev_var "$T/mine/proj" TRUST_VAR)"
check "trusted prefix: its code ran" test -e "$T/marker-mine"
sed -i 's|"mine1"|"mine2"|' "$T/mine/proj/nix/shell.nix"
for i in $(seq 1 600); do
	[ "$(dev_var "$T/mine/proj" TRUST_VAR)" = mine2 ] && break
	sleep 0.1
done
expect_eq "trusted prefix: an edit needs no allow" mine2 "$(dev_var "$T/mine/proj" TRUST_VAR)"
# A repository cannot grant trust: a config.ini inside one counts for nothing.
lay_ws "$T/theirs" theirs
mkdir -p "$T/theirs/.config/hearth"
printf '[trust]\nprefix = /\n' > "$T/theirs/.config/hearth/config.ini"
expect_eq "a repository's own config.ini grants nothing" untrusted "$(state_of "$T/theirs")"
it_finish
