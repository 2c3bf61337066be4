#!/bin/sh
# Contract: the ABI of the built libepsos.so against abi/libepsos.abi.
# Added symbols pass; a removed or changed symbol or type fails.
# Skips (77) when abigail-tools is absent, unless EPSOS_REQUIRE_ABI=1.
set -u
top=${1:-${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}}
build=${2:-${top_builddir:-$top}}
ABIDIFF=${ABIDIFF:-$(command -v abidiff)}
so="$build/lib/.libs/libepsos.so"
base="$top/abi/libepsos.abi"
if [ -z "$ABIDIFF" ]; then
  echo "abidiff not found (apt-get install abigail-tools)"
  [ "${EPSOS_REQUIRE_ABI:-0}" = 1 ] && exit 1
  exit 77
fi
[ -f "$base" ] || { echo "FAIL: no baseline $base"; exit 1; }
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
"$ABIDIFF" --no-added-syms --headers-dir2 "$top/include" --drop-private-types "$base" "$so"
rc=$?
if [ $rc -ne 0 ]; then
  echo "FAIL: abidiff exit $rc: the ABI of libepsos.so changed against abi/libepsos.abi"
  exit 1
fi
echo "ok: no removed or changed symbol against abi/libepsos.abi"
