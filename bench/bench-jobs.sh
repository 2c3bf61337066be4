#!/bin/sh
# Throughput of `epsos dump` over ~1000 documents with -j 2 against -j 1,
# measured in the same run (the corpus files, each listed 16 times): five
# alternating pairs of runs, the median of the five ratios.
# Usage: bench-jobs.sh EPSOS CORPUS_DIR
set -eu
epsos=$1 corpus=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for i in $(seq 16); do find "$corpus/samples" -name '*.xml' -print0; done > "$list"
n=$(tr -cd '\0' < "$list" | wc -c)
t() { s=$(date +%s%N); xargs -0 "$epsos" dump "$@" < "$list" > /dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
t -j 1 > /dev/null                      # warm the page cache
ratios=$(for k in 1 2 3 4 5; do t1=$(t -j 1); t2=$(t -j 2); awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f\n", a / b }'; done | sort -n)
echo "five pairs of runs, -j 1 / -j 2 time ratios: $(echo $ratios)"
echo "epsos dump over $n documents: -j 1 / -j 2 time ratio (throughput gain), median: $(echo "$ratios" | sed -n 3p)"
