#!/bin/sh
# libepsos - tests of epsos catalogue / transcode / translate (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh:
# srcdir, EPSOS (the tool), EPSOS_CORPUS (default $srcdir/../../shared/corpus),
# EPSOS_TEST_WRAPPER (e.g. valgrind), PYTHON3 (to read the JSON report).

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
PYTHON3=${PYTHON3:-python3}
D=$srcdir/data/term


tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
ok()  { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
# expect STATUS DESCRIPTION COMMAND...
expect() {
    want=$1; what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -eq "$want" ]; then ok "$what"; else
        bad "$what: exit $got, expected $want"; sed 's/^/  | /' "$tmp/err" | head -5; fi
}

SOURCES="$D/aliases.tsv $D/svs-gender.xml $D/decor-roles.xml $D/fhir-units.xml \
$D/fhir-gender-cs.xml $D/fhir-roles-cm.xml $D/national.tsv $D/designations.tsv"

# shellcheck disable=SC2086
expect 0 "catalogue build from every fixture kind" $EPSOS catalogue build -o "$tmp/a.epcat" $SOURCES
# shellcheck disable=SC2086
expect 0 "the same build again" $EPSOS catalogue build --output="$tmp/b.epcat" $SOURCES
cmp -s "$tmp/a.epcat" "$tmp/b.epcat" && ok "byte-identical rebuild" || bad "rebuild differs"
expect 0 "catalogue info" $EPSOS catalogue info "$tmp/a.epcat" 1.3.6.1.4.1.12559.11.10.1.3.1.42.34
grep -q "value sets 5, members 13," "$tmp/out" && ok "info counts" || bad "info counts: $(cat "$tmp/out")"
grep -q "^1.3.6.1.4.1.12559.11.10.1.3.1.42.34	testGender	1	3$" "$tmp/out" \
    && ok "info value set" || bad "info value set: $(cat "$tmp/out")"
expect 1 "info of an unknown value set" $EPSOS catalogue info "$tmp/a.epcat" 1.2.3
expect 2 "build without -o" $EPSOS catalogue build "$D/national.tsv"
expect 2 "build of a missing file" $EPSOS catalogue build -o "$tmp/c.epcat" "$tmp/none.tsv"
[ ! -e "$tmp/c.epcat" ] && ok "nothing written on failure" || bad "a catalogue was written"
printf 'source_system\tsource_code\ttarget_valueset\ttarget_system\n1.2\tA\t1.3\t1.4\n' >"$tmp/bad.tsv"
expect 2 "TSV with a missing column" $EPSOS catalogue build -o "$tmp/c.epcat" "$tmp/bad.tsv"
grep -q "missing column target_code" "$tmp/err" && ok "names the missing column" || bad "message: $(cat "$tmp/err")"
printf '{"resourceType": "ValueSet", "url": "urn:oid:1.2.3", "compose": {"include": [{"system": "urn:oid:1.9", "concept": [{"code": "a\\u00e9", "display": "x"}]}]}' >"$tmp/bad.json"
expect 2 "truncated FHIR JSON" $EPSOS catalogue build -o "$tmp/c.epcat" "$tmp/bad.json"
printf '{"resourceType": "ValueSet", "url": "urn:oid:1.2.3", "name": "j", "compose": {"include": [{"system": "urn:oid:1.9", "concept": [{"code": "a\\u00e9", "display": "x"}, {"code": "b"}]}]}}' >"$tmp/good.json"
expect 0 "FHIR JSON ValueSet" $EPSOS catalogue build -o "$tmp/c.epcat" "$tmp/good.json"
expect 0 "its info" $EPSOS catalogue info "$tmp/c.epcat" 1.2.3
grep -q "^1.2.3	j	-	2$" "$tmp/out" && ok "JSON concepts" || bad "JSON concepts: $(cat "$tmp/out")"

