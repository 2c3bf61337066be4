#!/bin/sh
# libepsos - tests of epsos validate (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh:
# srcdir, EPSOS (the tool), EPSOS_CORPUS (default $srcdir/../../shared/corpus),
# EPSOS_TEST_WRAPPER (e.g. valgrind).

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

# shellcheck disable=SC2086 # EPSOS may be a command with arguments
set -- $EPSOS
for tool in "$@"; do :; done
case $tool in
    */*) [ -x "$tool" ] || { echo "SKIP: $tool not built"; exit 77; } ;;
esac
GOOD=$CORPUS/samples/konateq-openncp/psstore/2-5678-W8.xml
[ -f "$GOOD" ] || { echo "SKIP: no corpus ($GOOD)"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# a document whose header has no error: exit 0, warnings only
$EPSOS validate "$GOOD" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 0 ] || fail "valid header: exit $st"; cat "$T/out" "$T/err"
grep -q ': 0 errors, [1-9][0-9]* warnings$' "$T/out" || fail "no summary line"

# one mutation: the author time without a time zone -> exit 1, the finding
sed 's|<time value="20100701000000-0200" />|<time value="20100701000000" />|' "$GOOD" > "$T/bad.xml"
cmp -s "$GOOD" "$T/bad.xml" && fail "mutation not applied"
$EPSOS validate "$T/bad.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "bad author time: exit $st"
grep -q ':49: error \[ts.tz\] author time: .*(/hl7:ClinicalDocument\[1\]/hl7:author\[1\]/hl7:time\[1\])$' "$T/out" \
    || { cat "$T/out"; fail "no ts.tz finding"; }
$EPSOS validate --json "$T/bad.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "--json: exit $st"
grep -q '"severity": "error", "rule": "ts.tz", .*"location": "/hl7:ClinicalDocument\[1\]/hl7:author\[1\]/hl7:time\[1\]", "line": 49}$' \
    "$T/out" || { cat "$T/out"; fail "no JSON finding"; }
grep -q '"errors": 1, ' "$T/out" || fail "no JSON summary"

# could not run: exit 2
$EPSOS validate "$T/missing.xml" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "missing file: exit $st"
$EPSOS validate --bogus "$GOOD" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "unknown option: exit $st"
$EPSOS validate > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "no file: exit $st"
echo "PASS"
exit 0
