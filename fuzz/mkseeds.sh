#!/bin/sh
# libepsos - (re)write the seed corpora of the fuzz targets from the test
# fixtures.  Run by hand from a build directory, never by make check (the
# seeds are kept in the tree); crash-* and regress-* inputs are left alone.
#   sh ../main/fuzz/mkseeds.sh SRCDIR BUILDDIR
# verify: documents and an assertion signed by `epsos sign` with keys of
# tests/dsig/mkpki.sh made in a temporary directory (only the signed XML,
# with its public certificate, is kept), a tampered copy, the unsigned
# templates.  build: the JSON fixtures and `epsos dump --json` of the parse
# seeds.  catalogue: the terminology fixtures and their compiled .epcat.
set -eu
src=$(cd "$1" && pwd) build=$(cd "$2" && pwd)
epsos="$build/tools/epsos" c="$src/fuzz/corpus" d="$src/tests/data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# validate: the parse seeds, the header fixtures and complete built documents
cp "$c"/parse/*.xml "$c/validate/"
cp "$d/ep/ep-header.xml" "$d/ep/ed-header.xml" "$c/validate/"
for j in full-ps required-ps; do
  "$epsos" build --complete -o "$c/validate/built-$j.xml" "$d/ps/$j.json"
done

# verify
sh "$src/tests/dsig/mkpki.sh" "$tmp/pki" > /dev/null
cp "$d/dsig/tmpl-doc-ec.xml" "$d/dsig/tmpl-assertion-rsa.xml" "$c/verify/"   # xmlsec1 templates
cp "$d/ps-header.xml" "$c/verify/unsigned-ps.xml"
for k in ec rsa; do
  "$epsos" sign --key "$tmp/pki/$k.key" --cert "$tmp/pki/$k.pem" --chain "$tmp/pki/chain.pem" \
    -o "$c/verify/signed-$k.xml" "$d/ps-header.xml"
done
"$epsos" sign --key "$tmp/pki/rsa.key" --cert "$tmp/pki/rsa.pem" \
  --id _a7f3c2d1-9b8e-4f6a-8c5d-3e2f1a0b9c8d -o "$c/verify/signed-assertion.xml" \
  "$d/dsig/hcp-assertion.xml"
sed 's/Patient Summary/Patient Sumary/' "$c/verify/signed-ec.xml" > "$c/verify/tampered-ec.xml"
cp "$d/dsig/soap-header.xml" "$c/verify/"

# build
cp "$d/ps/full-ps.json" "$d/ps/required-ps.json" "$c/build/"
for f in ps-sample legacy-ep pharm-ed l1 mixed; do
  (cd "$c/parse" && "$epsos" dump --json "$f.xml") > "$c/build/dump-$f.json"
done

# catalogue
for f in "$d"/term/*; do case $f in *ps-national*) ;; *) cp "$f" "$c/catalogue/";; esac; done
"$epsos" catalogue build -o "$c/catalogue/fixtures.epcat" $(ls "$d"/term/*.xml "$d"/term/*.tsv | grep -v ps-national)
echo "seeds written under $c"
