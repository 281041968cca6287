#!/bin/sh
# Write the fuzz harnesses' seed corpora, tests/fuzz/corpus/NAME/, a few
# small valid inputs each (and a near miss or two), in the input format
# each harness's top comment gives. The git indexes come from real git.
# Run from the top of the tree; the output is committed.
set -eu
export LC_ALL=C
out=tests/fuzz/corpus
version=$(sed -n 's/^#define PROTOCOL_VERSION[[:space:]]*//p' \
    include/hearth/protocol.h)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

u8() { printf "\\$(printf '%03o' $(($1 & 255)))"; }
u16() { u8 $(($1 >> 8)); u8 "$1"; }
u32() { u16 $(($1 >> 16)); u16 "$1"; }
u64() { u32 $(($1 >> 32)); u32 "$1"; }
size() { wc -c < "$1" | tr -d ' '; }
# A protocol string; a byte string held in a file.
str() { u32 ${#1}; printf '%s' "$1"; }
blob() { u32 "$(size "$1")"; cat "$1"; }
# A frame of type $1 around the payload in file $2.
frame() { u32 "$(size "$2")"; u16 "$version"; u16 "$1"; cat "$2"; }
seed() { mkdir -p "$out/$1"; cat > "$out/$1/$2"; }
# Each argument followed by a NUL byte.
fields() { for f; do printf '%s\0' "$f"; done; }

# --- envdiff encodings and dumps, shared below
fields S CC gcc P PATH /nix/store/a-gcc/bin:/nix/store/b-make/bin \
    U GOPATH '' > "$tmp/diff"
fields PATH=/usr/bin:/bin GOPATH=/go LANG=C.UTF-8 > "$tmp/base"
fields PATH=/nix/store/a/bin:/usr/bin:/bin LANG=C.UTF-8 CC=gcc HOME=/x \
    > "$tmp/next"
printf 'hook says hi\n' > "$tmp/hook"

# --- protocol: streams of frames
: > "$tmp/empty"
frame 1 "$tmp/empty" | seed protocol ping
{ str /home/u/proj; u64 7; } > "$tmp/p"; frame 2 "$tmp/p" | seed protocol export
str /home/u/proj > "$tmp/p"; frame 3 "$tmp/p" | seed protocol status
u32 30 > "$tmp/p"; frame 12 "$tmp/p" | seed protocol gc
str 'allowed /home/u/proj' > "$tmp/p"; frame 100 "$tmp/p" | seed protocol ok
{ u32 4242; str 0.1.0; } > "$tmp/p"; frame 102 "$tmp/p" | seed protocol pong
{ u8 4; str /w; str default; str ''; str 'flake.lock changed'; u64 3
  u64 1700000000; u64 1700000100; u32 812; str ''; u8 1; blob "$tmp/diff"
  blob "$tmp/hook"; } > "$tmp/shell"
frame 103 "$tmp/shell" | seed protocol shell
{ u32 2; str /w; str default; u8 4; u64 1700000000; u64 1700000100; u32 9
  str ''; str /v; str api; u8 5; u64 0; u64 0; u32 0; str 'eval failed'
  } > "$tmp/p"
frame 104 "$tmp/p" | seed protocol list
{ u32 1; str /w; u32 2; u32 10; u32 1; u32 4; u32 800; } > "$tmp/p"
frame 105 "$tmp/p" | seed protocol stats
{ frame 1 "$tmp/empty"; str /w > "$tmp/p"; frame 4 "$tmp/p"; u32 0; u16 1
  u16 8; } | seed protocol stream

# --- reply: a type byte, then the payload
{ u8 0; cat "$tmp/shell"; } | seed reply shell-env
{ u8 0; u8 1; str /w; str default; str ''; str ''; u64 0; u64 0; u64 0
  u32 0; str 'hearth-nixtrace.so was not found beside hearthd'; u8 0; } |
    seed reply shell-untrusted
{ u8 2; str 'no such workspace'; } | seed reply error
{ u8 3; str 'stopping'; } | seed reply other

# --- envdiff: 0 and an encoding, or 1, the base's length and two dumps
{ u8 0; cat "$tmp/diff"; } | seed envdiff decode
{ u8 1; u16 "$(size "$tmp/base")"; cat "$tmp/base" "$tmp/next"; } |
    seed envdiff compute
{ u8 1; u16 0; cat "$tmp/next"; } | seed envdiff compute-nobase

# --- envstate: 0 and state bytes or 1 and its text, then a diff to apply
fields hearth1 /w default 3 "$(printf 'ready:/w\t3')" V CC cc \
    P PATH /nix/store/a/bin N GOPATH '' > "$tmp/state"
{ u8 0; u16 "$(size "$tmp/state")"; cat "$tmp/state" "$tmp/diff"; } |
    seed envstate applied
base64 < "$tmp/state" | tr -d '\n=' | tr '+/' '-_' > "$tmp/text"
{ u8 1; u16 "$(size "$tmp/text")"; cat "$tmp/text"; } | seed envstate text
fields hearth1 '' '' 0 "$(printf 'starting\t0')" > "$tmp/state"
{ u8 0; u16 "$(size "$tmp/state")"; cat "$tmp/state" "$tmp/diff"; } |
    seed envstate notice

# --- attrs: dev environments' JSON (the -env store path)
printf '{\n  "bashFunctions": {\n\n  },\n  "variables": {\n    "PATH": {"type": "exported", "value": "/nix/store/a-tool/bin"},\n    "l": {"type": "array", "value": ["one" , "two words" ]},\n    "m": {"type": "associative", "value": {\n      "k": "v"\n    }}\n  },\n  "structuredAttrs": {\n    ".attrs.sh": "declare name='"'"'x'"'"'\\ndeclare -a l=('"'"'a'"'"' )",\n    ".attrs.json": "{\\"name\\":\\"x\\",\\"e\\":\\"\\\\u00e9\\"}"\n  }\n}' |
    seed attrs structured
printf '{"bashFunctions": {"f": " echo \\"}\\"\\n"}, "variables": {"n": 1e3, "t": true, "z": null}}' |
    seed attrs plain
printf '{"structuredAttrs": {".attrs.sh": "\\ud83d\\ude00 \\u0000"}}' |
    seed attrs half

# --- wsconfig: .hearth.ini files, [shells] and [fallback]
printf '[shells]\nservices/api = api\ntools = default\n' | seed wsconfig shells
printf '; a comment\n[shells]\n./ = root\nweb/ = web\n[other]\nx = y\n' |
    seed wsconfig mixed
printf '[shells]\n../escape = api\n' | seed wsconfig escape
printf '[shells]\nservices/api = api\n[fallback]\napi = services/api/SETUP.md\ndefault = docs/setup.md\n' |
    seed wsconfig fallback
printf '[fallback]\nweb = ../../etc/passwd\ndefault =\n' | seed wsconfig bad

# --- tools: a .hearth-tools file, a print-dev-env script, a store name,
# text to escape for JUnit
printf '# c\napi\tapi-cli\tapi-cli\t2.0\ndocs\t-\t-\t-\n' | seed tools list
printf "A='x\\ny'\\nPATH='/nix/store/a-b/bin:/it'\\\\''s'\\nexport PATH\\n" |
    seed tools devenv
printf 'python3.11-requests-2.31.0-bin' | seed tools name
printf '\033[31merror:\033[0m <x> & "y" \303\251 \377' | seed tools junit

# --- nix: what Nix 2.8, 2.26 and 2.34 printed (tests/unit/data/nix):
# error messages of each layout, a listing, an archive, version lines
data=tests/unit/data/nix
sed -n '/^error/,$p' "$data/2.8/syntax-error.log" | seed nix syntax-2.8
sed -n '/^error/,$p' "$data/2.26/undefined-var.log" | seed nix undefined-2.26
sed -n '/^error/,$p' "$data/2.34/lock-input-throw.log" | seed nix throw-2.34
sed -n '/^error/,$p' "$data/2.34/builder-failed.log" | head -12 |
    seed nix builder-2.34
seed nix list < "$data/2.34/list-ok.out"
seed nix archive < "$data/2.8/archive.out"
cat "$data"/*/version.txt | seed nix versions
printf 'nix (Lix, like Nix) 2.91.1\n' | seed nix lix

# --- gitindex: indexes git wrote, versions 2, 3 and 4
git init -q "$tmp/repo"
mkdir -p "$tmp/repo/a/deep"
touch "$tmp/repo/flake.nix" "$tmp/repo/a/deep/x.nix" "$tmp/repo/b.nix"
git -C "$tmp/repo" add flake.nix
seed gitindex one < "$tmp/repo/.git/index"
git -C "$tmp/repo" add a
seed gitindex v2 < "$tmp/repo/.git/index"
git -C "$tmp/repo" add -N b.nix
seed gitindex v3 < "$tmp/repo/.git/index"
git -C "$tmp/repo" update-index --index-version 4
seed gitindex v4 < "$tmp/repo/.git/index"

# --- nixlog: the recorded logs of the unit tests, with the flake renamed
# to the harness's /src/proj and the token to "tok"
for f in tests/unit/data/nixlog/*.log; do
	sed 's/tok123/tok/' "$f" | seed nixlog "$(basename "$f" .log)"
done

# --- hookreads: a trace after its first record's tag (the harness's top
# is random: these paths are outside it, and mutations reach in)
printf 'r /tmp/hearth-fuzz.x/./a/../.env\n' | seed hookreads read
printf 's /tmp/hearth-fuzz.x//missing/\n\036hearth-nixtrace 0 w /tmp/y\n' |
    seed hookreads lookup-and-forged
printf 'w /tmp/hearth-fuzz.x/out\n\036hearth-nixtrace 0 r /tmp/hearth-fuzz.x/out' |
    seed hookreads cut-short
