#!/usr/bin/env bash
# Repository content that could wedge the daemon: flake.nix, flake.lock or
# .hearth.ini made a link to /dev/zero or /dev/urandom, a FIFO, or a huge
# sparse file (one `git pull` can bring any of them). The workspace fails
# with one clear line, every other workspace keeps working, the daemon
# answers and stops, and the workspace recovers once the file is fixed.
# The client reading workspace files (`hearth fallback`) never blocks
# either.
. "$(dirname "$0")/lib.sh"
it_setup

fixture basic "$T/a" >/dev/null
fixture basic "$T/b" >/dev/null
hearth allow "$T/a" >/dev/null
hearth allow "$T/b" >/dev/null
wait_ready "$T/a"
wait_ready "$T/b"
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
# On a tree without the fix the daemon spins for ever: never leave it.
trap 'hearth daemon stop >/dev/null 2>&1; kill -9 "$pid" 2>/dev/null;
    it_cleanup' EXIT

# bad FILE KIND: replace FILE of workspace a with something hostile.
bad() {
	[ -e "$T/a/$1" ] && mv "$T/a/$1" "$T/a/$1.orig"
	case $2 in
	zero) ln -s /dev/zero "$T/a/$1" ;;
	urandom) ln -s /dev/urandom "$T/a/$1" ;;
	fifo) mkfifo "$T/a/$1" ;;
	huge) truncate -s 3G "$T/a/$1" ;;
	esac
}
good() {
	rm -f "$T/a/$1"
	[ -e "$T/a/$1.orig" ] && mv "$T/a/$1.orig" "$T/a/$1"
	return 0
}

for c in .hearth.ini:zero .hearth.ini:fifo flake.lock:urandom \
    flake.lock:fifo flake.lock:huge flake.nix:zero flake.nix:fifo; do
	f=${c%%:*} k=${c#*:}
	bad "$f" "$k"
	out=$(hearth status "$T/a" 2>&1)
	if printf '%s' "$out" | grep -q "did not answer"; then
		# Wedged: everything after would only wait for it.
		fail "$f as $k: the daemon no longer answers" "$out"
		kill -9 "$pid"
		it_finish
		exit
	fi
	case $k in
	huge) want="larger than" ;;
	fifo) want="a FIFO, not a regular file" ;;
	*) want="a character device, not a regular file" ;;
	esac
	expect_in "$f as $k: one clear line in status" "$f: $want" "$out"
	expect_in "$f as $k: the workspace failed" "failed" "$out"
	out=$(hearth exec "$T/a" -- true 2>&1)
	expect_in "$f as $k: exec says why" "$f: $want" "$out"
	expect_eq "$f as $k: another workspace still works" "fixture-tool v1" \
	    "$(hearth exec "$T/b" -- fixture-tool 2>&1)"
	good "$f"
	out=$(hearth wait --timeout 120 "$T/a" 2>&1)
	expect_eq "$f as $k: fixed, the workspace is ready again" 0 "$?"
done

# A file the evaluation read (an input hashed for the snapshot key) made a
# link to /dev/zero: the daemon keeps answering, and other workspaces work.
bad lib/mini.nix zero
out=$(hearth status "$T/a" 2>&1)
expect_not_in "an input as /dev/zero: the daemon answers" "did not answer" \
    "$out"
expect_eq "an input as /dev/zero: another workspace still works" \
    "fixture-tool v1" "$(hearth exec "$T/b" -- fixture-tool 2>&1)"
echo "note: with an input linked to /dev/zero: $(hearth wait --timeout 60 \
    "$T/a" 2>&1 | head -3)"
good lib/mini.nix
out=$(hearth wait --timeout 120 "$T/a" 2>&1)
expect_eq "the input fixed, the workspace is ready again" 0 "$?"

# Allowing a workspace whose .hearth.ini is a FIFO says why, and returns.
bad .hearth.ini fifo
out=$(hearth allow "$T/a" 2>&1)
expect_eq "allow with a FIFO for .hearth.ini fails" 1 "$?"
expect_in "and says why" "a FIFO, not a regular file" "$out"
good .hearth.ini
hearth allow "$T/a" >/dev/null

# The log names the file once.
expect_in "the log names the file" "flake.nix: a FIFO, not a regular file" \
    "$(cat "$HLOG")"

# The client: a [fallback] file that is a FIFO, and one linked to /dev/zero.
printf '[fallback]\ndefault = SETUP.md\n' > "$T/a/.hearth.ini"
for k in fifo zero; do
	bad SETUP.md "$k"
	out=$(timeout 60 hearth fallback "$T/a" 2>&1)
	rc=$?
	check "fallback with SETUP.md as $k returns an error" \
	    test "$rc" -ne 124 -a "$rc" -ne 0
	expect_in "fallback with SETUP.md as $k says why" "SETUP.md" "$out"
	good SETUP.md
done
rm -f "$T/a/.hearth.ini"

check "the daemon still stops" hearth daemon stop
it_finish
