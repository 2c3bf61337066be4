#!/bin/sh
# Throughput of `epsos dump` over ~1000 documents with -j 2 against -j 1,
# measured in the same run (the corpus files, each listed 16 times).
# Usage: bench-jobs.sh EPSOS CORPUS_DIR
set -eu
epsos=$1 corpus=$2
list=$(mktemp)
trap 'rm -f "$list"' EXIT
for i in $(seq 16); do find "$corpus/samples" -name '*.xml' -print0; done > "$list"
n=$(tr -cd '\0' < "$list" | wc -c)
t() { s=$(date +%s.%N); xargs -0 "$epsos" dump "$@" < "$list" > /dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
t -j 1 > /dev/null                      # warm the page cache
t1=$(t -j 1); t2=$(t -j 2)
echo "epsos dump over $n documents: -j 1 / -j 2 time ratio (throughput gain): $(echo "scale=2; $t1 / $t2" | bc)"
