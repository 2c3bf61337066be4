#!/bin/sh
# libepsos - mutation test of epsos validate (issue 7) on a document the test
# suite builds: `epsos build` of tests/data/ps/required-ps.json has no error
# (for libepsos and for the official Schematron); each mutation breaks one
# rule (delete a mandatory element, break a datatype rule, a document rule,
# corrupt a bound code: with --catalogue of the ART-DECOR value sets, every
# code outside its value set is a vs.member finding -- an error exactly where
# the official Schematron checks the binding, else a warning)
# and libepsos must report exactly that error at the expected element, and
# (when Saxon is there: one batch run over every mutant) the Schematron must
# have an error at the same element.
# SPDX-License-Identifier: MIT
# Exit: 0 pass, 1 fail, 77 skip.

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/test-validate-mut.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

$EPSOS build -o "$T/base.xml" "$srcdir/data/ps/required-ps.json" 2> "$T/err" || { cat "$T/err"; fail "build"; }
$EPSOS validate "$T/base.xml" > "$T/out" 2>&1; st=$?
[ $st -eq 0 ] || { cat "$T/out"; fail "the built document has errors (exit $st)"; }

R=/hl7:ClinicalDocument[1]
AA=$R/hl7:author[1]/hl7:assignedAuthor[1]
LE=$R/hl7:legalAuthenticator[1]/hl7:assignedEntity[1]
SB=$R/hl7:component[1]/hl7:structuredBody[1]
# name|sed expression (one change)|rule|element
cat > "$T/mutations" <<EOF
title|s|<title>Patient Summary</title>||card.min|$R
effective-time|s|<effectiveTime value="20261124103000+0100"/>||card.min|$R
language|s|<languageCode code="en-GB"/><setId|<setId|card.min|$R
record-target|s|<recordTarget>.*</recordTarget>||card.min|$R
author-time|s|<time value="20261124100000+0100"/>||card.min|$R/hl7:author[1]
author-telecom|s|<telecom value="tel:+351-21-555-0199" use="WP"/>||card.min|$AA
author-addr|s|<assignedAuthor><id root="2.999.1.42.2" extension="HCP-77"/><addr nullFlavor="NI"/>|<assignedAuthor><id root="2.999.1.42.2" extension="HCP-77"/>|card.min|$AA
legal-name|s|<assignedPerson><name><given>João</given><family>Médico</family></name></assignedPerson><representedOrganization><id root="2.999.1.42.3" extension="ORG-1"/><name>Centro de Saúde Exemplo</name><telecom value="tel:+351-21-555-0000"/>|<assignedPerson/><representedOrganization><id root="2.999.1.42.3" extension="ORG-1"/><name>Centro de Saúde Exemplo</name><telecom value="tel:+351-21-555-0000"/>|card.min|$LE/hl7:assignedPerson[1]
custodian-telecom|s|<telecom value="tel:+351-21-555-1000" use="WP"/>||card.min|$R/hl7:custodian[1]/hl7:assignedCustodian[1]/hl7:representedCustodianOrganization[1]
ts-tz|s|<effectiveTime value="20261124103000+0100"/>|<effectiveTime value="20261124103000"/>|ts.tz|$R/hl7:effectiveTime[1]
ts-precision|s|<effectiveTime value="20261124103000+0100"/>|<effectiveTime value="202611"/>|ts.precision|$R/hl7:effectiveTime[1]
legal-ts-tz|s|<time value="20261124101500+0100"/>|<time value="20261124101500"/>|ts.tz|$R/hl7:legalAuthenticator[1]/hl7:time[1]
cd-display|s|displayName="normal"||cd.display|$R/hl7:confidentialityCode[1]
ii-root|s|<id root="2.999.1.42.7" extension="PS-2026-0001"/>|<id root="PS-2.999" extension="PS-2026-0001"/>|ii.root|$R/hl7:id[1]
ii-root-null|s|<id root="2.999.1.42.7" extension="PS-2026-0001"/>|<id root="2.999.1.42.7" nullFlavor="UNK"/>|ii.root-null|$R/hl7:id[1]
tel-format|s|<telecom value="tel:+351-21-555-0100" use="HP"/>|<telecom value="tel:call me" use="HP"/>|tel.format|$R/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:telecom[1]
ad-empty|s|<addr use="HP"><streetAddressLine>Rua das Flores 12</streetAddressLine><city>Lisboa</city><postalCode>1200-195</postalCode><country>PT</country></addr>|<addr use="HP"></addr>|ad.empty|$R/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:addr[1]
ad-country|s|<addr><city>Lisboa</city><country>PT</country></addr></representedCustodianOrganization>|<addr><city>Lisboa</city></addr></representedCustodianOrganization>|ad.country|$R/hl7:custodian[1]/hl7:assignedCustodian[1]/hl7:representedCustodianOrganization[1]
schema-location|s|<ClinicalDocument xmlns="urn:hl7-org:v3"|<ClinicalDocument xsi:schemaLocation="urn:hl7-org:v3 CDA.xsd" xmlns="urn:hl7-org:v3"|cda.schema-location|$R
device-time|s|<effectiveTime xsi:type="IVL_TS"><low nullFlavor="NA"/></effectiveTime><participant typeCode="DEV">|<participant typeCode="DEV">|card.min|DEVICE_SUPPLY
translation|s|displayName="Female"/>|displayName="Female"><translation displayName="weiblich"/></administrativeGenderCode>|cd.translation|$R/hl7:recordTarget[1]/hl7:patientRole[1]/hl7:patient[1]/hl7:administrativeGenderCode[1]
EOF

