#!/bin/sh
# Turn each shell hook file into a C string constant, so the client carries
# its hooks with it: shell-hooks/hearth.bash becomes hook_bash[].
set -eu
for f in "$@"; do
	name=$(basename "$f" | sed 's/^hearth\.//')
	printf 'const char hook_%s[] =\n' "$name"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$f"
	printf ';\n'
done