# the Danish unit mappings (a YAML subset): good, and refused
printf '# units\n"ML":\n  lms15-display-name: "milliliter"\n  ehdsi-unit: "mL"\n"AS":\n  lms15-display-name: "amp."\n' >"$tmp/pkg.yml"
expect 0 "LMS15 package unit mapping (YAML)" $EPSOS catalogue build -o "$tmp/y.epcat" "$tmp/pkg.yml"
grep -q "mappings 1," "$tmp/err" && ok "one mapped unit, one unmapped" || bad "YAML counts: $(cat "$tmp/err")"
printf '"GML":\n  numerator: "g"\n  denominator: "mL"\n"MGF":\n  numerator: "mg"\n  denominator: "h"\n  denominatorValue: "72"\n' >"$tmp/sub.yml"
expect 0 "LMS15 strength unit mapping (YAML)" $EPSOS catalogue build -o "$tmp/y.epcat" "$tmp/sub.yml"
printf '"A":\n  colour: "x"\n' >"$tmp/bad.yml"
expect 2 "YAML with an unknown key" $EPSOS catalogue build -o "$tmp/y.epcat" "$tmp/bad.yml"
grep -q "not a Danish LMS15 unit mapping" "$tmp/err" && ok "says what it expected" || bad "message: $(cat "$tmp/err")"

# corrupted and truncated catalogues
head -c 1000 "$tmp/a.epcat" >"$tmp/trunc.epcat"
expect 2 "truncated catalogue" $EPSOS transcode --catalogue "$tmp/trunc.epcat" "$D/ps-national.xml"
grep -q "truncated" "$tmp/err" && ok "says truncated" || bad "message: $(cat "$tmp/err")"
cp "$tmp/a.epcat" "$tmp/flip.epcat"
printf 'X' | dd of="$tmp/flip.epcat" bs=1 seek=500 conv=notrunc 2>/dev/null
expect 2 "corrupted catalogue" $EPSOS catalogue info "$tmp/flip.epcat"
grep -q "checksum" "$tmp/err" && ok "says checksum" || bad "message: $(cat "$tmp/err")"

# transcoding: the national gender becomes F with the national code kept
expect 1 "transcode (findings: value sets absent from the fixtures)" $EPSOS transcode --catalogue "$tmp/a.epcat" --report json -o "$tmp/t.xml" "$D/ps-national.xml"
grep -q '<administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1" displayName="Female"><translation code="W" codeSystem="1.2.999.7.2" displayName="weiblich"/></administrativeGenderCode>' "$tmp/t.xml" \
    && ok "MVC code with the national translation" || bad "transcoded element: $(grep -o '<administrativeGenderCode.*' "$tmp/t.xml")"
if "$PYTHON3" -c 'import sys' 2>/dev/null; then
    "$PYTHON3" - "$tmp/out" <<'PY' && ok "JSON report" || bad "JSON report: $(cat "$tmp/out")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["transcoded"] == 1, r
assert r["visited"] >= 5, r
assert all(f["xpath"].startswith("/hl7:ClinicalDocument") for f in r["findings"]), r
PY
fi
# the rest of the document is kept byte for byte (the gender line aside)
expect 1 "transcode again" $EPSOS transcode --catalogue "$tmp/a.epcat" -o "$tmp/t2.xml" "$tmp/t.xml"
cmp -s "$tmp/t.xml" "$tmp/t2.xml" && ok "transcoding is idempotent" || bad "second transcoding changed the document"

# translation into German (de-AT -> de) and then French
expect 1 "translate de-AT" $EPSOS translate --catalogue "$tmp/a.epcat" --lang de-AT -o "$tmp/de.xml" "$tmp/t.xml"
grep -q 'displayName="Weiblich"><translation code="W" codeSystem="1.2.999.7.2" displayName="weiblich"/><translation code="F" codeSystem="2.16.840.1.113883.5.1" displayName="Female"/>' "$tmp/de.xml" \
    && ok "German display, English kept" || bad "translated: $(grep -o '<administrativeGenderCode.*' "$tmp/de.xml")"
expect 2 "translate without --lang" $EPSOS translate --catalogue "$tmp/a.epcat" "$tmp/t.xml"
expect 2 "translate with a bad tag" $EPSOS translate --catalogue "$tmp/a.epcat" --lang "d e" "$tmp/t.xml"