# the XPath of the (only) device entry's supply in the built document
dev=$("${PYTHON3:-python3}" - "$T/base.xml" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
H = '{urn:hl7-org:v3}'
def walk(el, path):
    if el.tag == H + 'supply':
        print(path)
        sys.exit(0)
    seen = {}
    for c in el:
        if not isinstance(c.tag, str) or not c.tag.startswith(H):
            continue
        n = c.tag[len(H):]
        seen[n] = seen.get(n, 0) + 1
        walk(c, '%s/hl7:%s[%d]' % (path, n, seen[n]))
walk(ET.parse(sys.argv[1]).getroot(), '/hl7:ClinicalDocument[1]')
PYEOF
)
[ -n "$dev" ] || fail "no device entry in the built document"
sed -i "s|DEVICE_SUPPLY|$dev|" "$T/mutations"

# the section rules: delete one required section (its component), duplicate one
"${PYTHON3:-python3}" - "$T/base.xml" "$T" > "$T/sections" <<'PYEOF' || fail "python3"
import re, sys
s = open(sys.argv[1], encoding='utf-8').read()
# the body's top-level components, by section code
i = s.index('<structuredBody>') + len('<structuredBody>')
j = s.index('</structuredBody>')
body, comps, depth, start = s[i:j], [], 0, None
for m in re.finditer(r'<(/?)component\b[^>]*?(/?)>', body):
    if m.group(2):
        continue
    if not m.group(1):
        if depth == 0:
            start = m.start()
        depth += 1
    else:
        depth -= 1
        if depth == 0:
            comps.append((start, m.end()))
for code, name in (('48765-2', 'allergies'), ('10160-0', 'medication')):
    for a, b in comps:
        c = body[a:b]
        if 'code="%s"' % code in c[:400]:
            open('%s/mut-no-%s.xml' % (sys.argv[2], name), 'w', encoding='utf-8').write(
                s[:i] + body[:a] + body[b:] + s[j:])
            open('%s/mut-two-%s.xml' % (sys.argv[2], name), 'w', encoding='utf-8').write(
                s[:i] + body[:b] + c + body[b:] + s[j:])
            print('no-%s|section.required' % name)
            print('two-%s|section.max' % name)
PYEOF
[ "$(wc -l < "$T/sections")" -eq 4 ] || fail "section mutations not made"

n=0
while IFS='|' read -r name cmd from to rule xpath; do
    [ "$cmd" = s ] || continue
    "${PYTHON3:-python3}" -c '
