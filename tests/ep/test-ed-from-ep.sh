#!/bin/sh
# libepsos - epsos ed-from-ep on corpus ePrescriptions (automake TESTS script).
# SPDX-License-Identifier: MIT
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh
# (srcdir, EPSOS, EPSOS_CORPUS, EPSOS_TEST_WRAPPER).
if [ -z "${srcdir:-}" ]; then
    srcdir=$(dirname "$0")/..
fi
EPSOS=${EPSOS:-../tools/epsos}
if [ -n "${EPSOS_TEST_WRAPPER:-}" ]; then
    if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/libtool" ]; then
        EPSOS="$top_builddir/libtool --mode=execute $EPSOS_TEST_WRAPPER $EPSOS"
    else
        EPSOS="$EPSOS_TEST_WRAPPER $EPSOS"
    fi
fi
CORPUS=${EPSOS_CORPUS:-$srcdir/../../shared/corpus}
EP=$CORPUS/samples/konateq-openncp/epstore/1-1234-W8.xml
OLD=$CORPUS/samples/khypponen-openncp/ep/EP.2.3.1.CDA.xml
[ -f "$EP" ] && [ -f "$OLD" ] || { echo "SKIP: no corpus at $CORPUS"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # expected-status description command...
    want=$1; what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: status $got, expected $want"; cat "$tmp/err"; fail=1
    else
        echo "ok: $what"
    fi
}
# shellcheck disable=SC2086 # EPSOS may be a command with arguments
check 0 "default quantity" $EPSOS ed-from-ep "$EP" -o "$tmp/ed.xml"
grep -q 'code="60593-1"' "$tmp/ed.xml" || { echo "FAIL: not an eD"; fail=1; }
grep -q 'extension="3000.1.1"' "$tmp/ed.xml" || { echo "FAIL: no reference to 3000.1.1"; fail=1; }
grep -q '<quantity value="5" unit="1"/>' "$tmp/ed.xml" || { echo "FAIL: quantity not 5"; fail=1; }
[ "$(grep -c '<name>Lantus SoloStar</name>' "$tmp/ed.xml")" -eq 2 ] ||
    { echo "FAIL: product not copied twice"; fail=1; }
# shellcheck disable=SC2086
check 0 "legacy eP, quantity 1" $EPSOS ed-from-ep --quantity 1 "$OLD" -o "$tmp/old.xml"
grep -q 'pharm:formCode' "$tmp/old.xml" || { echo "FAIL: legacy product not in pharm"; fail=1; }
for bad in "9:exceeds" "x:not a number" "-2:positive" "0:positive"; do
    q=${bad%%:*}; msg=${bad#*:}
    # shellcheck disable=SC2086
    check 1 "quantity $q refused" $EPSOS ed-from-ep --quantity "$q" "$EP" -o "$tmp/bad.xml"
    grep -q "$msg" "$tmp/err" || { echo "FAIL: message lacks '$msg'"; fail=1; }
    grep -q "substanceAdministration" "$tmp/err" || { echo "FAIL: no XPath"; fail=1; }
    [ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
done
# shellcheck disable=SC2086
check 1 "substitution forbidden (N)" $EPSOS ed-from-ep --substituted "$EP" -o "$tmp/bad.xml"
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
# shellcheck disable=SC2086
check 1 "no such item" $EPSOS ed-from-ep --item 3 "$EP" -o "$tmp/bad.xml"
# shellcheck disable=SC2086
check 2 "missing -o" $EPSOS ed-from-ep "$EP"
exit $fail
