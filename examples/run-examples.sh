#!/bin/sh
# Runs the examples and checks what they print.
set -u
srcdir=${srcdir:-.}
fail=0
out=$(./read-header "$srcdir/data/ps-sample.xml") || fail=1
echo "$out"
echo "$out" | grep -q 'PS, eHDSI generation): Patient Summary' || { echo "FAIL: read-header title"; fail=1; }
echo "$out" | grep -q 'patient: Maria Inês Exemplo Ficção, born 19700512' || { echo "FAIL: read-header patient"; fail=1; }
./read-header /nonexistent/file.xml 2>/dev/null && { echo "FAIL: read-header accepted a missing file"; fail=1; }
tmp=$(mktemp) || exit 99
./build-header "$tmp" || fail=1
./read-header "$tmp" > "$tmp.out" || fail=1
grep -q 'patient: Jan Novák, born 19800229' "$tmp.out" || { echo "FAIL: build-header output"; cat "$tmp.out"; fail=1; }
grep -q 'author: Dvořák' "$tmp.out" || { echo "FAIL: build-header author"; fail=1; }
rm -f "$tmp" "$tmp.out"
exit $fail
