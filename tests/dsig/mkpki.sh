#!/bin/sh
# libepsos - make the keys and certificates of the signature tests in DIR.
# SPDX-License-Identifier: MIT
#
#   root CA (RSA) -> intermediate CA (RSA) -> rsa.pem (RSA leaf)
#                                          -> ec.pem  (EC P-256 leaf)
#                                          -> expired.pem, future.pem (RSA leaves)
#   evil CA (RSA, not trusted)             -> evil.pem
#   rsa.p12 (rsa key + leaf + intermediate, password "s3cret pass")
# Keys are *.key; chain.pem is the intermediate; trust.pem the root.
set -e
dir=$1
[ -n "$dir" ] || { echo "usage: mkpki.sh DIR" >&2; exit 2; }
mkdir -p "$dir"
cd "$dir"
OPENSSL=${OPENSSL:-openssl}
q() { "$@" >/dev/null 2>&1 || { echo "mkpki: failed: $*" >&2; exit 1; }; }

cat > ext.cnf <<'CNF'
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
cat > ca.cnf <<'CNF'
[ ca ]
default_ca = d
[ d ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
x509_extensions = leaf
[ p ]
commonName = supplied
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
CNF

q $OPENSSL req -x509 -newkey rsa:2048 -nodes -keyout root.key -out trust.pem -days 3650 \
    -subj "/C=EU/O=libepsos tests/CN=Test Root CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign"
q $OPENSSL req -newkey rsa:2048 -nodes -keyout inter.key -out inter.csr \
    -subj "/C=EU/O=libepsos tests/CN=Test Intermediate CA"
q $OPENSSL x509 -req -in inter.csr -CA trust.pem -CAkey root.key -set_serial 2 -days 3650 \
    -extfile ext.cnf -extensions ca -out chain.pem

leaf() {   # leaf NAME KEYOPT DAYS SUBJ
    q $OPENSSL req -newkey "$2" -nodes -keyout "$1.key" -out "$1.csr" -subj "$4"
    q $OPENSSL x509 -req -in "$1.csr" -CA chain.pem -CAkey inter.key -set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" \
        -days "$3" -extfile ext.cnf -extensions leaf -out "$1.pem"
}
leaf rsa rsa:2048 825 "/C=DK/O=NCP-B/CN=ncp-b.example"
q $OPENSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key
q $OPENSSL req -new -key ec.key -out ec.csr -subj "/C=AT/O=NCP-A/CN=ncp-a.example"
q $OPENSSL x509 -req -in ec.csr -CA chain.pem -CAkey inter.key -set_serial 77 -days 825 \
    -extfile ext.cnf -extensions leaf -out ec.pem
leaf weak rsa:1024 825 "/C=DK/O=NCP-B/CN=weak.example"
leaf expired rsa:2048 -1 "/C=DK/O=NCP-B/CN=expired.example"
# not yet valid: openssl ca sets the start date
q $OPENSSL req -newkey rsa:2048 -nodes -keyout future.key -out future.csr -subj "/CN=future.example"
: > index.txt
echo 1000 > serial
q $OPENSSL ca -batch -config ca.cnf -cert chain.pem -keyfile inter.key -in future.csr -out future.pem \
    -startdate 20400101000000Z -enddate 20410101000000Z -notext
# an untrusted CA and its leaf
q $OPENSSL req -x509 -newkey rsa:2048 -nodes -keyout evilca.key -out evilca.pem -days 3650 \
    -subj "/C=EU/O=libepsos tests/CN=Test Root CA" -addext "basicConstraints=critical,CA:TRUE"
q $OPENSSL req -newkey rsa:2048 -nodes -keyout evil.key -out evil.csr -subj "/C=DK/O=NCP-B/CN=ncp-b.example"
q $OPENSSL x509 -req -in evil.csr -CA evilca.pem -CAkey evilca.key -set_serial 5 -days 825 \
    -extfile ext.cnf -extensions leaf -out evil.pem
# PKCS#12 with the chain
q $OPENSSL pkcs12 -export -inkey rsa.key -in rsa.pem -certfile chain.pem -out rsa.p12 \
    -passout "pass:s3cret pass"
printf 's3cret pass' > p12.pass
# a revoked leaf and the CRLs of both CAs (revocation is checked for the whole chain)
q $OPENSSL req -newkey rsa:2048 -nodes -keyout revoked.key -out revoked.csr -subj "/CN=revoked.example"
q $OPENSSL ca -batch -config ca.cnf -cert chain.pem -keyfile inter.key -in revoked.csr -out revoked.pem \
    -days 825 -notext
q $OPENSSL ca -config ca.cnf -cert chain.pem -keyfile inter.key -revoke revoked.pem
q $OPENSSL ca -config ca.cnf -cert chain.pem -keyfile inter.key -gencrl -crldays 30 -out inter.crl
sed 's/^database = index.txt/database = root-index.txt/' ca.cnf > ca-root.cnf
: > root-index.txt
q $OPENSSL ca -config ca-root.cnf -cert trust.pem -keyfile root.key -gencrl -crldays 30 -out root.crl
cat inter.crl root.crl > crls.pem
q $OPENSSL x509 -in rsa.pem -outform DER -out rsa.der
# the leaf with its intermediate, for xmlsec1
cat rsa.pem chain.pem > rsa-full.pem
cat ec.pem chain.pem > ec-full.pem
echo ok > done
