#!/bin/sh
# libepsos - runs the C examples and checks what they print and write.
# SPDX-License-Identifier: MIT
#
# make check runs it in the build directory's examples/; CI runs it once
# more on the examples compiled against the installed library
# (debian/tests/build-example):
#   srcdir=DIR        examples/ of the source tree (the data files)
#   EXAMPLES_BIN=DIR  where the example programs are (default .)
#   EPSOS_TEST_WRAPPER='valgrind --error-exitcode=99 ...' runs each under it
#   EXAMPLES_RUNNER='CMD...'  runs "CMD... PROGRAM ARGS" instead of the C
#                     programs: the Python and Java bindings do the same tasks
#                     with the same output (tests/ffi/python.sh, java.sh)
#   OPENSSL           the openssl command that makes the keys of sign-verify
# Exit 0 pass, 1 fail.
set -u
srcdir=${srcdir:-.}
data=$srcdir/data
bin=${EXAMPLES_BIN:-.}
OPENSSL=${OPENSSL:-openssl}
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libepsos-examples.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

# run NAME ARGS...: the example under the wrapper, stdout in $tmp/out,
# stderr in $tmp/err; the exit status is returned.
run() {
    prog=$1
    shift
    if [ -n "${EXAMPLES_RUNNER:-}" ]; then
        # shellcheck disable=SC2086 # a command and its arguments
        $EXAMPLES_RUNNER "$prog" "$@" > "$tmp/out" 2> "$tmp/err"
    else
        ${EPSOS_TEST_WRAPPER:-} "$bin/$prog" "$@" > "$tmp/out" 2> "$tmp/err"
    fi
}
bad() { echo "FAIL: $*"; fail=1; }
# expect_status WANT GOT WHAT
expect_status() {
    [ "$2" -eq "$1" ] || { bad "$3: exit $2, not $1"; sed 's/^/  | /' "$tmp/out" "$tmp/err"; }
}
# has FILE TEXT: FILE contains the fixed string TEXT.
has() { grep -qF -- "$2" "$1" || bad "$(basename "$1") lacks: $2"; }
# flat FILE: the XML on one line, white space between elements removed.
flat() { tr -d '\n' < "$1" | sed -e 's/>[[:space:]]*</></g'; }

# --- read-header, build-header -------------------------------------------
run read-header "$data/ps-sample.xml"; expect_status 0 $? read-header
has "$tmp/out" 'PS, eHDSI generation): Patient Summary'
has "$tmp/out" 'patient: Maria Inês Exemplo Ficção, born 19700512'
run read-header "$tmp/nonexistent.xml"; expect_status 2 $? "read-header on a missing file"
run build-header "$tmp/header.xml"; expect_status 0 $? build-header
run read-header "$tmp/header.xml"; expect_status 0 $? "read-header on build-header's output"
has "$tmp/out" 'patient: Jan Novák, born 19800229'
has "$tmp/out" 'author: Dvořák'

# --- build-ps: a complete PS, narrative generated ---------------------------
run build-ps "$tmp/ps.xml"; expect_status 0 $? build-ps
has "$tmp/err" 'refused as expected: a Patient Summary needs a surgeries section'
has "$tmp/err" 'validation: 0 errors'
ps=$tmp/ps.xml
has "$ps" '<code code="J01CA04" codeSystem="2.16.840.1.113883.6.73" displayName="amoxicillin"/>'
has "$ps" 'code="C10AA05"'
has "$ps" 'code="E78.0"'
has "$ps" 'code="no-known-procedures"'
# the narrative: a row per entry, the entry pointing at it
has "$ps" '<tr ID="allergy-1">'
has "$ps" '<reference value="#allergy-1"/>'
has "$ps" '<td>amoxicillin</td>'
has "$ps" '<td>Atorvastatin Example 20 mg</td>'
has "$ps" '<td>Pure hypercholesterolaemia</td>'
run read-header "$ps"; expect_status 0 $? "read-header on build-ps's output"
has "$tmp/out" '(PS, eHDSI generation): Patient Summary'
has "$tmp/out" 'patient: Jan Novák, born 19800229'
has "$tmp/out" 'author: Eva Dvořáková'
run build-ps; expect_status 0 $? "build-ps to stdout"
tail -n 1 "$tmp/out" | grep -q '</ClinicalDocument>' || bad "build-ps: no document on stdout"
run build-ps "$tmp/no/such/dir/ps.xml"; expect_status 2 $? "build-ps to an unwritable path"

