#!/bin/sh
# libepsos - `epsos build`: dump -> build -> dump over every level 3 Patient
# Summary of the corpus, and Schematron-clean in -> Schematron-clean out.
# SPDX-License-Identifier: MIT
# Exit: 0 pass, 1 fail, 77 skip.

: "${EPSOS:?EPSOS (the epsos command) must be set}"
: "${top_srcdir:?}"
corpus=${EPSOS_CORPUS:-$top_srcdir/../shared/corpus}
# shared/ (corpus and tools): $EPSOS_SHARED, else the parent of $EPSOS_CORPUS,
# else beside the source tree
if [ -n "${EPSOS_SHARED:-}" ]; then shared=$EPSOS_SHARED
elif [ -n "${EPSOS_CORPUS:-}" ]; then shared=$EPSOS_CORPUS/..
else shared=$top_srcdir/../shared; fi
data=$top_srcdir/tests/data/ps
PY=${PYTHON3:-python3}
[ -d "$corpus/samples" ] || { echo "no corpus at $corpus: skipped"; exit 77; }
command -v "$PY" >/dev/null 2>&1 || { echo "no python3: skipped"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/test-build.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0 same=0 total=0

# JSON equal except "file" and "generation" (a build is always of the
# current eHDSI generation; legacy epsos: paths are read onto the same keys)
cat > "$tmp/cmp.py" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
for d in (a, b):
    d.pop("file", None); d.pop("generation", None)
sys.exit(0 if a == b else 1)
PYEOF
# every text/reference and originalText/reference "#x" has an element with
# ID="x" (a narrative given as plain text gets them from the builder)
cat > "$tmp/refs.py" <<'PYEOF'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
ids = {e.get("ID") for e in r.iter() if e.get("ID")}
refs = [e.get("value") for e in r.iter("{urn:hl7-org:v3}reference")
        if (e.get("value") or "").startswith("#")]
bad = [x for x in refs if x[1:] not in ids]
if not refs or bad:
    print("%s: %d references, dangling: %s" % (sys.argv[1], len(refs), " ".join(bad[:5])))
sys.exit(1 if not refs or bad else 0)
PYEOF
cat > "$tmp/kind.py" <<'PYEOF'
import json, sys
print(json.load(open(sys.argv[1]))["kind"])
PYEOF

find "$corpus/samples" -name '*.xml' | LC_ALL=C sort > "$tmp/files"
while IFS= read -r f; do
    "$EPSOS" dump --json "$f" > "$tmp/a.json" 2>/dev/null || continue
    [ "$("$PY" "$tmp/kind.py" "$tmp/a.json")" = PS ] || continue
    total=$((total + 1))
    "$EPSOS" build -o "$tmp/b.xml" "$tmp/a.json" 2> "$tmp/err"
    st=$?
    "$EPSOS" dump --json "$tmp/b.xml" > "$tmp/b.json" 2>/dev/null
    # every document: values the strict setters refuse (a code without a
    # codeSystem OID, a translation {} read from nullFlavor="NA") are
    # written as read, so nothing is refused and the JSON comes back equal
    if [ $st -eq 0 ] && [ ! -s "$tmp/err" ] && "$PY" "$tmp/cmp.py" "$tmp/a.json" "$tmp/b.json"; then
        same=$((same + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: ${f#$corpus/samples/}: build status $st, JSON differs or messages:"
        head -3 "$tmp/err"
    fi
done < "$tmp/files"
echo "dump -> build -> dump: $total PS L3 documents, $same identical"
[ "$total" -ge 33 ] || { echo "FAIL: only $total PS documents"; fail=$((fail + 1)); }
[ "$same" -eq "$total" ] || { echo "FAIL: only $same of $total identical"; fail=$((fail + 1)); }

# Schematron-clean sources (built by tests/ps/check_ps; full-ps.json also
# has the package code and name, fulfilment instructions, an SXPR_TS
# frequency, a section author, a reason that points at the problem and a
# reference range of tests/ps/check_ps test_build_more_fields) stay clean, and
# their JSON comes back identical: with --complete (narrative generated
# again) and without (the JSON's narrative kept; nested statements get their
# references to it).
for j in full-ps required-ps; do
    for how in complete plain; do
        opt=; [ $how = complete ] && opt=--complete
        if ! "$EPSOS" build $opt -o "$tmp/$j-$how.xml" "$data/$j.json"; then
            echo "FAIL: build $opt $j"; fail=$((fail + 1)); continue
        fi
        "$EPSOS" dump --json "$tmp/$j-$how.xml" > "$tmp/$j.json"
        "$PY" "$tmp/cmp.py" "$data/$j.json" "$tmp/$j.json" ||
            { echo "FAIL: $j: JSON differs after build $opt"; fail=$((fail + 1)); }
        "$PY" "$tmp/refs.py" "$tmp/$j-$how.xml" ||
            { echo "FAIL: $j: build $opt leaves references dangling"; fail=$((fail + 1)); }
    done
done
# a caller's JSON: a narrative of its own (plain text, no IDs) and entries
# pointing at it, built without --complete: no dangling reference, and
# Schematron-clean (checked below with the others)
"$PY" - "$data/required-ps.json" "$tmp/own.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for s in d["header"]["section"]:
    s["narrative"] = "Narrative written by the caller."
    for k in ("medication", "allergy", "problem", "procedure", "device"):
        for e in s.get(k, []):
            for x, ref in [(e, "#own-" + k)] + [(o, "#own-" + k + "-obs")
                                               for o in e.get("observation", [])]:
                if "text_reference" in x:
                    x["text_reference"] = ref
json.dump(d, open(sys.argv[2], "w"))
PYEOF
if "$EPSOS" build -o "$tmp/own-narrative.xml" "$tmp/own.json"; then
    "$PY" "$tmp/refs.py" "$tmp/own-narrative.xml" ||
        { echo "FAIL: own narrative: references dangle"; fail=$((fail + 1)); }
    grep -q 'Narrative written by the caller' "$tmp/own-narrative.xml" ||
        { echo "FAIL: own narrative: text lost"; fail=$((fail + 1)); }
else
    echo "FAIL: build of a JSON with its own narrative"; fail=$((fail + 1))
fi

# a JSON whose pregnancy outcome / previous pregnancy observations (eH.3.46,
# eH.3.47) have no status: build --complete writes the statusCode the
# templates require (completed); checked Schematron-clean below
"$PY" - "$data/full-ps.json" "$tmp/nostatus.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
n = 0
for s in d["header"]["section"]:
    for k in ("pregnancy_outcome", "pregnancy_count"):
        for e in s.get(k, []):
            n += e.pop("status", None) is not None
assert n == 2, n
json.dump(d, open(sys.argv[2], "w"))
PYEOF
if "$EPSOS" build --complete -o "$tmp/nostatus.xml" "$tmp/nostatus.json"; then
    "$EPSOS" dump --json "$tmp/nostatus.xml" > "$tmp/nostatus-back.json"
    "$PY" - "$tmp/nostatus-back.json" <<'PYEOF' ||
import json, sys
d = json.load(open(sys.argv[1]))
st = [e.get("status", {}).get("code") for s in d["header"]["section"]
      for k in ("pregnancy_outcome", "pregnancy_count") for e in s.get(k, [])]
sys.exit(0 if st == ["completed", "completed"] else 1)
PYEOF
        { echo "FAIL: pregnancy observations without status: not completed"; fail=$((fail + 1)); }
else
    echo "FAIL: build --complete of pregnancy observations without status"; fail=$((fail + 1))
fi

if [ ! -x "$shared/tools/schematron/ehdsi-validate" ]; then
    echo "no $shared/tools/schematron/ehdsi-validate: Schematron check of built documents not run"
elif command -v java >/dev/null 2>&1 && [ -f "${SAXON_JAR:-/usr/share/java/Saxon-HE.jar}" ]; then
    if ! "$shared/tools/schematron/ehdsi-validate" --kind ps -q --no-info \
            "$tmp/full-ps-complete.xml" "$tmp/required-ps-complete.xml" \
            "$tmp/full-ps-plain.xml" "$tmp/required-ps-plain.xml" \
            "$tmp/own-narrative.xml" "$tmp/nostatus.xml" > "$tmp/sch" 2>&1; then
        echo "FAIL: built documents are not Schematron-clean:"; cat "$tmp/sch"; fail=$((fail + 1))
    else
        echo "built from Schematron-clean JSON: 0 Schematron errors"
    fi
else
    echo "java or Saxon-HE missing: Schematron check of built documents not run"
fi

# bad input is refused with a message
printf '{"kind": "PS", "header": {"title": }' > "$tmp/bad.json"
"$EPSOS" build "$tmp/bad.json" > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q 'not a JSON object' "$tmp/err" ||
    { echo "FAIL: broken JSON not refused"; fail=$((fail + 1)); }
printf '{"kind": "PS", "header": {"no_such_field": "x"}}' > "$tmp/bad.json"
"$EPSOS" build "$tmp/bad.json" > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q 'no_such_field: not a field' "$tmp/err" ||
    { echo "FAIL: unknown field not reported"; fail=$((fail + 1)); }

[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, $fail failed"
[ $fail -eq 0 ]
