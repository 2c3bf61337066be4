#!/bin/sh
# libepsos - tests of the epsos command-line tool (automake TESTS script).
# SPDX-License-Identifier: MIT
#
# Exit: 0 pass, 1 fail, 77 skip.
# Environment:
#   srcdir        the tests source directory (automake sets it; holds data/)
#   EPSOS         the tool, default ../tools/epsos (relative to the tests build
#                 directory); may carry a prefix command, e.g.
#                 EPSOS="valgrind -q --error-exitcode=9 ../tools/epsos"
#   EPSOS_CORPUS  the sample corpus, default $srcdir/../../shared/corpus
#                 (skipped when absent)
#   EPSOS_TEST_WRAPPER  e.g. 'valgrind -q --error-exitcode=9 --leak-check=full':
#                 run the tool under it (through $top_builddir/libtool
#                 --mode=execute when there is one, since the tool is a
#                 libtool wrapper script in the build tree); a status of the
#                 wrapper's own (9 here) fails the checks that expect 0 or 2

. "${srcdir:-$(dirname "$0")/..}/tooltest.sh"
FIXTURE=$srcdir/data/ps-header.xml
PYTHONIOENCODING=utf-8
export PYTHONIOENCODING


tmp=$(mktemp -d "${TMPDIR:-/tmp}/epsos-tool.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

failures=0
checks=0

fail() {
    failures=$((failures + 1))
    echo "FAIL: $*"
}

have_python=no
if command -v python3 >/dev/null 2>&1 &&
   python3 -c 'import json' >/dev/null 2>&1; then
    have_python=yes
fi

# run EXPECTED-STATUS DESCRIPTION ARGS...: runs the tool, output in $tmp/out,
# errors in $tmp/err, and checks its exit status.
run() {
    want=$1 what=$2
    shift 2
    checks=$((checks + 1))
    $EPSOS "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        fail "$what: exit $got, expected $want (epsos $*)"
        sed 's/^/    stderr: /' "$tmp/err" | head -n 5
        return 1
    fi
    return 0
}

# valid_jsonl FILE: every line is a JSON document, and there is at least one.
valid_jsonl() {
    [ -s "$1" ] || return 1
    [ "$have_python" = yes ] || return 0
    python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <"$1" 2>"$tmp/pyerr" && return 0
    echo "    python3: $(tail -n 1 "$tmp/pyerr")"
    return 1
}

# ---------------------------------------------------------------- help, version
if run 0 "--help" --help; then
    grep -q 'info' "$tmp/out" || fail "--help does not list the commands"
fi
if run 0 "--version" --version; then
    grep -q '^epsos [0-9][0-9]*\.[0-9][0-9]*\.[0-9]' "$tmp/out" ||
        fail "--version does not print 'epsos X.Y.Z'"
fi
if run 0 "info --help" info --help; then
    grep -q 'Usage: epsos info' "$tmp/out" || fail "info --help: no usage"
fi
if run 0 "dump --help" dump --help; then
    grep -q 'Usage: epsos dump' "$tmp/out" || fail "dump --help: no usage"
fi

# ---------------------------------------------------------------- usage errors
run 2 "no arguments"
run 2 "unknown command" frobnicate "$FIXTURE"
run 2 "unknown global option" --frobnicate
run 2 "unknown info option" info --frobnicate "$FIXTURE"
run 2 "option of another command" info --pretty "$FIXTURE"
run 2 "dump without FILE" dump --json
run 2 "info without FILE" info
run 2 "-o without FILE" dump -o
[ -s "$tmp/err" ] || fail "usage error without a message"

# ---------------------------------------------------------------- the fixture
if [ ! -f "$FIXTURE" ]; then
    fail "fixture $FIXTURE is missing"
else
    if run 0 "info fixture" info "$FIXTURE"; then
        grep -q '^kind: *PS$' "$tmp/out" || fail "info: kind is not PS"
        grep -q '^generation: *eHDSI$' "$tmp/out" || fail "info: generation is not eHDSI"
    fi

    if run 0 "dump fixture" dump --json "$FIXTURE"; then
        [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "dump: not one line per document"
        valid_jsonl "$tmp/out" || fail "dump: output is not JSON Lines"
        grep -q '"kind":"PS"' "$tmp/out" || fail "dump: kind is not PS"
        grep -q '"generation":"eHDSI"' "$tmp/out" || fail "dump: generation is not eHDSI"
        grep -q '"header":{' "$tmp/out" || fail "dump: no header object"
        cp "$tmp/out" "$tmp/fixture.jsonl"
    fi

    # dump is JSON with or without --json
    if run 0 "dump without --json" dump "$FIXTURE"; then
        cmp -s "$tmp/out" "$tmp/fixture.jsonl" || fail "dump and dump --json differ"
    fi

    if run 0 "dump --pretty" dump --json --pretty "$FIXTURE"; then
        [ "$(wc -l <"$tmp/out")" -gt 1 ] || fail "dump --pretty: not indented"
        if [ "$have_python" = yes ]; then
            python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out" ||
                fail "dump --pretty: output is not JSON"
            python3 - "$tmp/out" "$tmp/fixture.jsonl" <<'EOF' || fail "dump --pretty differs from dump"
import json, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.loads(open(sys.argv[2], encoding="utf-8").readline())
sys.exit(0 if a == b else 1)
EOF
        fi
    fi

    # "-" reads standard input
    checks=$((checks + 1))
    $EPSOS dump - <"$FIXTURE" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "dump - <fixture: exit $rc"
    else
        grep -q '^{"file":"-",' "$tmp/out" || fail "dump -: file is not \"-\""
        valid_jsonl "$tmp/out" || fail "dump -: output is not JSON"
        sed 's/^{"file":"-",//' "$tmp/out" >"$tmp/a"
        sed 's/^{"file":"[^"]*",//' "$tmp/fixture.jsonl" >"$tmp/b"
        cmp -s "$tmp/a" "$tmp/b" || fail "dump - differs from dump FILE"
    fi

    # several files, one bad: the good ones are still written, exit 2
    if run 2 "dump with a missing file" dump "$tmp/missing.xml" "$FIXTURE" "$FIXTURE"; then
        [ "$(wc -l <"$tmp/out")" -eq 2 ] || fail "dump: good files after a bad one not written"
        valid_jsonl "$tmp/out" || fail "dump after a bad file: not JSON"
        grep -q 'missing.xml' "$tmp/err" || fail "missing file: message does not name it"
        grep -q '^epsos: ' "$tmp/err" || fail "missing file: message not 'epsos: ...'"
    fi

    # a file name with a space, a quote and non-ASCII letters
    odd="$tmp/a b \"ä\".xml"
    cp "$FIXTURE" "$odd"
    if run 0 "dump of an oddly named file" dump "$odd" && [ "$have_python" = yes ]; then
        python3 - "$tmp/out" "$odd" <<'EOF' || fail "dump: file name not escaped correctly"
import json, sys
d = json.loads(open(sys.argv[1], encoding="utf-8").readline())
sys.exit(0 if d["file"] == sys.argv[2] else 1)
EOF
    fi

    # -o: written through FILE.tmp and renamed; refused onto an input
    cp "$FIXTURE" "$tmp/in.xml"
    if run 0 "dump -o" dump -o "$tmp/o.jsonl" "$tmp/in.xml"; then
        [ -s "$tmp/out" ] && fail "dump -o: something written to stdout"
        valid_jsonl "$tmp/o.jsonl" || fail "dump -o: output is not JSON"
        [ -e "$tmp/o.jsonl.tmp" ] && fail "dump -o: FILE.tmp left behind"
    fi
    if run 0 "info --output=" info --output="$tmp/o.txt" "$tmp/in.xml"; then
        grep -q '^kind: *PS$' "$tmp/o.txt" || fail "info --output: wrong content"
    fi
    run 2 "dump -o onto the input" dump -o "$tmp/in.xml" "$tmp/in.xml"
    cmp -s "$FIXTURE" "$tmp/in.xml" || fail "dump -o onto the input changed it"
    cp "$FIXTURE" "$tmp/in.xml"
    run 2 "info -o onto the input (other spelling)" info -o "$tmp/./in.xml" "$FIXTURE" "$tmp/in.xml"
    cmp -s "$FIXTURE" "$tmp/in.xml" || fail "info -o onto the input changed it"
    [ -s "$tmp/out" ] && fail "refused -o still produced output"
fi

# ---------------------------------------------------------------- bad inputs
run 2 "missing file" info "$tmp/does-not-exist.xml"
grep -q 'does-not-exist.xml' "$tmp/err" || fail "missing file: message does not name it"
run 2 "missing file (dump)" dump "$tmp/does-not-exist.xml"
[ -s "$tmp/out" ] && fail "missing file: something on stdout"

printf 'this is not XML\n' >"$tmp/notxml.xml"
run 2 "not XML" info "$tmp/notxml.xml"
run 2 "not XML (dump)" dump "$tmp/notxml.xml"
grep -q "^epsos: $tmp/notxml.xml" "$tmp/err" || fail "not XML: message is not 'epsos: FILE...'"

: >"$tmp/empty.xml"
run 2 "empty file" dump "$tmp/empty.xml"
checks=$((checks + 1))
$EPSOS dump - </dev/null >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] || fail "empty standard input: exit $rc, expected 2"

printf '<?xml version="1.0"?>\n<html><body/></html>\n' >"$tmp/notcda.xml"
run 2 "not CDA" dump "$tmp/notcda.xml"

printf '<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3">\n  <title>x</title>\n' >"$tmp/truncated.xml"
run 2 "truncated" dump "$tmp/truncated.xml"
grep -q "truncated.xml:[0-9]" "$tmp/err" || fail "truncated: no line number in the message"

printf '<?xml version="1.0"?>\n<!DOCTYPE ClinicalDocument [<!ENTITY x "y">]>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>&x;</title></ClinicalDocument>\n' >"$tmp/doctype.xml"
run 2 "DOCTYPE" dump "$tmp/doctype.xml"

# ---------------------------------------------------------------- JSON escaping
cat >"$tmp/escape.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <code code="60591-5" codeSystem="2.16.840.1.113883.6.1" displayName="a &quot;q&quot; \ b"/>
  <title>q&quot;b\t&#9;n&#10;r&#13;é€𝄞</title>
</ClinicalDocument>
EOF
if run 0 "dump escaping" dump "$tmp/escape.xml"; then
    [ "$(wc -l <"$tmp/out")" -eq 1 ] || fail "escaping: not one line"
    if [ "$have_python" = yes ]; then
        python3 - "$tmp/out" <<'EOF' || fail "escaping: strings do not round-trip"
import json, sys
d = json.loads(open(sys.argv[1], encoding="utf-8").readline())
want = {'q"b\\t\tn\nr\r\u00e9\u20ac\U0001d11e', 'a "q" \\ b'}
seen = set()
def walk(v):
    if isinstance(v, dict):
        for x in v.values(): walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, str):
        seen.add(v)