import sys
s = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[3] in ("", None) and False: pass
import re
if sys.argv[2].startswith("<recordTarget>"):
    t, k = re.subn(r"<recordTarget>.*</recordTarget>", "", s, count=1)
else:
    k = s.count(sys.argv[2]); t = s.replace(sys.argv[2], sys.argv[3], 1)
if k < 1:
    sys.exit("no %r in the built document" % sys.argv[2])
open(sys.argv[4], "w", encoding="utf-8").write(t)
' "$T/base.xml" "$from" "$to" "$T/mut-$name.xml" || fail "mutation $name not applied"
    n=$((n + 1))
done < "$T/mutations"
while IFS='|' read -r name rule; do
    printf '%s|s|||%s|%s\n' "$name" "$rule" "$SB" >> "$T/mutations"
done < "$T/sections"

bad=0
while IFS='|' read -r name cmd from to rule xpath; do
    $EPSOS validate --json "$T/mut-$name.xml" > "$T/out" 2> "$T/err"; st=$?
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

# corrupt each bound code: every @code of the built document, one at a time,
# becomes a code of no value set; with the catalogue of the value sets the
# Schematron uses, each bound one is a vs.member finding at (or, for an
# error, where the Schematron reports it: above) the coded element
: > "$T/vsmut"
VOC=$shared/corpus/schematron/ehdsi-2024-04/include
if ls "$VOC"/voc-*.xml > /dev/null 2>&1; then
    $EPSOS catalogue build -o "$T/voc.epcat" "$VOC"/voc-*.xml 2> "$T/err" || { cat "$T/err"; fail "catalogue build"; }
    $EPSOS validate --catalogue "$T/voc.epcat" "$T/base.xml" > "$T/out" 2>&1; st=$?
    [ $st -eq 0 ] || { cat "$T/out"; fail "with the catalogue, the built document has errors (exit $st)"; }
    "${PYTHON3:-python3}" - "$T/base.xml" "$T" > "$T/vsindex" <<'PYEOF' || fail "python3"
import re, sys, xml.parsers.expat
raw = open(sys.argv[1], 'rb').read()
H = 'urn:hl7-org:v3'
PFX = {H: 'hl7:', 'urn:hl7-org:pharm': 'pharm:', 'urn:epsos-org:ep:medication': 'epsos:'}
p = xml.parsers.expat.ParserCreate(namespace_separator=' ')
stack, counts, found = [], [{}], []
def start(name, attrs):
    ns, _, local = name.rpartition(' ')
    c = counts[-1]
    c[name] = c.get(name, 0) + 1
    stack.append('/%s%s[%d]' % (PFX.get(ns, ''), local, c[name]))
    counts.append({})
    if 'code' in attrs and 'nullFlavor' not in attrs:
        found.append((p.CurrentByteIndex, ''.join(stack)))
def end(name):
    stack.pop()
    counts.pop()
p.StartElementHandler, p.EndElementHandler = start, end
p.Parse(raw, True)
for k, (o, xpath) in enumerate(found):
    e = raw.index(b'>', o)
    tag = raw[o:e]
    m = re.search(rb'\scode="([^"]*)"', tag)
    if not m:
        continue
    new = tag[:m.start(1)] + b'XX-NOT-IN-VS' + tag[m.end(1):]
    open('%s/mut-vs%03d.xml' % (sys.argv[2], k), 'wb').write(raw[:o] + new + raw[e:])
    print('vs%03d|%s' % (k, xpath))
