#!/usr/bin/env bash
# make install and make uninstall: the exact tree under DESTDIR and PREFIX,
# nothing left after uninstall; the man pages render at 80 columns without
# a groff warning and cover every command and environment variable; the
# completions load in bash, zsh and fish and know every command; the
# systemd units and the launchd plist are well-formed.
. "$(dirname "$0")/lib.sh"
it_setup
top=$(cd "$IT_DIR/../.." && pwd)

# make in the source tree, with this test's build directory.
mk() {
	make -C "$top" --no-print-directory BUILD="$BUILD" "$@"
}

if ! out=$(mk install DESTDIR="$T/root" PREFIX=/usr 2>&1); then
	fail "make install" "$out"
	it_finish
fi
ok "make install DESTDIR=... PREFIX=/usr"
want="/usr/bin/hearth
/usr/bin/hearthd
/usr/lib/hearth/hearth-nixtrace.so
/usr/lib/systemd/user/hearthd.service
/usr/lib/systemd/user/hearthd.socket
/usr/share/bash-completion/completions/hearth
/usr/share/fish/vendor_completions.d/hearth.fish
/usr/share/hearth/hearth.bash
/usr/share/hearth/hearth.elvish
/usr/share/hearth/hearth.fish
/usr/share/hearth/hearth.nu
/usr/share/hearth/hearth.tcsh
/usr/share/hearth/hearth.xonsh
/usr/share/hearth/hearth.zsh
/usr/share/hearth/org.hearth.hearthd.plist
/usr/share/man/man1/hearth.1
/usr/share/man/man1/hearthd.1
/usr/share/man/man5/hearth.ini.5
/usr/share/zsh/site-functions/_hearth"
got=$(cd "$T/root" && find . -type f -o -type l | sed 's/^\.//' | LC_ALL=C sort)
if [ "$got" = "$want" ]; then ok "installed exactly the expected files"
else fail "installed files" "$(diff <(echo "$want") <(echo "$got"))"; fi
expect_eq "programs are 0755" "755 755" \
    "$(stat -c %a "$T/root/usr/bin/hearth" "$T/root/usr/bin/hearthd" | xargs)"
expect_eq "the rest is 0644" "" "$(cd "$T/root" && find usr/share usr/lib \
    -type f ! -perm 0644)"
expect_in "the service runs the installed hearthd" \
    "ExecStart=/usr/bin/hearthd -f" \
    "$(cat "$T/root/usr/lib/systemd/user/hearthd.service")"
sockunit=$(cat "$T/root/usr/lib/systemd/user/hearthd.socket")
expect_in "socket unit path" "ListenStream=%t/hearth/hearthd.sock" "$sockunit"
expect_in "socket unit mode" "SocketMode=0600" "$sockunit"
expect_in "socket unit directory mode" "DirectoryMode=0700" "$sockunit"
expect_in "the plist runs the installed hearthd" \
    "<string>/usr/bin/hearthd</string>" \
    "$(cat "$T/root/usr/share/hearth/org.hearth.hearthd.plist")"
if command -v python3 >/dev/null; then
	check "the plist parses as a property list" python3 -c '
import plistlib, sys
p = plistlib.load(open(sys.argv[1], "rb"))
assert p["Label"] == "org.hearth.hearthd"
assert p["ProgramArguments"] == ["/usr/bin/hearthd", "-f"]' \
	    "$T/root/usr/share/hearth/org.hearth.hearthd.plist"
fi

# The man pages: no groff warning, 80 columns, the sections there.
man1="$T/root/usr/share/man/man1" man5="$T/root/usr/share/man/man5"
for page in "$man1/hearth.1" "$man1/hearthd.1" "$man5/hearth.ini.5"; do
	name=$(basename "$page")
	err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 \
	    > "$T/$name.txt")
	expect_eq "man -l $name: no warnings" "" "$err"
	check "man -l $name: rendered" test -s "$T/$name.txt"
	w=$(LC_ALL=C.UTF-8 wc -L < "$T/$name.txt")
	check "man -l $name: fits 80 columns ($w)" test "$w" -le 80
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT \
    FILES "SEE ALSO"; do
	check "hearth(1) has $s" grep -qx "$s" "$T/hearth.1.txt"
done
for s in NAME OPTIONS "SOCKET ACTIVATION" ENVIRONMENT FILES "EXIT STATUS"; do
	check "hearthd(1) has $s" grep -qx "$s" "$T/hearthd.1.txt"
done
for s in NAME SYNTAX "\[shells\]" "\[fallback\]" EXAMPLE; do
	check "hearth.ini(5) has $s" grep -qx "$s" "$T/hearth.ini.5.txt"
done

