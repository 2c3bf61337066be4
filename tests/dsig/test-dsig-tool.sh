#!/bin/sh
# libepsos - tests of `epsos sign` and `epsos verify` (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Exit: 0 pass, 1 fail, 77 skip.  Environment as tests/tool/test-tool.sh:
# srcdir, EPSOS (the tool), EPSOS_CORPUS, EPSOS_TEST_WRAPPER.

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
DATA=$srcdir/data/dsig
HCP=_hcp-5b1d7c2e-1f4a-4c1e-9d3a-2b7f3a0c9e11
TRC=_trc-0c6f2d4a-8e3b-4b5f-a1d2-7e9c3b5a1f20

command -v openssl >/dev/null 2>&1 || { echo "SKIP: no openssl command"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/epsos-dsig.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
sh "$srcdir/dsig/mkpki.sh" "$tmp/pki" || { echo "FAIL: cannot make the test PKI"; exit 1; }
P=$tmp/pki

failures=0
checks=0
fail() { failures=$((failures + 1)); echo "FAIL: $*"; }

# run EXPECTED DESCRIPTION ARGS...: stdout in $tmp/out, stderr in $tmp/err
run() {
    want=$1; what=$2; shift 2
    checks=$((checks + 1))
    # shellcheck disable=SC2086
    $EPSOS "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "$what: exit $got, expected $want"
        sed 's/^/  stderr: /' "$tmp/err" | head -5
        return 1
    fi
    return 0
}

expect_err() {   # expect_err DESCRIPTION PATTERN
    checks=$((checks + 1))
    grep -q -- "$2" "$tmp/err" || { fail "$1: stderr lacks '$2'"; sed 's/^/  stderr: /' "$tmp/err" | head -5; }
}

# sign both assertions of the header: RSA with the chain, EC from the same chain
run 0 "sign HCP (RSA)" sign --key "$P/rsa.key" --cert "$P/rsa.pem" --chain "$P/chain.pem" \
    --id "$HCP" -o "$tmp/s1.xml" "$DATA/soap-header.xml"
run 0 "sign TRC (EC)" sign --key "$P/ec.key" --cert "$P/ec.pem" --chain "$P/chain.pem" \
    --id "$TRC" -o "$tmp/s2.xml" "$tmp/s1.xml"
[ -f "$tmp/s2.xml.tmp" ] && fail "sign -o left its .tmp file"
run 0 "verify HCP" verify --trust "$P/trust.pem" --id "$HCP" "$tmp/s2.xml" &&
    { grep -q "valid: .*Assertion'\]\[1\] signed by CN=ncp-b.example" "$tmp/out" ||
      fail "verify HCP: unexpected output: $(cat "$tmp/out")"; }
run 0 "verify TRC" verify --trust "$P/trust.pem" --id "$TRC" "$tmp/s2.xml"
run 0 "verify from stdin" verify --trust "$P/trust.pem" --id "$TRC" - <"$tmp/s2.xml"
run 1 "whole-document verify of a header with two signatures" verify --trust "$P/trust.pem" "$tmp/s2.xml" &&
    expect_err "two signatures" "invalid: multiple-signatures"
run 1 "untrusted root" verify --trust "$P/evilca.pem" --id "$HCP" "$tmp/s2.xml" &&
    expect_err "untrusted" "invalid: cert-untrusted"
run 0 "trust store with CRLs" verify --trust "$P/trust.pem" --trust "$P/crls.pem" --id "$HCP" "$tmp/s2.xml"
run 0 "sign with a revoked certificate" sign --key "$P/revoked.key" --cert "$P/revoked.pem" \
    --chain "$P/chain.pem" -o "$tmp/r.xml" "$DATA/soap-header.xml"
run 1 "revoked certificate" verify --trust "$P/trust.pem" --trust "$P/crls.pem" "$tmp/r.xml" &&
    expect_err "revoked" "invalid: cert-revoked"
# a trust directory
mkdir "$tmp/trust"; cp "$P/trust.pem" "$tmp/trust/"
run 0 "trust directory" verify --trust "$tmp/trust" --id "$HCP" "$tmp/s2.xml"

# one byte changed in signed content
sed 's/doctor@hospital.example/doctor@hospital.exampLe/' "$tmp/s2.xml" >"$tmp/t.xml"
run 1 "altered content" verify --trust "$P/trust.pem" --id "$HCP" "$tmp/t.xml" &&
    expect_err "altered content" "invalid: digest-mismatch"
# the verifier refuses an ID that is not there
run 1 "unknown ID" verify --trust "$P/trust.pem" --id _nope "$tmp/s2.xml" &&
    expect_err "unknown ID" "invalid: id-not-found"

# whole document, PKCS#12
run 0 "sign whole document (PKCS#12)" sign --p12 "$P/rsa.p12" --pass-file "$P/p12.pass" \
    -o "$tmp/d.xml" "$DATA/soap-header.xml"
grep -q '<ds:Reference URI="">' "$tmp/d.xml" || fail "whole-document signature has no URI=\"\""
run 0 "verify whole document" verify --trust "$P/trust.pem" "$tmp/d.xml"
run 1 "whole-document signature asked by ID" verify --trust "$P/trust.pem" --id "$HCP" "$tmp/d.xml" &&
    expect_err "by ID" "invalid: no-signature"
printf 'wrong\n' >"$tmp/wrong.pass"
run 2 "wrong PKCS#12 password" sign --p12 "$P/rsa.p12" --pass-file "$tmp/wrong.pass" "$DATA/soap-header.xml" &&
    expect_err "wrong password" "PKCS#12"
# sign to standard output
run 0 "sign to stdout" sign --key "$P/ec.key" --cert "$P/ec.pem" --chain "$P/chain.pem" "$DATA/soap-header.xml" &&
    { grep -q "ecdsa-sha256" "$tmp/out" || fail "sign to stdout: no ECDSA signature"; }

# interop: xmlsec1 accepts what the command signs
if command -v xmlsec1 >/dev/null 2>&1; then
    checks=$((checks + 2))
    xmlsec1 --verify --trusted-pem "$P/trust.pem" "$tmp/d.xml" >/dev/null 2>&1 ||
        fail "xmlsec1 rejects the whole-document signature of epsos sign"
    xmlsec1 --verify --trusted-pem "$P/trust.pem" \
        --id-attr:ID urn:oasis:names:tc:SAML:2.0:assertion:Assertion \
        --node-xpath "//*[@ID='$TRC']/*[local-name()='Signature']" "$tmp/s2.xml" >/dev/null 2>&1 ||
        fail "xmlsec1 rejects the ECDSA assertion signature of epsos sign"
fi

# usage errors and unreadable input: 2
run 2 "verify without --trust" verify "$tmp/s2.xml"
run 2 "sign without a key" sign "$DATA/soap-header.xml"
run 2 "sign with key and p12" sign --key "$P/rsa.key" --cert "$P/rsa.pem" --p12 "$P/rsa.p12" \
    --pass-file "$P/p12.pass" "$DATA/soap-header.xml"
run 2 "unknown option" verify --trust "$P/trust.pem" --frobnicate "$tmp/s2.xml"
run 2 "missing file" verify --trust "$P/trust.pem" "$tmp/nonexistent.xml"
run 2 "missing trust file" verify --trust "$tmp/nonexistent.pem" "$tmp/s2.xml"
printf '<a><b></a>' >"$tmp/bad.xml"
run 2 "not well-formed" verify --trust "$P/trust.pem" "$tmp/bad.xml"
run 2 "sign an unknown ID" sign --key "$P/rsa.key" --cert "$P/rsa.pem" --id _nope "$DATA/soap-header.xml"
run 2 "output onto the input" sign --key "$P/rsa.key" --cert "$P/rsa.pem" -o "$tmp/s2.xml" "$tmp/s2.xml"
run 0 "sign --help" sign --help && { grep -q "Usage: epsos sign" "$tmp/out" || fail "sign --help"; }
run 0 "verify --help" verify --help && { grep -q "Usage: epsos verify" "$tmp/out" || fail "verify --help"; }

# the real legacy epSOS sample (RSA-SHA1): refused without --legacy; with
# --legacy the signature is fine but its certificate expired in 2011
legacy=$CORPUS/samples/khypponen-openncp/resources/signed_ePsample_UNK.xml
if [ -r "$legacy" ]; then
    { echo "-----BEGIN CERTIFICATE-----"
      sed -n '/<X509Certificate>/,/<\/X509Certificate>/p' "$legacy" |
          sed 's/.*<X509Certificate>//; s/<\/X509Certificate>.*//'  | awk 1
      echo "-----END CERTIFICATE-----"; } >"$tmp/legacy.pem"
    run 1 "legacy sample without --legacy" verify --trust "$tmp/legacy.pem" "$legacy" &&
        expect_err "legacy" "invalid: legacy-algorithm"
    run 1 "legacy sample with --legacy" verify --legacy --trust "$tmp/legacy.pem" "$legacy" &&
        expect_err "legacy" "invalid: cert-expired"
else
    echo "corpus not found: legacy sample checks skipped"
fi

echo "$checks checks, $failures failures"
[ "$failures" = 0 ]
