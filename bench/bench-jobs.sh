#!/bin/sh
# Throughput of `epsos dump` over ~1000 documents with -j 2 against -j 1,
# measured in the same run (the corpus files, each listed 16 times).
# Usage: bench-jobs.sh EPSOS CORPUS_DIR
# EPSOS is the binary (in a build tree: run this script under
# `libtool --mode=execute`, which passes tools/.libs/epsos; the libtool
# wrapper script would add its shell start-up to every run).
set -eu
epsos=$1 corpus=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for i in $(seq 16); do find "$corpus/samples" -name '*.xml' -print0; done > "$list"
n=$(tr -cd '\0' < "$list" | wc -c)
t() { s=$(date +%s%N); xargs -0 "$epsos" dump "$@" < "$list" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
t -j 1 > /dev/null                      # warm the page cache
# Eleven alternating pairs of runs: a run lasts a fraction of a second, so
# single ratios scatter by +-10%; the ratio of the median times is stable.
pairs=$(for k in 1 2 3 4 5 6 7 8 9 10 11; do echo "$(t -j 1) $(t -j 2)"; done)
m1=$(echo "$pairs" | cut -d' ' -f1 | sort -n | sed -n 6p)
m2=$(echo "$pairs" | cut -d' ' -f2 | sort -n | sed -n 6p)
echo "median of 11 runs: -j 1 $m1 us, -j 2 $m2 us"
echo "epsos dump over $n documents: -j 1 / -j 2 time ratio (throughput gain), of the medians: $(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f", a / b }')"