# Every command in `hearth --help` is in hearth(1) and in each completion.
cmds=$(hearth --help | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p')
check "hearth --help lists commands" test -n "$cmds"
missing=""
for c in $cmds; do
	# A command's entry, however far this man indents it (groff 1.23
	# in sid by 5 columns, older ones by 7).
	grep -Eq "^ +$c( |\$)" "$T/hearth.1.txt" || missing="$missing man:$c"
	grep -qw "$c" "$top/contrib/completions/hearth.bash" ||
	    missing="$missing bash:$c"
	grep -q "^  '$c:" "$top/contrib/completions/_hearth" ||
	    missing="$missing zsh:$c"
	grep -q -- "-a $c -d" "$top/contrib/completions/hearth.fish" ||
	    missing="$missing fish:$c"
done
expect_eq "every command documented and completed (docs/hearth.1.scd, contrib/completions/)" \
    "" "$missing"
# Every variable the programs read is in a man page.
vars=$(cd "$top" && grep -ohE '(getenv|env_abs)\("[A-Z_]+"\)' client/*.c \
    daemon/*.c common/*.c | sed 's/.*("\(.*\)")/\1/' | sort -u)
missing=""
for v in $vars; do
	cat "$T"/*.txt | grep -qw "$v" || missing="$missing $v"
done
expect_eq "every environment variable documented (docs/*.scd)" "" "$missing"

# Completions load in each shell.
comp="$T/root/usr/share"
out=$(bash --norc --noprofile -c '
	source "$1"
	complete -p hearth
	COMP_WORDS=(hearth do); COMP_CWORD=1; _hearth; echo "[${COMPREPLY[*]}]"
	COMP_WORDS=(hearth daemon st); COMP_CWORD=2; _hearth
	echo "[${COMPREPLY[*]}]"' _ "$comp/bash-completion/completions/hearth" 2>&1)
expect_in "bash: complete -p hearth" "complete -F _hearth hearth" "$out"
expect_in "bash: completes commands" "[doctor]" "$out"
expect_in "bash: completes daemon actions" "[start stop status]" "$out"
mkdir -p "$T/zdot"
out=$(ZDOTDIR="$T/zdot" zsh -f -c '
	fpath=("$1" $fpath)
	autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"
	print -r -- "comps:${_comps[hearth]}"
	whence -w _hearth
	autoload +X _hearth && print loaded' _ "$comp/zsh/site-functions" 2>&1)
expect_in "zsh: compinit maps hearth to _hearth" "comps:_hearth" "$out"
expect_in "zsh: _hearth is a function" "_hearth: function" "$out"
expect_in "zsh: _hearth loads" "loaded" "$out"
out=$(fish --no-config -c 'source $argv[1]; complete -c hearth' \
    "$comp/fish/vendor_completions.d/hearth.fish" 2>&1)
for c in $cmds; do
	case $out in
	*"-a $c "*) ;;
	*) fail "fish: complete -c hearth lists $c" "$out" ;;
	esac
done
ok "fish: complete -c hearth lists the commands"
out=$(fish --no-config -c 'source $argv[1]; complete -C"hearth do"' \
    "$comp/fish/vendor_completions.d/hearth.fish" 2>&1)
expect_in "fish: completes commands" "doctor" "$out"

if out=$(mk uninstall DESTDIR="$T/root" PREFIX=/usr 2>&1); then
	ok "make uninstall"
else
	fail "make uninstall" "$out"
fi
expect_eq "uninstall leaves no file" "" \
    "$(find "$T/root" -type f -o -type l)"
check "uninstall removes share/hearth" test ! -e "$T/root/usr/share/hearth"

# PREFIX alone (no DESTDIR): the installed client finds the installed
# daemon beside it, and systemd accepts the units.
if ! out=$(mk install PREFIX="$T/pfx" 2>&1); then
	fail "make install PREFIX=..." "$out"
fi
out=$(HEARTHD= "$T/pfx/bin/hearth" daemon start 2>&1)
expect_in "the installed hearth starts the installed hearthd" \
    "hearthd started" "$out"
pid=$(hearth daemon status | sed -n 's/.*(pid \([0-9]*\),.*/\1/p')
expect_eq "it runs the installed hearthd" "$T/pfx/bin/hearthd" \
    "$(readlink "/proc/$pid/exe")"
"$T/pfx/bin/hearth" daemon stop >/dev/null
if command -v systemd-analyze >/dev/null; then
	mkdir -p -m 0700 "$T/sd-run"
	out=$(XDG_RUNTIME_DIR="$T/sd-run" systemd-analyze verify --man=no \
	    --user "$T/pfx/lib/systemd/user/hearthd.socket" \
	    "$T/pfx/lib/systemd/user/hearthd.service" 2>&1)
	expect_eq "systemd-analyze verify: the units are valid" "" "$out"
fi
mk uninstall PREFIX="$T/pfx" >/dev/null 2>&1
expect_eq "uninstall PREFIX=... leaves no file" "" \
    "$(find "$T/pfx" -type f -o -type l)"
it_finish
