#!/bin/sh
# libepsos - the JNA mapping (examples/java) against the freshly built
# library: compiles Epsos.java, Demo.java and Tasks.java with javac, runs
# Demo on examples/data/ps-sample.xml (in the C locale, so that UTF-8 must
# come from the mapping, not the environment) and checks what it prints,
# the file it builds, the refusal of a bad value and the exit status on an
# unreadable file; then Tasks does what each C example does (build a PS,
# read an eP for the pharmacist, dispense, transcode, sign and verify an
# assertion) under examples/run-examples.sh, which checks it with the
# assertions of the C examples.  Exit 0 pass, 1 fail, 77 skip (no javac or no jna.jar; Debian:
# apt-get install default-jdk-headless libjna-java).
# SPDX-License-Identifier: MIT
set -u
JNA_JAR=${JNA_JAR:-/usr/share/java/jna.jar}
JAVAC=${JAVAC:-$(command -v javac)} || { echo "SKIP: javac is not installed"; exit 77; }
JAVA=${JAVA:-$(command -v java)} || { echo "SKIP: java is not installed"; exit 77; }
[ -r "$JNA_JAR" ] || { echo "SKIP: $JNA_JAR is not installed (libjna-java)"; exit 77; }
. "${srcdir:-$(dirname "$0")/..}/ffi/env.sh"

fail=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

"$JAVAC" -Xlint:all -Werror -encoding UTF-8 -d "$tmp/classes" -cp "$JNA_JAR" \
    "$EXAMPLES/java/Epsos.java" "$EXAMPLES/java/Demo.java" "$EXAMPLES/java/Tasks.java" ||
    { echo "FAIL: javac"; exit 1; }
java_run() {
    if [ -n "$FFI_PRELOAD" ]; then
        LC_ALL=C LD_PRELOAD=$FFI_PRELOAD ASAN_OPTIONS=$ASAN_OPTIONS:handle_segv=0:allow_user_segv_handler=1 \
            "$JAVA" -cp "$JNA_JAR:$tmp/classes" Demo "$@"
    else
        LC_ALL=C "$JAVA" -cp "$JNA_JAR:$tmp/classes" Demo "$@"
    fi
}

java_run "$EXAMPLES/data/ps-sample.xml" "$tmp/built.xml" > "$tmp/out" 2> "$tmp/err" ||
    { echo "FAIL: Demo exit $?"; fail=1; }
cat "$tmp/out" "$tmp/err"
expect() {
    grep -qF -- "$1" "$tmp/out" || { echo "FAIL: Demo did not print: $1"; fail=1; }
}
expect "libepsos "
expect 'ps-sample.xml (PS, eHDSI generation): Patient Summary'
expect 'patient: Maria Inês Exemplo Ficção, born 19700512'
expect 'author: João Médico'
expect 'refused as expected: time stamp "1980-02-29": expected'
expect '[invalid value] at /hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole'
expect 'built.xml (PS, '
expect 'patient: Jan Novák, born 19800229'
expect 'author: Dvořák'
grep -q '<family>Dvořák</family>' "$tmp/built.xml" ||
    { echo "FAIL: built.xml does not hold the author's name in UTF-8"; fail=1; }
if [ -x "${top_builddir:-..}/examples/read-header" ]; then
    "${top_builddir:-..}/examples/read-header" "$tmp/built.xml" | grep -q 'patient: Jan Novák, born 19800229' ||
        { echo "FAIL: read-header does not read what Demo built"; fail=1; }
fi
# Without OUT the document goes to stdout (epsos_doc_serialize, size_t length).
java_run "$EXAMPLES/data/ps-sample.xml" > "$tmp/out2" 2>&1 || fail=1
grep -q '<family>Novák</family>' "$tmp/out2" || { echo "FAIL: no XML on stdout"; fail=1; }
tail -n 1 "$tmp/out2" | grep -q '</ClinicalDocument>' || { echo "FAIL: XML cut short"; fail=1; }

java_run "$tmp/missing.xml" > /dev/null 2> "$tmp/err"
st=$?
[ $st -eq 2 ] || { echo "FAIL: missing file gave exit $st, not 2"; fail=1; }
grep -q 'epsos_doc_parse_file: .*missing.xml: cannot open' "$tmp/err" ||
    { echo "FAIL: no library message for a missing file:"; cat "$tmp/err"; fail=1; }

# The tasks of the C examples, checked by the same script (C locale too).
if [ -n "$FFI_PRELOAD" ]; then
    runner="env LC_ALL=C LD_PRELOAD=$FFI_PRELOAD ASAN_OPTIONS=$ASAN_OPTIONS:handle_segv=0:allow_user_segv_handler=1"
else
    runner="env LC_ALL=C"
fi
EXAMPLES_RUNNER="$runner $JAVA -cp $JNA_JAR:$tmp/classes Tasks" srcdir=$EXAMPLES \
    sh "$EXAMPLES/run-examples.sh" ||
    { echo "FAIL: examples/java/Tasks.java under run-examples.sh"; fail=1; }
exit $fail