# --- read-ep: the foreign eP for the pharmacist ----------------------------
run read-ep "$data/ep-sample.xml"; expect_status 0 $? read-ep
o=$tmp/out
has "$o" 'ePrescription 2.999.1.42.7^EP-2026-0001 (eHDSI generation)'
has "$o" 'patient:    Maria Inês Exemplo Ficção, born 1970-05-12, id 2.999.1.42.1^PT-0042'
has "$o" 'prescriber: João Médico, Centro de Saúde Exemplo, prescribed 2026-11-24'
has "$o" 'prescription item 2.999.1.42.10^RX-2026-0042.1'
has "$o" 'product:       Atorvastatina Exemplo 20 mg'
has "$o" 'ATC:           C10AA05 (atorvastatin)'
has "$o" 'strength:      atorvastatin 20 mg per 1'
has "$o" 'dose form:     Film-coated tablet'
has "$o" 'package:       Blister of 30'
has "$o" 'dispense:      2 package(s)'
has "$o" 'dose:          1'
has "$o" 'frequency:     every 24 h'
has "$o" 'route:         Oral use'
has "$o" 'treatment:     2026-11-24 to 2027-01-24'
has "$o" 'substitution:  NOT allowed'
has "$o" 'instructions:  One tablet in the evening.'
has "$o" 'to pharmacist: Brand prescribed on purpose: do not substitute.'
run read-ep "$data/ps-sample.xml"; expect_status 1 $? "read-ep on a PS"
has "$tmp/err" 'a PS document, not an ePrescription'
run read-ep "$tmp/nonexistent.xml"; expect_status 2 $? "read-ep on a missing file"
# A legacy (epSOS generation) eP of the corpus, when there is one: the same
# program reads it through the same fields.
corpus=${EPSOS_CORPUS:-$srcdir/../../shared/corpus}
legacy=$corpus/samples/khypponen-openncp/schPassed/ePrescription-pivot.xml
if [ -f "$legacy" ]; then
    run read-ep "$legacy"; expect_status 0 $? "read-ep on $legacy"
    has "$tmp/out" '(epSOS generation)'
    has "$tmp/out" 'product:       LANTUS'
    has "$tmp/out" 'strength:      insulin glargine 100 U per 1 mL'
else
    echo "read-ep: no corpus at $corpus, legacy eP not read"
fi

# --- dispense: the eD against the eP, over-dispensing refused -------------
run dispense "$data/ep-sample.xml" "$tmp/ed.xml"; expect_status 0 $? dispense
has "$tmp/out" 'refused as expected: dispensed quantity 3 exceeds the 2 package(s) prescribed'
has "$tmp/out" 'refused as expected: substitution recorded but the prescription forbids it'
has "$tmp/out" 'dispensed 1 package(s) of Atorvastatina Exemplo 20 mg against 2.999.1.42.10^RX-2026-0042.1'
ed=$tmp/ed.xml
# the eD refers to the prescription item twice: the order it fulfils and
# the dispensation's reference; the dispensed quantity is 1 package
flat "$ed" > "$tmp/ed.flat"
has "$tmp/ed.flat" '<inFulfillmentOf><order moodCode="RQO"><id root="2.999.1.42.10" extension="RX-2026-0042.1"/></order></inFulfillmentOf>'
[ "$(grep -o 'root="2.999.1.42.10" extension="RX-2026-0042.1"' "$ed" | wc -l)" -ge 2 ] ||
    bad "the eD does not refer to the prescription item twice"
