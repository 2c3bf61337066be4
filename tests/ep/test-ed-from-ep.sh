#!/bin/sh
# libepsos - epsos ed-from-ep on corpus ePrescriptions (automake TESTS script).
# SPDX-License-Identifier: MIT
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh
# (srcdir, EPSOS, EPSOS_CORPUS, EPSOS_TEST_WRAPPER).
. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
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
# without --pharmacy the eD is a draft, and the command says so (once)
[ "$(grep -c 'draft: .*use --pharmacy to complete' "$tmp/err")" -eq 1 ] ||
    { echo "FAIL: no draft note on stderr"; cat "$tmp/err"; fail=1; }
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
# bad prescriptions (the eP edited): a number of packages that is not a
# number, has an unknown unit or is negative, a missing product: refused
# (exit 1) with the reason and the XPath, nothing written
for bad in 's/<quantity unit="1" value="5" \/>/<quantity unit="1" value="five" \/>/:"five" is not a number' \
           's/<quantity unit="1" value="5" \/>/<quantity unit="furlong" value="5" \/>/:unit "furlong"' \
           's/<quantity unit="1" value="5" \/>/<quantity unit="1" value="-5" \/>/:expected a positive number' \
           '/<consumable typeCode="CSM">/,/<\/consumable>/d:no product'; do
    sc=${bad%%:*}; msg=${bad#*:}
    sed "$sc" "$EP" >"$tmp/bad-ep.xml"
    cmp -s "$EP" "$tmp/bad-ep.xml" && { echo "FAIL: '$sc' changed nothing"; fail=1; }
    rm -f "$tmp/bad.xml"
    # shellcheck disable=SC2086
    check 1 "prescription refused: $msg" $EPSOS ed-from-ep --quantity 1 "$tmp/bad-ep.xml" -o "$tmp/bad.xml"
    grep -qF "$msg" "$tmp/err" || { echo "FAIL: message lacks '$msg'"; cat "$tmp/err"; fail=1; }
    grep -q "substanceAdministration" "$tmp/err" || { echo "FAIL: no XPath"; fail=1; }
    [ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
done
# a dispensed quantity with a unit is not a number of packages
rm -f "$tmp/bad.xml"
# shellcheck disable=SC2086
check 1 "quantity with a unit refused" $EPSOS ed-from-ep --quantity "2 mg" "$EP" -o "$tmp/bad.xml"
grep -q "not a number" "$tmp/err" || { echo "FAIL: message lacks 'not a number'"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
# --pharmacy: the dispensing side (author with organization, custodian,
# legal authenticator, language, confidentiality; dispenser = the author)
# completes the eD: XSD-valid and Schematron-clean.  Sources: the corpus
# L3 eP samples whose own Schematron errors (ehdsi-validate --kind ep, checked
# when this test was written) all lie outside what an eD takes from them:
#   1-1234-W8.xml   1 error  (eP legalAuthenticator without name)
#   1-NO-PDF.xml    1 error  (eP consumable/manufacturedProduct without the
#                             eH.3.29 templateId: the eD writes it)
#   X-XXXX.xml      6 errors (eP header times without zone, the RQO supply)
#   AT ep.xml       2 errors (eP product templateId, an effectiveTime flavor)
# No L3 eP of the corpus is Schematron-clean itself; the others carry into the
# eD what an eD may not have (a gender translation without code, a strength
# without value: refused by the library's check, exit 1; legacy dose-form
# codes outside the current value sets).
PHARM=$srcdir/data/ep/pharmacy.json
[ -f "$PHARM" ] || { echo "FAIL: no $PHARM"; exit 1; }
if [ -n "${EPSOS_SHARED:-}" ]; then shared=$EPSOS_SHARED
else shared=$CORPUS/..; fi
XSD=$CORPUS/schema/konateq-openncp/CDA_Pharma.xsd
outs=""
n=0
for src in konateq-openncp/epstore/1-1234-W8.xml konateq-openncp/epstore/1-NO-PDF.xml \
           konateq-openncp/epstore/X-XXXX.xml ncp-docker-dev-AT-eHDSI_ehealth/ep/ep.xml; do
    n=$((n + 1))
    [ -f "$CORPUS/samples/$src" ] || { echo "FAIL: corpus file $src missing"; fail=1; continue; }
    out=$tmp/complete-$n.xml
    # shellcheck disable=SC2086
    check 0 "--pharmacy: $src" $EPSOS ed-from-ep --quantity 1 --pharmacy "@$PHARM" \
        "$CORPUS/samples/$src" -o "$out"
    [ -f "$out" ] || continue
    outs="$outs $out"
    ! grep -q 'draft' "$tmp/err" || { echo "FAIL: $src: still called a draft"; fail=1; }
    # the author is the pharmacist, and the dispenser (performer) too
    [ "$(grep -c '<family>Examplepharm</family>' "$out")" -eq 3 ] ||
        { echo "FAIL: $src: author, legal authenticator, dispenser"; fail=1; }
    grep -q '<performer typeCode="PRF">' "$out" || { echo "FAIL: $src: no performer"; fail=1; }
    grep -q 'Example National Contact Point' "$out" || { echo "FAIL: $src: no custodian"; fail=1; }
    grep -q '<languageCode code="en-GB"/>' "$out" || { echo "FAIL: $src: no language"; fail=1; }
    if command -v xmllint >/dev/null 2>&1 && [ -f "$XSD" ]; then
        xmllint --noout --schema "$XSD" "$out" >"$tmp/xsd" 2>&1 ||
            { echo "FAIL: $src: eD not XSD-valid"; grep -v 'parser warning\|Skipping' "$tmp/xsd"; fail=1; }
    else
        echo "xmllint or $XSD missing: XSD check not run"
    fi
done
# the defaults: no language, no confidentiality in the JSON -> en-GB, N
grep -v '^  "language"\|^  "confidentiality"' "$PHARM" >"$tmp/defaults.json"
cmp -s "$PHARM" "$tmp/defaults.json" && { echo "FAIL: defaults.json unchanged"; fail=1; }
# shellcheck disable=SC2086
check 0 "--pharmacy: defaults" $EPSOS ed-from-ep --quantity 1 --pharmacy "@$tmp/defaults.json" \
    "$EP" -o "$tmp/defaults.xml"
grep -q '<confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"' "$tmp/defaults.xml" ||
    { echo "FAIL: default confidentiality"; fail=1; }
grep -q '<languageCode code="en-GB"/>' "$tmp/defaults.xml" || { echo "FAIL: default language"; fail=1; }
outs="$outs $tmp/defaults.xml"
# a dispenser of its own (the "dispenser" member, as in a dispensation)
D='{"dispenser": {"id": [{"root": "2.999.4711.9", "extension": "D-1"}], "address": [{"city": "Sampletown", "country": "BE"}], "telecom": [{"value": "tel:+3200000009", "use": "WP"}], "name": {"given": ["Sam"], "family": ["Dispenser"]}},'
sed "1s/^{/$D/" "$PHARM" >"$tmp/dispenser.json"
# shellcheck disable=SC2086
check 0 "--pharmacy: own dispenser" $EPSOS ed-from-ep --quantity 1 --pharmacy "@$tmp/dispenser.json" \
    "$EP" -o "$tmp/dispenser.xml"
if [ "$(grep -c '<family>Dispenser</family>' "$tmp/dispenser.xml")" -ne 1 ] ||
   [ "$(grep -c '<family>Examplepharm</family>' "$tmp/dispenser.xml")" -ne 2 ]; then
    echo "FAIL: own dispenser not used"; fail=1
fi
outs="$outs $tmp/dispenser.xml"
# one Schematron run (one JVM) over every eD completed above
if [ ! -x "$shared/tools/schematron/ehdsi-validate" ]; then
    echo "no $shared/tools/schematron/ehdsi-validate: Schematron check not run"
elif command -v java >/dev/null 2>&1 && [ -f "${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}" ]; then
    # shellcheck disable=SC2086
    if "$shared/tools/schematron/ehdsi-validate" --kind ed -q --no-info $outs >"$tmp/sch" 2>&1; then
        echo "ok: $(echo $outs | wc -w) completed eDs: 0 Schematron errors"
    else
        echo "FAIL: completed eDs are not Schematron-clean:"; cat "$tmp/sch"; fail=1
    fi
else
    echo "java or Saxon-HE missing: Schematron check not run"
fi
# what is missing is refused (exit 1) with the library's message and the
# place, and nothing is written
noauthor() { # the pharmacy JSON without its "author" member
    sed '/^  "author": \[{$/,/^  }\],$/d' "$PHARM"
}
noauthor >"$tmp/noauthor.json"
grep -q '"author"' "$tmp/noauthor.json" && { echo "FAIL: noauthor.json has an author"; fail=1; }
grep -q '"custodian"' "$tmp/noauthor.json" || { echo "FAIL: noauthor.json lost the custodian"; fail=1; }
rm -f "$tmp/bad.xml"
# shellcheck disable=SC2086
check 1 "--pharmacy without author" $EPSOS ed-from-ep --pharmacy "@$tmp/noauthor.json" "$EP" -o "$tmp/bad.xml"
grep -q 'no author.*hl7:ClinicalDocument/hl7:author' "$tmp/err" || { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
sed "1s/^{/$D/" "$tmp/noauthor.json" >"$tmp/noauthor-d.json"
# shellcheck disable=SC2086
check 1 "--pharmacy without author, with a dispenser" $EPSOS ed-from-ep --pharmacy "@$tmp/noauthor-d.json" \
    "$EP" -o "$tmp/bad.xml"
grep -q 'header author: author has 0 occurrences.*(/hl7:ClinicalDocument\[1\])' "$tmp/err" ||
    { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
sed '/^  "legal_authenticator": {$/,/^  }$/d; s/^  },$/  }/' "$PHARM" >"$tmp/nola.json"
# shellcheck disable=SC2086
check 1 "--pharmacy without legal authenticator" $EPSOS ed-from-ep --pharmacy "@$tmp/nola.json" \
    "$EP" -o "$tmp/bad.xml"
grep -q 'legal_authenticator.*legalAuthenticator' "$tmp/err" || { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
# shellcheck disable=SC2086
check 1 "--pharmacy: dispenser without address" $EPSOS ed-from-ep \
    --pharmacy '{"dispenser": {"id": [{"root": "2.999.1"}], "telecom": [{"value": "tel:+1"}]}}' \
    "$EP" -o "$tmp/bad.xml"
grep -q 'dispenser has 0 address.*hl7:supply/hl7:performer' "$tmp/err" || { echo "FAIL: message"; cat "$tmp/err"; fail=1; }
[ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
# usage errors (exit 2): not an object, a field of the prescription side,
# a field that is not one, an unreadable file
for bad in '[1]:expected a JSON object' '{"patient": {}}:not given by the pharmacy' \
           '{"no_such_field": 1}:not a field' '{"author": [1]:not a JSON' \
           "@$tmp/none.json:cannot read"; do
    j=${bad%:*}; msg=${bad##*:}
    # shellcheck disable=SC2086
    check 2 "--pharmacy refused: $j" $EPSOS ed-from-ep --pharmacy "$j" "$EP" -o "$tmp/bad.xml"
    grep -q "$msg" "$tmp/err" || { echo "FAIL: message lacks '$msg'"; cat "$tmp/err"; fail=1; }
    [ ! -e "$tmp/bad.xml" ] || { echo "FAIL: written although refused"; fail=1; }
done
exit $fail
