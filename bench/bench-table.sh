#!/bin/sh
# libepsos - the table of the speed ratios of issue 9, all measured in this
# run on this machine (run by `make -C bench bench`):
#   bench-table.sh BENCH_BUILDDIR TOP_SRCDIR EPSOS CORPUS
# Every figure is a ratio of two things measured in the same run (or a
# fitted exponent), never a bare time; the goal column is the issue's.  The
# full output of each benchmark is printed first.
set -eu
b=$1 src=$2 epsos=$3 corpus=$4
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
PARSE_ROUNDS=${PARSE_ROUNDS:-50} DSIG_N=${DSIG_N:-200}

echo "== bench-parse over $corpus/samples [$(date +%T)]"
find "$corpus/samples" -name '*.xml' -print0 | xargs -0 "$b/bench-parse" -n "$PARSE_ROUNDS" | tee "$out/parse"
echo "== bench-build [$(date +%T)]"
"$b/bench-build" | tee "$out/build"
echo "== bench-dsig [$(date +%T)]"
if [ -x "$b/bench-dsig" ]; then
  sh "$src/tests/dsig/mkpki.sh" "$out/pki" > /dev/null
  "$b/bench-dsig" -n "$DSIG_N" "$out/pki" \
    "$corpus/samples/sundhedsdatastyrelsen-ehdsi/patient-summary-examples/L3_PS_ReferenceTestData_W5.xml" \
    "$src/tests/data/dsig/hcp-assertion.xml" _a7f3c2d1-9b8e-4f6a-8c5d-3e2f1a0b9c8d | tee "$out/dsig"
else
  echo "bench-dsig not built (needs libxmlsec1-dev)" | tee "$out/dsig"
fi
echo "== bench-jobs [$(date +%T)]"
sh "$src/bench/bench-jobs.sh" "$epsos" "$corpus" | tee "$out/jobs"

# the last number of the first line of FILE matching PATTERN, or n/a
pick() { awk -v p="$2" 'index($0, p) { v = $NF; exit } END { print (v == "" ? "n/a" : v) }' "$out/$1"; }
# the number after WORD (sign/verify ratio) on the line of bench-dsig for LABEL
dsig() { awk -v l="$1" -v w="$2" '$1 == l { s = 0; for (i = 1; i <= NF; i++) { if ($i == w ":") s = 1; if (s && $i == "ratio") { print $(i + 1); exit } } }' "$out/dsig"; }
row() {   # row MEASURE RATIO GOAL OP LIMIT
  r=$(awk -v r="$2" 'BEGIN { if (r == "" || r == "n/a") print "n/a"; else printf "%.2f", r }')
  met=$(awk -v r="$2" -v op="$4" -v lim="$5" 'BEGIN { if (r == "" || r == "n/a") print "-";
        else if (op == "le") print (r + 0 <= lim + 0 ? "yes" : "NO");
        else if (op == "ge") print (r + 0 >= lim + 0 ? "yes" : "NO");
        else print ((r + 0 >= 0.9 && r + 0 <= 1.1) ? "yes" : "NO") }')
  printf '%-58s %7s  %-10s %s\n' "$1" "$r" "$3" "$met"
}

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo '?')
echo
echo "== issue 9 speed table ($(date -u +%Y-%m-%dT%H:%MZ); $cpu, $(nproc) CPUs, load $load)"
printf '%-58s %7s  %-10s %s\n' "measure" "ratio" "goal" "met"
row "parse + read every field / xmlReadMemory (corpus)" "$(pick parse '(epsos_doc_parse + read header + free)')" "<= 1.5" le 1.5
row "serialize / xmlDocDumpMemory (corpus)" "$(pick parse 'epsos_doc_serialize / xmlDocDumpMemory')" "<= 1.2" le 1.2
row "peak memory: parsed document / libxml2 tree (corpus)" "$(pick parse 'peak heap')" "<= 1.5" le 1.5
row "build 200-entry PS + serialize / parse of it" "$(pick build '(build + complete + serialize) / parse:')" "<= 2" le 2
row "sign / xmlsec1 sign (PS W5, RSA-2048)" "$(dsig document sign)" "<= 1.0" le 1.0
row "verify / xmlsec1 verify (PS W5, RSA-2048)" "$(dsig document verify)" "<= 1.0" le 1.0
row "sign / xmlsec1 sign (HCP assertion)" "$(dsig assertion sign)" "<= 1.0" le 1.0
row "verify / xmlsec1 verify (HCP assertion)" "$(dsig assertion verify)" "<= 1.0" le 1.0
row "epsos dump throughput -j 2 / -j 1 (~1000 documents)" "$(pick jobs '(throughput gain), of the medians')" ">= 1.8" ge 1.8
row "exponent: parse + read all, 10..10^4 entries" "$(pick build 'exponent (time ~ entries^k), parse + read all')" "~ 1" near 1
row "exponent: build + serialize, 10..10^4 entries" "$(pick build 'exponent (time ~ entries^k), build + serialize')" "~ 1" near 1