PYEOF
    nerr=0 nwarn=0 nfree=0
    while IFS='|' read -r name xpath; do
        $EPSOS validate --json --catalogue "$T/voc.epcat" "$T/mut-$name.xml" > "$T/out" 2> "$T/err"; st=$?
        vs=$(grep -F '"rule": "vs.member"' "$T/out")
        if [ -z "$vs" ]; then
            nfree=$((nfree + 1))     # not a bound code (a fixed one, a status)
            rm -f "$T/mut-$name.xml"
            continue
        fi
        errs=$(grep -c '"severity": "error"' "$T/out")
        loc=$(printf '%s\n' "$vs" | sed -n 's/.*"location": "\([^"]*\)".*/\1/p')
        if [ "$(printf '%s\n' "$vs" | wc -l)" -ne 1 ]; then
            echo "FAIL: bound-code mutant $name ($xpath): $(printf '%s\n' "$vs" | wc -l) vs.member findings"
            bad=$((bad + 1))
        elif printf '%s\n' "$vs" | grep -qF '"severity": "error"'; then
            case $xpath in
                "$loc"/*) ;;
                *) echo "FAIL: bound-code mutant $name: error at $loc, not above $xpath"; bad=$((bad + 1)) ;;
            esac
            if [ $st -ne 1 ] || [ "$errs" -ne 1 ]; then
                echo "FAIL: bound-code mutant $name ($xpath): exit $st, $errs errors:"
                grep '"severity": "error"' "$T/out"
                bad=$((bad + 1))
            fi
            echo "ok: $name -> vs.member error at $loc"
            echo "$name|$loc" >> "$T/vsmut"
            nerr=$((nerr + 1))
        else
            [ "$loc" = "$xpath" ] || { echo "FAIL: bound-code mutant $name: warning at $loc, not $xpath"; bad=$((bad + 1)); }
            [ $st -eq 0 ] || { echo "FAIL: bound-code mutant $name ($xpath): exit $st"; grep '"severity": "error"' "$T/out"; bad=$((bad + 1)); }
            echo "ok: $name -> vs.member warning at $loc"
            rm -f "$T/mut-$name.xml"
            nwarn=$((nwarn + 1))
        fi
    done < "$T/vsindex"
    echo "bound-code mutants: $nerr errors, $nwarn warnings, $nfree codes not bound"
    # the built document has a confidentiality, language, gender, allergy,
    # procedure and device code whose binding the Schematron checks
    [ $nerr -ge 6 ] || fail "only $nerr bound-code mutants are errors"
    [ $nwarn -ge 3 ] || fail "only $nwarn bound-code mutants are warnings"
    [ $bad -eq 0 ] || fail "$bad bound-code mutations"
else
    echo "no ART-DECOR value sets under $VOC: bound codes not corrupted"
fi

# the Schematron agrees (one Saxon run over the base and every mutant)
SCH=$shared/tools/schematron/ehdsi-validate
jar=${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}
if [ ! -x "$SCH" ] || ! command -v java > /dev/null 2>&1 || [ ! -f "$jar" ]; then
    echo "no Schematron runner, java or Saxon-HE: the Schematron side not checked"
    echo "PASS"
    exit 0
fi
start=$(date +%s)
"$SCH" --kind ps --format jsonl "$T/base.xml" "$T"/mut-*.xml > "$T/sch.jsonl" 2> "$T/sch.err"
st=$?
[ $st -le 1 ] || { cat "$T/sch.err"; fail "ehdsi-validate exit $st"; }
echo "Schematron over $(ls "$T"/mut-*.xml | wc -l) mutants: $(( $(date +%s) - start )) s"
grep '"severity": "error"' "$T/sch.jsonl" | grep -qF "\"file\": \"$T/base.xml\"" && fail "the Schematron has errors on the built document"
while IFS='|' read -r name cmd from to rule xpath; do
    grep '"severity": "error"' "$T/sch.jsonl" | grep -F "\"file\": \"$T/mut-$name.xml\"" \
        | grep -qF "\"location\": \"$xpath\", " \
        || { echo "FAIL: mutation $name: the Schematron has no error at $xpath"; bad=$((bad + 1)); }
done < "$T/mutations"
while IFS='|' read -r name xpath; do
    grep '"severity": "error"' "$T/sch.jsonl" | grep -F "\"file\": \"$T/mut-$name.xml\"" \
        | grep -qF "\"location\": \"$xpath\", " \
        || { echo "FAIL: bound-code mutation $name: the Schematron has no error at $xpath"; bad=$((bad + 1)); }
done < "$T/vsmut"
[ $bad -eq 0 ] || fail "$bad mutations without a Schematron error at the element"
echo "PASS"
exit 0
