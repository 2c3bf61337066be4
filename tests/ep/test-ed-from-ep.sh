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
[ -f "$EP" ] && [ -f "$OLD" ] && [ -f "$CORPUS/samples/konateq-openncp/epstore/1-NO-PDF.xml" ] || { echo "SKIP: no corpus at $CORPUS"; exit 77; }
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

# --substitute JSON: the dispensed product differs from the prescribed one
SUB=$CORPUS/samples/konateq-openncp/epstore/1-NO-PDF.xml   # no substitution code
J='{"product_name": "Diazepam Generic 5 mg", "product_code": {"code": "GEN-5",
 "codeSystem": "2.999.78.1000", "displayName": "Diazepam Generic"},
 "package_quantity": {"value": "20", "unit": "1"},
 "ingredient": [{"strength_numerator": {"value": "5", "unit": "mg"},
 "strength_denominator": {"value": "1", "unit": "1"},
 "substance": {"code": "N05BA01", "codeSystem": "2.16.840.1.113883.6.73",
 "displayName": "diazepam"}}]}'
# shellcheck disable=SC2086
check 0 "substitute inline JSON" $EPSOS ed-from-ep --quantity 1 --substitute "$J" "$SUB" -o "$tmp/sub.xml"
grep -q '<name>Diazepam Generic 5 mg</name>' "$tmp/sub.xml" || { echo "FAIL: substitute name"; fail=1; }
grep -q 'code="GEN-5"' "$tmp/sub.xml" || { echo "FAIL: substitute code"; fail=1; }
grep -q '<pharm:quantity value="20" unit="1"/>' "$tmp/sub.xml" || { echo "FAIL: package quantity"; fail=1; }
grep -q '<code code="SUBST"' "$tmp/sub.xml" || { echo "FAIL: substitution not recorded"; fail=1; }
# the prescribed product is still the one prescribed; fields not named stay
[ "$(grep -c '<name>ATARVITON TAB 5MG/TAB BT X30(BLIST 3X10)</name>' "$tmp/sub.xml")" -eq 1 ] ||
    { echo "FAIL: prescribed product changed"; fail=1; }
[ "$(grep -c '<pharm:desc>5MG/TAB</pharm:desc>' "$tmp/sub.xml")" -eq 2 ] ||
    { echo "FAIL: description not kept"; fail=1; }
[ "$(grep -c '<pharm:ingredient ' "$tmp/sub.xml")" -eq 2 ] ||
    { echo "FAIL: ingredients not replaced"; fail=1; }
printf '%s\n' "$J" >"$tmp/sub.json"
# shellcheck disable=SC2086
check 0 "substitute @FILE" $EPSOS ed-from-ep --quantity 1 --substitute "@$tmp/sub.json" "$SUB" -o "$tmp/sub2.xml"
cmp -s "$tmp/sub.xml" "$tmp/sub2.xml" || { echo "FAIL: @FILE differs from inline"; fail=1; }
for bad in '{"no_such_field": 1}:not a field' '[1, 2]:expected a JSON object' '{"product_name": :not a JSON'; do
    j=${bad%:*}; msg=${bad##*:}
    rm -f "$tmp/bad.xml"
    # shellcheck disable=SC2086
    check 2 "substitute refused: $j" $EPSOS ed-from-ep --substitute "$j" "$SUB" -o "$tmp/bad.xml"
    grep -q "$msg" "$tmp/err" || { echo "FAIL: message lacks '$msg'"; cat "$tmp/err"; fail=1; }
    [ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
done
# a value the library refuses: exit 1, with the reason and the XPath
# shellcheck disable=SC2086
check 1 "substitute: quantity not a number" $EPSOS ed-from-ep \
    --substitute '{"package_quantity": {"value": "x", "unit": "1"}}' "$SUB" -o "$tmp/bad.xml"
grep -q 'quantity "x": expected a decimal' "$tmp/err" || { echo "FAIL: no reason"; fail=1; }
grep -q "manufacturedProduct" "$tmp/err" || { echo "FAIL: no XPath"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
# shellcheck disable=SC2086
check 2 "substitute: missing file" $EPSOS ed-from-ep --substitute "@$tmp/none.json" "$SUB" -o "$tmp/bad.xml"
# a substitute where the prescription forbids substitution (N): refused, exit 1
# shellcheck disable=SC2086
check 1 "substitute forbidden (N)" $EPSOS ed-from-ep --substitute "$J" "$EP" -o "$tmp/bad.xml"
grep -q "forbids" "$tmp/err" || { echo "FAIL: message lacks 'forbids'"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
exit $fail
