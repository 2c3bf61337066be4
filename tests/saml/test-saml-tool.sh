#!/bin/sh
# libepsos - tests of `epsos assertion` and `epsos idcheck` (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Signs the HCP and TRC assertions of tests/data/saml/header.xml with
# `epsos sign` (keys of tests/dsig/mkpki.sh), then checks what `epsos
# assertion` reads, verifies and decides; the same with the next-of-kin
# assertion of tests/data/saml/nok.xml added to the header; `epsos idcheck`
# with the profiles tests/data/saml/idprofile-*.tsv.
# Exit: 0 pass, 1 fail, 77 skip.

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl command"; exit 77; }

HCP=_6f1c2e0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b
TRC=_0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e
AT=1795520000      # 2026-11-24T11:33:20Z: inside both validity windows
tmp=$(mktemp -d "${TMPDIR:-/tmp}/epsos-saml.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
sh "$srcdir/dsig/mkpki.sh" "$tmp/pki" || { echo "FAIL: cannot make the test PKI"; exit 1; }
P=$tmp/pki

failures=0
checks=0
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }
# expect STATUS PATTERN-IN-OUTPUT ARGS...: run epsos, check exit status and output (stdout+stderr)
expect() {
    want=$1 pat=$2
    shift 2
    checks=$((checks + 1))
    $EPSOS "$@" >"$tmp/out" 2>&1
    got=$?
    [ "$got" = "$want" ] || { fail "epsos $* exited $got, expected $want"; cat "$tmp/out"; return; }
    grep -q -- "$pat" "$tmp/out" || { fail "epsos $*: no '$pat' in"; cat "$tmp/out"; }
}

$EPSOS sign --key "$P/rsa.key" --cert "$P/rsa.pem" --chain "$P/chain.pem" --id $HCP \
    -o "$tmp/h1.xml" "$srcdir/data/saml/header.xml" || { echo "FAIL: epsos sign (HCP)"; exit 1; }
$EPSOS sign --key "$P/ec.key" --cert "$P/ec.pem" --chain "$P/chain.pem" --id $TRC \
    -o "$tmp/h.xml" "$tmp/h1.xml" || { echo "FAIL: epsos sign (TRC)"; exit 1; }
T="--trust $P/trust.pem"

expect 0 "^permission: PRD-016$" assertion $T --at $AT --kind hcp "$tmp/h.xml"
expect 0 "^role: 221$" assertion $T --at $AT "$tmp/h.xml"
expect 0 "^subject-id: 1011649927^^^&1.2.208.176.1.2&ISO$" assertion $T --at $AT --kind trc "$tmp/h.xml"
expect 0 "^hcp-assertion-id: $HCP$" assertion $T --at $AT --kind trc "$tmp/h.xml"
expect 0 "^access: allowed$" assertion $T --at $AT --kind hcp --access ps "$tmp/h.xml"
expect 0 "^access: allowed$" assertion $T --at $AT --kind trc --access identify "$tmp/h.xml"
expect 1 "missing permission PRD-004" assertion $T --at $AT --access ep "$tmp/h.xml"
expect 1 "PPD-046" assertion $T --at $AT --access ed-submit "$tmp/h.xml"
# the TRC expires at 12:05, the HCP at 14:00 (+60 s skew)
expect 1 "expired" assertion $T --at 1795529000 --kind trc "$tmp/h.xml"
expect 0 "^verdict: ok$" assertion $T --at 1795528000 --kind hcp "$tmp/h.xml"
expect 1 "trc-required" assertion $T --at 1795528000 --kind hcp --access ps "$tmp/h.xml"
expect 1 "not-yet-valid" assertion $T --at 1795514000 --kind hcp "$tmp/h.xml"
expect 0 "^verdict: ok$" assertion $T --at 1795514000 --skew 600 --kind hcp "$tmp/h.xml"
# tampering with a signed attribute
sed 's/>Copenhagen</>Stockholm</' "$tmp/h.xml" > "$tmp/t.xml"
expect 1 "bad-signature: signature: digest-mismatch" assertion $T --at $AT --kind hcp "$tmp/t.xml"
# a TRC bound to another HCP assertion, correctly signed
sed "s/<saml2:AssertionIDRef>$HCP/<saml2:AssertionIDRef>_other/" "$srcdir/data/saml/header.xml" > "$tmp/o.xml"
C="--key $P/rsa.key --cert $P/rsa.pem --chain $P/chain.pem"
$EPSOS sign $C --id $HCP -o "$tmp/o1.xml" "$tmp/o.xml" &&
$EPSOS sign $C --id $TRC -o "$tmp/o2.xml" "$tmp/o1.xml" ||
    fail "epsos sign (other binding)"
