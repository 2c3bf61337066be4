#!/bin/sh
# libepsos - mutation test of epsos validate (issue 7) on an ePrescription the
# test suite builds: `epsos dump --json` + `epsos build` of the corpus eP
# konateq-openncp/epstore/1-NO-PDF.xml has no error (for libepsos, with the
# catalogue of the ART-DECOR value sets, and for the official Schematron); each
# mutation breaks one rule of the eP templates (a fixed attribute, the fixed
# section title, a required element, the product's templateId, a quantity, a
# code's displayName, a bound code, a mandatory (M) element null-flavoured,
# the administration timing, the substitution's mandatory value)
# and libepsos must report exactly that error at the expected element, and
# (one Saxon run over every mutant) the Schematron an error at the same element.
# SPDX-License-Identifier: MIT
# Exit: 0 pass, 1 fail, 77 skip.

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
SRC=$shared/corpus/samples/konateq-openncp/epstore/1-NO-PDF.xml
VOC=$shared/corpus/schematron/ehdsi-2024-04/include
[ -f "$SRC" ] || { echo "SKIP: no corpus ($SRC)"; exit 77; }
ls "$VOC"/voc-*.xml > /dev/null 2>&1 || { echo "SKIP: no value sets under $VOC"; exit 77; }
PY=${PYTHON3:-python3}

T=$(mktemp -d "${TMPDIR:-/tmp}/test-validate-epmut.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

$EPSOS dump --json "$SRC" > "$T/ep.json" 2> "$T/err" || { cat "$T/err"; fail "dump"; }
$EPSOS build -o "$T/base.xml" "$T/ep.json" 2> "$T/err" || { cat "$T/err"; fail "build"; }
$EPSOS catalogue build -o "$T/voc.epcat" "$VOC"/voc-*.xml > /dev/null 2> "$T/err" || { cat "$T/err"; fail "catalogue build"; }
$EPSOS validate --catalogue "$T/voc.epcat" "$T/base.xml" > "$T/out" 2>&1; st=$?
[ $st -eq 0 ] || { cat "$T/out"; fail "the built eP has errors (exit $st)"; }

R=/hl7:ClinicalDocument[1]
SEC=$R/hl7:component[1]/hl7:structuredBody[1]/hl7:component[1]/hl7:section[1]
SA=$SEC/hl7:entry[1]/hl7:substanceAdministration[1]
MM=$SA/hl7:consumable[1]/hl7:manufacturedProduct[1]/hl7:manufacturedMaterial[1]
# name|from|to|rule|element (one change of the built text each)
cat > "$T/mutations" <<MEOF
entry-type|<entry typeCode="COMP">|<entry>|fixed.attr|$SEC/hl7:entry[1]
title|<title>Prescriptions</title>|<title>Rx</title>|section.title|$SEC/hl7:title[1]
section-id|<id root="1.21.2002201772215.21982127.1"/><code code="57828-6"|<code code="57828-6"|card.min|$SEC
product-template|<templateId root="1.3.6.1.4.1.12559.11.10.1.3.1.3.29"/>||card.min|$SA
strength-unit|<numerator xsi:type="PQ" value="0" unit="0"/>|<numerator xsi:type="PQ" value="0"/>|pq.value|$MM/pharm:ingredient[1]/pharm:quantity[1]/hl7:numerator[1]
product-display|displayName="ATARVITON TAB 5MG/TAB BT X30(BLIST 3X10)" codeSystemName="EOF"|codeSystemName="EOF"|cd.display|$MM/hl7:code[1]
dose-form|<pharm:formCode code="10219000"|<pharm:formCode code="XX-NOT-IN-VS"|vs.member|$MM
item-id-null|<id root="1.21.2002201772215.21982127.1"/><statusCode code="active"/>|<id nullFlavor="NI"/><statusCode code="active"/>|null.mandatory|$SA
status-null|<statusCode code="active"/>|<statusCode nullFlavor="NI"/>|null.mandatory|$SA
schema-location|<ClinicalDocument xmlns="urn:hl7-org:v3"|<ClinicalDocument xsi:schemaLocation="urn:hl7-org:v3 CDA.xsd" xmlns="urn:hl7-org:v3"|cda.schema-location|$R
no-timing|<effectiveTime operator="A" xsi:type="PIVL_TS"><period value="12" unit="h"/></effectiveTime>||card.min|$SA
substitution-null|</supply></entryRelationship></substanceAdministration>|</supply></entryRelationship><entryRelationship typeCode="SUBJ" inversionInd="true"><observation classCode="OBS" moodCode="EVN"><code code="SUBST" codeSystem="2.16.840.1.113883.5.6" displayName="Substitution"/><value xsi:type="CE" nullFlavor="NI"/></observation></entryRelationship></substanceAdministration>|null.mandatory|$SA/hl7:entryRelationship[2]/hl7:observation[1]
MEOF

bad=0
while IFS='|' read -r name from to rule xpath; do
    "$PY" -c '
import sys
s = open(sys.argv[1], encoding="utf-8").read()
if s.count(sys.argv[2]) < 1:
    sys.exit("no %r in the built document" % sys.argv[2])
open(sys.argv[4], "w", encoding="utf-8").write(s.replace(sys.argv[2], sys.argv[3], 1))
' "$T/base.xml" "$from" "$to" "$T/mut-$name.xml" || fail "mutation $name not applied"
    $EPSOS validate --json --catalogue "$T/voc.epcat" "$T/mut-$name.xml" > "$T/out" 2> "$T/err"; st=$?
    errs=$(grep -c '"severity": "error"' "$T/out")
    hit=$(grep -F "\"severity\": \"error\", \"rule\": \"$rule\"" "$T/out" | grep -cF "\"location\": \"$xpath\", ")
    if [ $st -ne 1 ] || [ "$errs" -ne 1 ] || [ "$hit" -ne 1 ]; then
        echo "FAIL: mutation $name: exit $st, $errs errors, expected one $rule at $xpath:"
        grep '"severity": "error"' "$T/out"
        bad=$((bad + 1))
    else
        echo "ok: $name -> $rule at $xpath"
    fi
done < "$T/mutations"
[ $bad -eq 0 ] || fail "$bad mutations"

# the Schematron agrees (one Saxon run over the base and every mutant)
SCH=$shared/tools/schematron/ehdsi-validate
jar=${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}
if [ ! -x "$SCH" ] || ! command -v java > /dev/null 2>&1 || [ ! -f "$jar" ]; then
    echo "no Schematron runner, java or Saxon-HE: the Schematron side not checked"
    echo "PASS"
    exit 0
fi
"$SCH" --kind ep --format jsonl "$T/base.xml" "$T"/mut-*.xml > "$T/sch.jsonl" 2> "$T/sch.err"
st=$?
[ $st -le 1 ] || { cat "$T/sch.err"; fail "ehdsi-validate exit $st"; }
grep '"severity": "error"' "$T/sch.jsonl" | grep -qF "\"file\": \"$T/base.xml\"" && fail "the Schematron has errors on the built eP"
while IFS='|' read -r name from to rule xpath; do
    grep '"severity": "error"' "$T/sch.jsonl" | grep -F "\"file\": \"$T/mut-$name.xml\"" \
        | grep -qF "\"location\": \"$xpath\", " \
        || { echo "FAIL: mutation $name: the Schematron has no error at $xpath"; bad=$((bad + 1)); }
done < "$T/mutations"
[ $bad -eq 0 ] || fail "$bad mutations without a Schematron error at the element"
echo "PASS"
exit 0
