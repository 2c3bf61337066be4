#!/bin/sh
# libepsos - the Python ctypes binding (examples/python) against the freshly
# built library: runs demo.py on examples/data/ps-sample.xml and checks what
# it prints, the file it builds, the refusal of a bad value and the exit
# status on an unreadable file; then tasks.py does what each C example does
# (build a PS, read an eP for the pharmacist, dispense, transcode, sign and
# verify an assertion) under examples/run-examples.sh, which checks it with
# the assertions of the C examples.  Exit 0 pass, 1 fail, 77 skip (no
# python3).
# SPDX-License-Identifier: MIT
set -u
PY=${PYTHON3:-}
[ -n "$PY" ] && [ -x "$PY" ] || PY=$(command -v python3) ||
    { echo "SKIP: python3 is not installed"; exit 77; }
. "${srcdir:-$(dirname "$0")/..}/ffi/env.sh"
PYTHONIOENCODING=utf-8; export PYTHONIOENCODING
PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE
py() {
    if [ -n "$FFI_PRELOAD" ]; then LD_PRELOAD=$FFI_PRELOAD "$PY" "$@"; else "$PY" "$@"; fi
}

fail=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# The module loads the library it should (EPSOS_LIB, or the installed one
# by SONAME), not some other copy.
loaded=$(cd "$EXAMPLES/python" && py -c '
import epsos, os
epsos.load()
maps = open("/proc/self/maps").read().split("\n")
print(sorted({l.split()[-1] for l in maps if "libepsos.so" in l})[0])') || fail=1
[ "$(readlink -f "$loaded")" = "$(readlink -f "$LIBFILE")" ] ||
    { echo "FAIL: loaded '$loaded', not $LIBFILE"; fail=1; }
echo "loaded $loaded"

py "$EXAMPLES/python/demo.py" "$EXAMPLES/data/ps-sample.xml" "$tmp/built.xml" \
    > "$tmp/out" 2> "$tmp/err" || { echo "FAIL: demo.py exit $?"; fail=1; }
cat "$tmp/out" "$tmp/err"
expect() {
    grep -qF -- "$1" "$tmp/out" || { echo "FAIL: demo.py did not print: $1"; fail=1; }
}
expect 'ps-sample.xml (PS, eHDSI generation): Patient Summary'
expect 'patient: Maria Inês Exemplo Ficção, born 19700512'
expect 'author: João Médico'
expect 'refused as expected: time stamp "1980-02-29": expected'
expect '[invalid value] at /hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole'
expect 'built.xml (PS, '
expect 'patient: Jan Novák, born 19800229'
expect 'author: Dvořák'
# The file it built is a real document: the C example reads it the same way.
grep -q 'extension="PT-0043"' "$tmp/built.xml" || { echo "FAIL: built.xml has no patient id"; fail=1; }
if [ -x "${top_builddir:-..}/examples/read-header" ]; then
    "${top_builddir:-..}/examples/read-header" "$tmp/built.xml" | grep -q 'patient: Jan Novák, born 19800229' ||
        { echo "FAIL: read-header does not read what demo.py built"; fail=1; }
fi
# Without OUT the document goes to stdout.
py "$EXAMPLES/python/demo.py" "$EXAMPLES/data/ps-sample.xml" > "$tmp/out2" 2>&1 || fail=1
grep -q '<family>Novák</family>' "$tmp/out2" || { echo "FAIL: no XML on stdout"; fail=1; }

# Unreadable input: exit 2 and the library's message on stderr.
py "$EXAMPLES/python/demo.py" "$tmp/missing.xml" > /dev/null 2> "$tmp/err"
st=$?
[ $st -eq 2 ] || { echo "FAIL: missing file gave exit $st, not 2"; fail=1; }
grep -q 'epsos_doc_parse_file: .*missing.xml: cannot open' "$tmp/err" ||
    { echo "FAIL: no library message for a missing file:"; cat "$tmp/err"; fail=1; }

# The binding's guarantees: typed handles, exceptions with the ctx details,
# nothing usable after close.
(cd "$EXAMPLES/python" && py - "$EXAMPLES/data/ps-sample.xml") <<'PYEOF' || fail=1
import ctypes, sys, epsos
from epsos import F
with epsos.Context() as ctx:
    try:
        ctx.parse(b"<ClinicalDocument xmlns='urn:hl7-org:v3'><oops></ClinicalDocument>")
        sys.exit("FAIL: malformed XML parsed")
    except epsos.Error as e:
        assert e.status == epsos.EPARSE and e.line == 1 and e.message, vars(e)
    doc = ctx.parse(open(sys.argv[1], "rb").read())
    hdr = doc.header()
    assert hdr.get_id(F.ID) == ("2.999.1.42.7", "PS-2026-0001"), hdr.get_id(F.ID)
    try:
        hdr.child(F.AUTHOR, 5)
        sys.exit("FAIL: author 5 found")
    except epsos.Error as e:
        assert e.status == epsos.ENOTFOUND and e.location.startswith("/hl7:ClinicalDocument"), vars(e)
    try:   # a document handle where a context is expected
        ctx._lib.epsos_ctx_errmsg(doc._h)
        sys.exit("FAIL: argtypes do not tell handles apart")
    except ctypes.ArgumentError:
        pass
# the context closed its document; the item refuses to be used
assert doc.closed
try:
    hdr.count(F.AUTHOR)
    sys.exit("FAIL: item usable after close")
except ValueError:
    pass
print("binding checks passed")
PYEOF

# The tasks of the C examples, checked by the same script.
if [ -n "$FFI_PRELOAD" ]; then
    runner="env LD_PRELOAD=$FFI_PRELOAD $PY $EXAMPLES/python/tasks.py"
else
    runner="$PY $EXAMPLES/python/tasks.py"
fi
EXAMPLES_RUNNER=$runner srcdir=$EXAMPLES sh "$EXAMPLES/run-examples.sh" ||
    { echo "FAIL: examples/python/tasks.py under run-examples.sh"; fail=1; }
exit $fail