has "$tmp/ed.flat" '<quantity value="1" unit="1"/>'
has "$ed" 'Atorvastatina Exemplo 20 mg'
has "$ed" '<family>Ficção</family>'
run read-header "$ed"; expect_status 0 $? "read-header on the eD"
has "$tmp/out" '(eD, eHDSI generation)'
has "$tmp/out" 'patient: Maria Inês Exemplo Ficção, born 19700512'
has "$tmp/out" 'author: Sophie Apothekerin'
run dispense "$data/ep-sample.xml" "$tmp/ed2.xml" 2; expect_status 0 $? "dispense 2 packages"
has "$tmp/out" 'dispensed 2 package(s)'
run dispense "$data/ep-sample.xml" "$tmp/ed3.xml" 3; expect_status 1 $? "dispense 3 of 2 packages"
has "$tmp/err" 'refused: dispensed quantity 3 exceeds the 2 package(s) prescribed'
[ ! -e "$tmp/ed3.xml" ] || bad "dispense wrote an eD it refused"
run dispense "$data/ps-sample.xml" "$tmp/ed4.xml"; expect_status 1 $? "dispense against a PS"
run dispense "$tmp/nonexistent.xml" "$tmp/ed5.xml"; expect_status 2 $? "dispense on a missing file"

# --- transcode: national codes to the MVC, then German ---------------------
tsv="$data/national.tsv $data/mvc.tsv $data/designations.tsv"
# shellcheck disable=SC2086 # $tsv is a list of files without blanks in their names
run transcode "$data/ps-national.xml" "$tmp/mvc.xml" $tsv; expect_status 0 $? transcode
has "$tmp/out" 'gender before: 2.999.1.42.51|1 (muž)'
has "$tmp/out" 'gender after: 2.16.840.1.113883.5.1|M (Male), translation 2.999.1.42.51|1 (muž)'
has "$tmp/out" 'no-mapping: 2.999.1.42.56|KOPR has no mapping into value set 1.3.6.1.4.1.12559.11.10.1.3.1.42.11'
grep -Eq '^transcoded: [0-9]+ coded values visited, 5 transcoded, [0-9]+ findings$' "$tmp/out" ||
    bad "transcode: not 5 values transcoded"
flat "$tmp/mvc.xml" > "$tmp/mvc.flat"
# each MVC code keeps the national one as its translation
has "$tmp/mvc.flat" '<pharm:formCode code="10219000" codeSystem="0.4.0.127.0.16.1.1.2.1" displayName="Tablet"><translation code="TBL" codeSystem="2.999.1.42.54" displayName="tableta"/></pharm:formCode>'
has "$tmp/mvc.flat" '<routeCode code="20053000" codeSystem="0.4.0.127.0.16.1.1.2.1" displayName="Oral use"><translation code="POR" codeSystem="2.999.1.42.55" displayName="perorální podání"/></routeCode>'
has "$tmp/mvc.flat" 'code="E78.0" codeSystem="1.3.6.1.4.1.12559.11.10.1.3.1.44.2" displayName="Pure hypercholesterolaemia"><translation code="E780" codeSystem="2.999.1.42.52"'
has "$tmp/mvc.flat" '<code code="J01CA04" codeSystem="2.16.840.1.113883.6.73" displayName="amoxicillin"><translation code="0012345" codeSystem="2.999.1.42.53" displayName="amoxicilin"/></code>'
# the unmapped code stays as it was
has "$tmp/mvc.flat" 'code="KOPR" codeSystem="2.999.1.42.56" displayName="kopřivka"/>'
run read-header "$tmp/mvc.xml"; expect_status 0 $? "read-header on the transcoded PS"
# shellcheck disable=SC2086
run transcode --lang de-DE "$data/ps-national.xml" "$tmp/de.xml" $tsv; expect_status 0 $? "transcode --lang de-DE"
has "$tmp/out" 'gender translated: 2.16.840.1.113883.5.1|M (Männlich), translation 2.999.1.42.51|1 (muž), translation 2.16.840.1.113883.5.1|M (Male)'
grep -Eq '^translated: [0-9]+ coded values visited, 4 translated' "$tmp/out" || bad "transcode: not 4 values translated"
flat "$tmp/de.xml" > "$tmp/de.flat"
has "$tmp/de.flat" '<pharm:formCode code="10219000" codeSystem="0.4.0.127.0.16.1.1.2.1" displayName="Tablette"><translation code="TBL" codeSystem="2.999.1.42.54" displayName="tableta"/><translation code="10219000" codeSystem="0.4.0.127.0.16.1.1.2.1" displayName="Tablet"/></pharm:formCode>'
# strict: the unmapped reaction is required: refused, nothing written
# shellcheck disable=SC2086
run transcode --strict "$data/ps-national.xml" "$tmp/strict.xml" $tsv; expect_status 1 $? "transcode --strict"
has "$tmp/err" 'refused: transcoding: a required coded element has a terminology finding'
[ ! -e "$tmp/strict.xml" ] || bad "transcode --strict wrote a refused document"
run transcode "$data/ps-national.xml" "$tmp/x.xml" "$tmp/nonexistent.tsv"; expect_status 2 $? "transcode with a missing source"
run transcode "$tmp/nonexistent.xml" "$tmp/x.xml" "$data/national.tsv"; expect_status 2 $? "transcode on a missing document"