expect 1 "trc-not-bound" assertion $T --at $AT --access ps "$tmp/o2.xml"
# a signer outside the trust store
expect 1 "cert-untrusted" assertion --trust "$P/evilca.pem" --at $AT "$tmp/h.xml"
# usage
expect 2 "unknown transaction" assertion $T --access everything "$tmp/h.xml"
expect 2 "at least one --trust" assertion "$tmp/h.xml"
expect 0 "Usage: epsos assertion" assertion --help
# a next-of-kin assertion in the header, bound to the HCP assertion
NOK=_5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a
# insert_nok SRC NOKFILE OUT: the NoK assertion after the opening of wsse:Security
insert_nok() { sed "/<wsse:Security /r $2" "$1" > "$3"; }
insert_nok "$tmp/h.xml" "$srcdir/data/saml/nok.xml" "$tmp/n0.xml"
$EPSOS sign $C --id $NOK -o "$tmp/n.xml" "$tmp/n0.xml" || fail "epsos sign (NoK)"
expect 0 "^kind: nok$" assertion $T --at $AT --kind nok "$tmp/n.xml"
expect 0 "^nok-relationship: MTH$" assertion $T --at $AT --kind nok "$tmp/n.xml"
expect 0 "^nok-birth-date: 1948-12-25$" assertion $T --at $AT --kind nok "$tmp/n.xml"
expect 0 "^hcp-assertion-id: $HCP$" assertion $T --at $AT --kind nok "$tmp/n.xml"
expect 0 "^access: allowed$" assertion $T --at $AT --kind hcp --access ps "$tmp/n.xml"
expect 0 "^access: allowed$" assertion $T --at $AT --kind nok --access ps "$tmp/n.xml"
# the NoK expires at 12:30 (+60 s skew), the TRC at 12:05
expect 1 "expired" assertion $T --at 1795526000 --kind nok "$tmp/n.xml"
# an unsigned NoK: denied, not ignored
expect 1 "next-of-kin assertion is not a verified NoK" assertion $T --at $AT --kind hcp --access ps "$tmp/n0.xml"
# a NoK for another patient, and one bound to another HCP assertion, correctly signed
sed 's/>1011649927^^^/>2222222222^^^/' "$srcdir/data/saml/nok.xml" > "$tmp/nok-p.xml"
insert_nok "$tmp/h.xml" "$tmp/nok-p.xml" "$tmp/p0.xml"
$EPSOS sign $C --id $NOK -o "$tmp/p.xml" "$tmp/p0.xml" || fail "epsos sign (NoK, other patient)"
expect 1 "patient-mismatch" assertion $T --at $AT --access ep --kind hcp "$tmp/p.xml"
sed "s/>$HCP</>_other</" "$srcdir/data/saml/nok.xml" > "$tmp/nok-b.xml"
insert_nok "$tmp/h.xml" "$tmp/nok-b.xml" "$tmp/b0.xml"
$EPSOS sign $C --id $NOK -o "$tmp/b.xml" "$tmp/b0.xml" || fail "epsos sign (NoK, other HCP)"
expect 1 "nok-not-bound" assertion $T --at $AT --access identify "$tmp/b.xml"
expect 2 "hcp, trc or nok" assertion $T --kind patient "$tmp/n.xml"

# epsos idcheck
D=$srcdir/data/saml
expect 0 "DK: the query matches" idcheck --profile "$D/idprofile-dk.tsv" --id 1.2.208.176.1.2=0201909309
expect 1 "^missing identifier: identifier of assigning authority 1.2.208.176.1.2 (CPR number) is required by DK" \
    idcheck --profile "$D/idprofile-dk.tsv" --given-name Karen
expect 1 "^bad-format identifier: identifier 02019 of 1.2.208.176.1.2" \
    idcheck --profile "$D/idprofile-dk.tsv" --id=1.2.208.176.1.2=02019
expect 0 "LU: the query matches" idcheck --profile "$D/idprofile-lu.tsv" --id 1.3.182.2.4.2=3843082788 --birth-date 19681015
expect 1 "^missing birth-date: birth date is required by LU" idcheck --profile "$D/idprofile-lu.tsv" --id 1.3.182.4.4=1968101545978
expect 1 "^extra street" idcheck --profile "$D/idprofile-lu.tsv" --id 1.3.182.4.4=1968101545978 --birth-date 19681015 --street "Rue 1"
expect 1 "^missing gender" idcheck --profile "$D/idprofile-it.tsv" --id 2.16.840.1.113883.2.9.4.3.2=NTSTNT80A31L219O \
    --given-name Tonio --family-name Testa --birth-date 19800131
expect 2 "unknown option '--eye-colour'" idcheck --profile "$D/idprofile-dk.tsv" --eye-colour blue
expect 2 "is not an OID" idcheck --profile "$D/idprofile-dk.tsv" --id cpr=0201909309
expect 2 "give --profile" idcheck --id 1.2.208.176.1.2=0201909309
printf 'epsos-idprofile\t1\ncountry\tDK\nidentifier\t1.2.3\tsometimes\n' > "$tmp/bad.tsv"
expect 2 "line 3: identifier: use \"sometimes\"" idcheck --profile "$tmp/bad.tsv"
expect 0 "Usage: epsos idcheck" idcheck --help

# xmlsec1 agrees on both signatures of the header
if command -v xmlsec1 >/dev/null 2>&1; then
    # xmlsec1 verifies the first signature it finds: one signed assertion a file
    $EPSOS sign --key "$P/ec.key" --cert "$P/ec.pem" --chain "$P/chain.pem" --id $TRC \
        -o "$tmp/t1.xml" "$srcdir/data/saml/header.xml" || fail "epsos sign (TRC alone)"
    for f in h1 t1; do
        checks=$((checks + 1))
        xmlsec1 --verify --trusted-pem "$P/trust.pem" \
            --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion "$tmp/$f.xml" >/dev/null 2>&1 ||
            fail "xmlsec1 rejects the signature of $f.xml"
    done
    checks=$((checks + 1))
    xmlsec1 --verify --trusted-pem "$P/trust.pem" \
        --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion "$tmp/t.xml" >/dev/null 2>&1 &&
        fail "xmlsec1 accepts the tampered assertion"
fi

echo "$checks checks, $failures failures"
[ "$failures" = 0 ]
