#!/bin/sh
# Contract: exported symbols = version script = EPSOS_API declarations = man pages.
# Every exported symbol starts with epsos_ and carries the version node EPSOS_1.x.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$top}
so="$build/lib/.libs/libepsos.so"
NM=${NM:-nm}
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

$NM -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort -u > "$tmp/nm-versioned"
sed 's/@.*//' "$tmp/nm-versioned" | sort -u > "$tmp/exported"
sed -n '/global:/,/local:/p' "$top/lib/libepsos.map" | grep -oE '\bepsos_[a-z0-9_]+' | sort -u > "$tmp/map"
grep -rhoE 'EPSOS_API[^;]*\b(epsos_[a-z0-9_]+)[[:space:]]*\(' "$top/include" \
  | grep -oE 'epsos_[a-z0-9_]+[[:space:]]*\($' | tr -d '( ' | sort -u > "$tmp/api"
ls "$top/man/man3" 2>/dev/null | sed -n 's/\.3$//p' | sort -u > "$tmp/man"

fail=0
n=$(wc -l < "$tmp/exported")
[ "$n" -gt 0 ] || { echo "FAIL: no symbol exported"; fail=1; }
if grep -v '^epsos_' "$tmp/exported"; then echo "FAIL: exported symbols above lack the epsos_ prefix"; fail=1; fi
if grep -v '@@EPSOS_1\.[0-9]*$' "$tmp/nm-versioned"; then echo "FAIL: symbols above are not in a version node"; fail=1; fi
for pair in "exported map" "exported api" "exported man"; do
  set -- $pair
  if ! diff -u "$tmp/$1" "$tmp/$2" > "$tmp/diff"; then
    echo "FAIL: $1 != $2 (- only in $1, + only in $2):"; grep '^[-+]epsos' "$tmp/diff"; fail=1
  fi
done
[ $fail -eq 0 ] && echo "ok: $n exported symbols = version script = EPSOS_API declarations = man pages"
exit $fail
