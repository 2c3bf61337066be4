#!/bin/sh
# libepsos - tests of epsos validate (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh:
# srcdir, EPSOS (the tool), EPSOS_CORPUS (default $srcdir/../../shared/corpus),
# EPSOS_TEST_WRAPPER (e.g. valgrind).

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"

GOOD=$CORPUS/samples/konateq-openncp/psstore/2-5678-W8.xml
[ -f "$GOOD" ] || { echo "SKIP: no corpus ($GOOD)"; exit 77; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# a document without error (for libepsos and the Schematron, see
# test-validate-mutations.sh): the one `epsos build` makes of
# tests/data/ps/required-ps.json; exit 0, warnings only
$EPSOS build -o "$T/good.xml" "$srcdir/data/ps/required-ps.json" > /dev/null 2>&1 || fail "build"
$EPSOS validate "$T/good.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 0 ] || { cat "$T/out"; fail "valid document: exit $st"; }
grep -q ': 0 errors, [1-9][0-9]* warnings$' "$T/out" || fail "no summary line"
# a corpus document with two errors (the device entry's start time, the
# medication's product without its templated material), confirmed by the
# Schematron (check_validate): exit 1
$EPSOS validate "$GOOD" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "corpus document: exit $st"; cat "$T/out" "$T/err"
grep -q ': 2 errors, [1-9][0-9]* warnings$' "$T/out" || fail "no summary line"

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
grep -q '"errors": 3, ' "$T/out" || fail "no JSON summary"
$EPSOS validate --svrl "$T/bad.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "--svrl: exit $st"
grep -q '^<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl"' "$T/out" || { cat "$T/out"; fail "no SVRL root"; }
grep -q '<svrl:failed-assert id="ts.tz" test="ts.tz" role="error" location="/hl7:ClinicalDocument\[1\]/hl7:author\[1\]/hl7:time\[1\]" epsos:line="49">' \
    "$T/out" || { cat "$T/out"; fail "no SVRL failed-assert"; }
[ "$(grep -c '<svrl:failed-assert ' "$T/out")" -eq "$(grep -c '</svrl:failed-assert>' "$T/out")" ] || fail "SVRL not balanced"
tail -n 1 "$T/out" | grep -q '^</svrl:schematron-output>$' || fail "SVRL not closed"
grep -q ': 3 errors, ' "$T/err" || fail "no SVRL summary on stderr"
$EPSOS validate --svrl --json "$T/bad.xml" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "--svrl --json: exit $st"

# --catalogue: a catalogue (built here from a value set in the TSV form of
# epsos-catalogue(5)) that lacks the confidentiality code N: vs.member error
# at the ClinicalDocument, where the official Schematron reports it; the
# other bound value sets are absent: vs.unknown (info), once each
printf 'valueset\tsystem\tcode\tdisplay\n' > "$T/vs.tsv"
printf '2.16.840.1.113883.1.11.10228\t2.16.840.1.113883.5.25\tR\trestricted\n' >> "$T/vs.tsv"
$EPSOS catalogue build -o "$T/vs.epcat" "$T/vs.tsv" > /dev/null 2> "$T/err" || { cat "$T/err"; fail "catalogue build"; }
$EPSOS validate --catalogue "$T/vs.epcat" "$T/good.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || { cat "$T/out" "$T/err"; fail "--catalogue: exit $st"; }
grep -q ': error \[vs.member\] header confidentiality: code "N" (code system 2.16.840.1.113883.5.25) is not in the value set 2.16.840.1.113883.1.11.10228 at confidentialityCode (/hl7:ClinicalDocument\[1\])$' "$T/out" \
    || { cat "$T/out"; fail "no vs.member finding"; }
grep -q ': 1 errors, ' "$T/out" || { cat "$T/out"; fail "--catalogue: not exactly one error"; }
[ "$(grep -c 'info \[vs.unknown\] .*value set 1.3.6.1.4.1.12559.11.10.1.3.1.42.34 ' "$T/out")" -eq 1 ] \
    || { cat "$T/out"; fail "no single vs.unknown of the gender value set"; }
$EPSOS validate --json --catalogue="$T/vs.epcat" "$T/good.xml" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "--catalogue=: exit $st"
grep -q '"severity": "error", "rule": "vs.member", .*"location": "/hl7:ClinicalDocument\[1\]", "line": ' "$T/out" \
    || { cat "$T/out"; fail "no JSON vs.member"; }
$EPSOS validate --catalogue "$T/missing.epcat" "$T/good.xml" > /dev/null 2> "$T/err"; st=$?
[ $st -eq 2 ] || fail "missing catalogue: exit $st"
grep -q 'missing.epcat' "$T/err" || { cat "$T/err"; fail "the message does not name the catalogue"; }
$EPSOS validate --catalogue "$T/good.xml" "$T/good.xml" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "a document as catalogue: exit $st"
$EPSOS validate "$T/good.xml" --catalogue > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "--catalogue without file: exit $st"

# --legacy (EPSOS_VALIDATE_LEGACY): a legacy epSOS eP (urn:epsos-org:ep:medication,
# a product without the eHDSI templateId) is a legacy.namespace warning and a
# card.min error at the substanceAdministration under the current rules, neither
# under the legacy ones; a current (pharm) eP is a legacy.pharm error there only
OLD=$CORPUS/samples/khypponen-openncp/ep/EP.2.3.1.CDA.xml
CUR=$CORPUS/samples/konateq-openncp/epstore/1-1234-W8.xml
SA='/hl7:ClinicalDocument\[1\]/hl7:component\[1\]/hl7:structuredBody\[1\]/hl7:component\[1\]/hl7:section\[1\]/hl7:entry\[1\]/hl7:substanceAdministration\[1\])$'
$EPSOS validate "$OLD" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "legacy eP, current rules: exit $st"
grep -q 'warning \[legacy.namespace\] .*epsos:' "$T/out" || { cat "$T/out"; fail "no legacy.namespace"; }
grep -q "error \[card.min\] prescription product: .*with the templateIds.*($SA" "$T/out" \
    || { cat "$T/out"; fail "no templated card.min"; }
$EPSOS validate --legacy "$OLD" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "legacy eP, --legacy: exit $st"
grep -q 'legacy\.' "$T/out" && { cat "$T/out"; fail "legacy.* finding under --legacy"; }
grep -q "with the templateIds.*($SA" "$T/out" && { cat "$T/out"; fail "templated card.min under --legacy"; }
$EPSOS validate "$CUR" > "$T/out" 2> "$T/err"
grep -q 'legacy\.' "$T/out" && { cat "$T/out"; fail "legacy.* finding on a current eP"; }
$EPSOS validate --legacy --json "$CUR" > "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] || fail "current eP, --legacy: exit $st"
grep -q '"severity": "error", "rule": "legacy.pharm", .*"location": "/hl7:ClinicalDocument\[1\]/.*/pharm:formCode\[1\]"' "$T/out" \
    || { cat "$T/out"; fail "no legacy.pharm"; }

# could not run: exit 2
$EPSOS validate "$T/missing.xml" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "missing file: exit $st"
$EPSOS validate --bogus "$GOOD" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "unknown option: exit $st"
$EPSOS validate > /dev/null 2>&1; st=$?
[ $st -eq 2 ] || fail "no file: exit $st"
echo "PASS"
exit 0
