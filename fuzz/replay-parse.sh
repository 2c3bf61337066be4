#!/bin/sh
# Replays the parse fuzz corpus: every input must run without a crash.
exec ./replay-parse "${srcdir:-.}/corpus/parse"