walk(d)
missing = want - seen
if missing:
    print("    missing:", missing)
sys.exit(1 if missing else 0)
EOF
    fi
fi

# ---------------------------------------------------------------- the corpus
if [ ! -d "$CORPUS" ]; then
    echo "note: corpus $CORPUS absent, corpus checks skipped"
elif [ "$have_python" != yes ]; then
    echo "note: python3 absent, corpus checks skipped"
else
    ncorpus=0
    find "$CORPUS" -type f -name '*.xml' >"$tmp/corpus.list"
    while IFS= read -r f; do
        ncorpus=$((ncorpus + 1))
        # the samples are CDA documents and must be read; other XML
        # (schematron, vocabularies) must be refused cleanly.
        case $f in
            */samples/*) want=0 ;;
            *) want=any ;;
        esac
        $EPSOS dump "$f" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        case $want:$rc in
            0:0 | any:0 | any:2) ;;
            *) fail "corpus dump: exit $rc: $f"
               sed 's/^/    stderr: /' "$tmp/err" | head -n 5
               continue ;;
        esac
        if [ $rc -eq 0 ]; then
            if [ "$(wc -l <"$tmp/out")" -ne 1 ] || ! valid_jsonl "$tmp/out"; then
                fail "corpus dump: not one JSON line: $f"
            fi
        else
            [ -s "$tmp/out" ] && fail "corpus dump: output on failure: $f"
            [ -s "$tmp/err" ] || fail "corpus dump: failure without a message: $f"
        fi
        $EPSOS info "$f" >"$tmp/out" 2>"$tmp/err"
        rc2=$?
        [ $rc2 -eq $rc ] || fail "corpus info: exit $rc2, dump said $rc: $f"
    done <"$tmp/corpus.list"
    checks=$((checks + ncorpus))
    [ $ncorpus -gt 0 ] || fail "corpus $CORPUS has no XML file"

    # -j: the same output, in the same order, as one file at a time; a bad
    # file among them still gives exit 2 and the others are written
    find "$CORPUS/samples" -type f -name '*.xml' -print0 | sort -z >"$tmp/samples0"
    printf '%s\0' "$tmp/missing.xml" >>"$tmp/samples0"
    for c in dump info; do
        xargs -0 $EPSOS $c <"$tmp/samples0" >"$tmp/seq" 2>/dev/null; r1=$?
        xargs -0 $EPSOS $c -j 3 <"$tmp/samples0" >"$tmp/par" 2>/dev/null; r2=$?
        checks=$((checks + 1))
        cmp -s "$tmp/seq" "$tmp/par" || fail "$c -j 3: output differs from one file at a time"
        [ $r1 -eq $r2 ] && [ $r1 -ne 0 ] || fail "$c -j 3: exit $r2 (one at a time: $r1), a file is missing"
        [ -s "$tmp/par" ] || fail "$c -j 3: no output"
    done
fi

echo "test-tool: $checks checks, $failures failures"
[ $failures -eq 0 ] || exit 1
exit 0
