#!/bin/sh
# Runs check-man.py (skipped when python3 is absent).
PY=${PYTHON3:-$(command -v python3)}
[ -n "$PY" ] || { echo "python3 not found: skipped"; exit 77; }
exec "$PY" "$(dirname "$0")/check-man.py"
