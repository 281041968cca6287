#!/usr/bin/env bash
# Workspace paths with spaces, quotes, newlines, '#', '%' and bytes that
# are not UTF-8 pass through hearth intact: the socket protocol, SQLite,
# notices and the shell code the hook evaluates. Where Nix 2.8 itself
# cannot evaluate such a path, the shell is "failed" with Nix's own error.
. "$(dirname "$0")/lib.sh"
it_setup

names=("sp ace" "quo'te" $'new\nline' $'bad\xffutf' 'ha#sh' 'pct%41'
    'dollar$HOME' 'back\slash')
for name in "${names[@]}"; do
	d="$T/$name"
	label=$(printf '%q' "$name")
	fixture basic "$d" >/dev/null
	out=$(hearth status "$d")
	if [ "$(printf '%s\n' "$out" | sed -n '1s/^workspace  //p;2,$d')" = \
	    "$(printf '%s\n' "$d" | head -1)" ]; then
		ok "$label: status names the root"
	else
		fail "$label: status names the root" "$out"
	fi
	expect_in "$label: untrusted at first" "untrusted" "$out"
	hearth allow "$d" >/dev/null
	out=$(hearth wait --timeout 60 "$d" 2>&1)
	rc=$?
	if [ "$rc" -eq 0 ]; then
		v=$(cd "$d" && hearth exec -- sh -c 'printf %s "$FIXTURE_VAR"')
		expect_eq "$label: evaluated, the shell works" fixture-value "$v"
	elif [ "$rc" -eq 1 ] && [[ $out == *error:* ||
	    $out == *"sourcing the dev shell failed"* ]]; then
		# Nix 2.8 rejects such paths, or writes an rc with the
		# path unquoted in it (out='/x/quo'te/...): a clear failure.
		ok "$label: Nix cannot evaluate it, and hearth says why"
	else
		fail "$label: wait rc $rc" "$out"
	fi
done
out=$(hearth list)
for name in "${names[@]}"; do
	case $out in
	*"$T/$name"*) ok "$(printf '%q' "$name"): listed intact" ;;
	*) fail "$(printf '%q' "$name"): not listed intact" "$out" ;;
	esac
done

# In an interactive bash: the notice and the state survive any bytes.
hearth deny "$T/sp ace" >/dev/null
printf 'cd %q\necho "state:[${HEARTH_STATE:+set}]"\ncd /\ncd %q\n' \
    "$T/sp ace" "$T/dollar\$HOME" > "$T/script"
out=$(run_bash < "$T/script")
expect_in "the notice names a path with a space" \
    "$T/sp ace is not allowed" "$out"
expect_in "a path with a \$ gets its shell" \
    "loaded the default shell of $T/dollar\$HOME" "$out"
it_finish
