#!/usr/bin/env bash
# Regenerate the goldens of tests/programs/*.py with real TensorFlow 2.21.
# Usage: tests/regen_goldens.sh [program.py ...]   (default: all programs)
# Creates a venv with tensorflow-cpu==2.21.0 in $TF_VENV (default ~/tf-venv) if missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${TF_VENV:-$HOME/tf-venv}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import tensorflow" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q tensorflow-cpu==2.21.0
fi
if [ $# -eq 0 ]; then set -- "$here"/programs/*.py; fi
for prog in "$@"; do
  dir=$(dirname "$prog"); base=$(basename "$prog" .py)
  (cd "$dir" && TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0 "$venv/bin/python" "$base.py" > "$base.out" 2>/dev/null) \
    || echo "note: $prog exited non-zero under TensorFlow (golden kept; programs should exit 0)" >&2
  echo "regenerated $dir/$base.out"
done