# --- sign-verify: keys made here with openssl, never stored ------------------
if command -v "$OPENSSL" > /dev/null 2>&1; then
    pki=$tmp/pki
    mkdir "$pki"
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > "$pki/leaf.cnf"
    # the trust anchor of the receiving country, the signing NCP's key and
    # certificate, and a CA nobody trusts
    if {
       "$OPENSSL" req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/trust.pem" \
           -days 2 -subj "/C=AT/O=libepsos examples/CN=Example Root CA" \
           -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
       "$OPENSSL" req -newkey rsa:2048 -nodes -keyout "$pki/ncp.key" -out "$pki/ncp.csr" \
           -subj "/C=AT/O=libepsos examples/CN=ncp-a.example" &&
       "$OPENSSL" x509 -req -in "$pki/ncp.csr" -CA "$pki/trust.pem" -CAkey "$pki/ca.key" -set_serial 7 \
           -days 2 -extfile "$pki/leaf.cnf" -out "$pki/ncp.pem" &&
       "$OPENSSL" req -x509 -newkey rsa:2048 -nodes -keyout "$pki/other.key" -out "$pki/other.pem" \
           -days 2 -subj "/C=AT/O=libepsos examples/CN=Example Root CA"
    } > "$pki/openssl.log" 2>&1
    then
        run sign-verify sign "$pki/ncp.key" "$pki/ncp.pem" "$tmp/hcp.xml"; expect_status 0 $? "sign-verify sign"
        has "$tmp/err" 'refused as expected: assertion builder: permission "read everything"'
        has "$tmp/hcp.xml" '<saml2:Issuer NameQualifier="urn:ehdsi:assertions:hcp">urn:idp:AT:countryA</saml2:Issuer><ds:Signature'
        run sign-verify verify "$pki/trust.pem" "$tmp/hcp.xml"; expect_status 0 $? "sign-verify verify"
        has "$tmp/out" 'valid: assertion _'
        has "$tmp/out" ': Dr. Anna Beispiel, Medical Doctors, Landesklinikum Beispiel'
        has "$tmp/out" 'permissions: PRD-006 PRD-003 PRD-005 PRD-010 PRD-016'
        has "$tmp/out" 'identify patient: allowed'
        has "$tmp/out" 'submit eDispensation: trc-required'
        # one byte changed in the signed content: the digest no longer matches
        sed 's/Anna Beispiel/Anna Beispiem/' "$tmp/hcp.xml" > "$tmp/tampered.xml"
        [ "$(cmp -l "$tmp/hcp.xml" "$tmp/tampered.xml" | wc -l)" -eq 1 ] || bad "tampering changed not one byte"
        run sign-verify verify "$pki/trust.pem" "$tmp/tampered.xml"; expect_status 1 $? "verify a tampered assertion"
        has "$tmp/out" 'NOT valid: bad-signature: signature: digest-mismatch'
        # the right signature, but a trust store without its CA
        run sign-verify verify "$pki/other.pem" "$tmp/hcp.xml"; expect_status 1 $? "verify against another CA"
        has "$tmp/out" 'NOT valid: bad-signature: signature: cert-untrusted'
        run sign-verify verify "$pki/trust.pem" "$tmp/nonexistent.xml"; expect_status 2 $? "verify a missing file"
        run sign-verify sign "$pki/ncp.key" "$pki/other.pem" "$tmp/x.xml"; expect_status 2 $? "sign with a certificate of another key"
        run sign-verify; expect_status 2 $? "sign-verify without arguments"
    else
        bad "could not make the example keys with $OPENSSL"
        cat "$pki/openssl.log"
    fi
else
    bad "the openssl command ($OPENSSL) is needed to make the keys of sign-verify"
fi

[ $fail -eq 0 ] && echo "examples: all checks passed"
exit $fail