# the sending side's policy: an unknown national code of a required element
sed 's|<languageCode code="en-GB"/>|<languageCode code="tlh"/>|' "$D/ps-national.xml" >"$tmp/klingon.xml"
expect 1 "--strict refuses a required miss" $EPSOS transcode --strict --catalogue "$tmp/a.epcat" -o "$tmp/k.xml" "$tmp/klingon.xml"
[ ! -e "$tmp/k.xml" ] && ok "nothing written" || bad "strict wrote a document"
expect 1 "without --strict: delivered with findings" $EPSOS transcode --catalogue "$tmp/a.epcat" -o "$tmp/k.xml" "$tmp/klingon.xml"
grep -q "not-in-value-set \[1.3.6.1.4.1.12559.11.10.1.3.1.42.6\]" "$tmp/out" && ok "finding names the value set" || bad "report: $(cat "$tmp/out")"

# the real eHDSI data: the hl7-eu FHIR JSON package, counts as derived/mvc-value-sets.tsv
T=$CORPUS/terminology
if [ -d "$T/hl7-eu-EHDSI-Terminology-package" ]; then
    expect 0 "catalogue build from the hl7-eu FHIR JSON package" $EPSOS catalogue build -o "$tmp/hl7.epcat" \
        "$T/derived/code-systems.tsv" "$T"/hl7-eu-EHDSI-Terminology-package/ValueSet-*.json \
        "$T"/hl7-eu-EHDSI-Terminology-package/CodeSystem-*.json
    # value sets saved here whole: in the package, no SNOMED part
    sel='NR > 1 && $3 != "" && $13 == "no" && index($14, "hl7-eu json")'
    oids=$(awk -F'\t' "$sel"' {print $1}' "$T/derived/mvc-value-sets.tsv")
    # shellcheck disable=SC2086
    $EPSOS catalogue info "$tmp/hl7.epcat" $oids >"$tmp/info" 2>&1
    awk -F'\t' 'NR == FNR { if (FNR > 1 && $3 != "" && $13 == "no" && index($14, "hl7-eu json")) want[$1] = $4; next }
                ($1 in want) { n++; if ($4 != want[$1]) { print "  " $1 ": " $4 " != " want[$1]; bad++ } }
                END { if (n < 25 || bad) exit 1 }' "$T/derived/mvc-value-sets.tsv" "$tmp/info" \
        && ok "hl7-eu concept counts equal the source counts" || bad "hl7-eu counts"
    expect 0 "full catalogue from every source kind" $EPSOS catalogue build -o "$tmp/full.epcat" \
        "$T"/openncp-svs-epsos-2011/*.xml "$T/derived/code-systems.tsv" \
        "$T"/hl7-eu-EHDSI-Terminology-package/ValueSet-*.json \
        "$CORPUS"/schematron/ehdsi-2024-04/include/voc-*.xml \
        "$T/derived/national-to-mvc-mappings.tsv" "$T/derived/designations-multilingual.tsv"
    # the raw Danish LMS files (cp850, fixed width): detected, or named
    L=$T/sundhedsdatastyrelsen-ehdsi
    expect 0 "catalogue build from the raw cp850 LMS files" $EPSOS catalogue build -o "$tmp/dk1.epcat" \
        "$L/lms22.txt" "$L/lms15.txt" "$T/derived/national-to-mvc-mappings.tsv"
    grep -q "concepts 972, mappings 57, designations 972" "$tmp/err" && ok "LMS counts" || bad "LMS counts: $(cat "$tmp/err")"
    expect 0 "the same with --encoding cp850" $EPSOS catalogue build -o "$tmp/dk2.epcat" \
        --encoding cp850 "$L/lms22.txt" "$L/lms15.txt" --encoding=auto "$T/derived/national-to-mvc-mappings.tsv"
    cmp -s "$tmp/dk1.epcat" "$tmp/dk2.epcat" && ok "detected = named encoding" || bad "the two builds differ"
    expect 2 "LMS read as UTF-8" $EPSOS catalogue build -o "$tmp/dk3.epcat" --encoding UTF-8 "$L/lms22.txt"
    grep -q "not valid UTF-8" "$tmp/err" && ok "says not valid UTF-8" || bad "message: $(cat "$tmp/err")"
    expect 2 "an unknown encoding" $EPSOS catalogue build -o "$tmp/dk3.epcat" --encoding nope "$L/lms22.txt"
    # ... and the Danish NCP's unit mappings (YAML): raw = derived
    expect 0 "catalogue build from the raw LMS files and YAML mappings" $EPSOS catalogue build \
        -o "$tmp/dk4.epcat" "$L/lms22.txt" "$L/lms15.txt" "$L/lmsPackageUnitToEhdsi.yml" \
        "$L/lmsSubstanceUnitToEhdsi.yml" "$CORPUS"/schematron/ehdsi-2024-04/include/voc-*42.16-*.xml
    grep -q "mappings 56," "$tmp/err" && ok "YAML mappings (57 derived rows less the LMS22 dummy)" \
        || bad "YAML counts: $(cat "$tmp/err")"
    grep -v "^LMS22" "$T/derived/national-to-mvc-mappings.tsv" >"$tmp/derived-units.tsv"
    expect 0 "the same from the derived table" $EPSOS catalogue build -o "$tmp/dk5.epcat" \
        "$L/lms22.txt" "$L/lms15.txt" "$tmp/derived-units.tsv" \
        "$CORPUS"/schematron/ehdsi-2024-04/include/voc-*42.16-*.xml
    # every LMS15 unit of the derived table as a dose unit: both catalogues transcode alike
    P=$CORPUS/samples/konateq-openncp/samples/9999001M_L3_pivot.xml
    units=$(awk -F'\t' 'NR > 1 && $1 ~ /^LMS15/ {print $2}' "$T/derived/national-to-mvc-mappings.tsv" | sort -u)
    "$PYTHON3" - "$P" "$tmp/units.xml" $units <<'PY' || bad "could not write the unit document"
import sys
src, out, units = sys.argv[1], sys.argv[2], sys.argv[3:]
t = open(src, encoding="utf-8").read()
a = '<doseQuantity nullFlavor="UNK" />'
i = t.index(a)
doses = "".join('<doseQuantity value="1" unit="%s"/>' % u for u in units[:1])
t = t[:i] + doses + t[i + len(a):]
# one medication per unit: repeat the first substanceAdministration entry
s = t.index("<entry", t.rindex("<section", 0, i))
e = t.index("</entry>", i) + len("</entry>")
entry = t[s:e]
more = "".join(entry.replace('unit="%s"' % units[0], 'unit="%s"' % u) for u in units[1:])
open(out, "w", encoding="utf-8").write(t[:e] + more + t[e:])
PY
    expect 1 "transcode the units (raw mappings; findings)" $EPSOS transcode --catalogue "$tmp/dk4.epcat" \
        --report json -o "$tmp/u4.xml" "$tmp/units.xml"
    cp "$tmp/out" "$tmp/r4"
    expect 1 "transcode the units (derived mappings; findings)" $EPSOS transcode --catalogue "$tmp/dk5.epcat" \
        --report json -o "$tmp/u5.xml" "$tmp/units.xml"
    cp "$tmp/out" "$tmp/r5"
    cmp -s "$tmp/u4.xml" "$tmp/u5.xml" && cmp -s "$tmp/r4" "$tmp/r5" && ok "raw and derived mappings transcode alike" \
        || bad "raw and derived mappings differ"
    grep -c 'unit="mL"' "$tmp/u4.xml" | grep -qv '^0$' && ok "LMS15 ML became mL" || bad "no mL in the output"
    for f in "$CORPUS"/samples/konateq-openncp/samples/*.xml; do
        [ -f "$f" ] || continue
        $EPSOS transcode --catalogue "$tmp/full.epcat" -o "$tmp/p.xml" "$f" >"$tmp/out" 2>"$tmp/err"
        [ $? -le 1 ] && ok "transcode $(basename "$f")" || bad "transcode $f: $(cat "$tmp/err")"
        $EPSOS translate --catalogue "$tmp/full.epcat" --lang sk-SK -o "$tmp/q.xml" "$tmp/p.xml" >"$tmp/out" 2>"$tmp/err"
        [ $? -le 1 ] && ok "translate $(basename "$f")" || bad "translate $f: $(cat "$tmp/err")"
    done
else
    echo "corpus not found: corpus checks skipped"
fi
exit $fail
