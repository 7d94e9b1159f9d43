#!/usr/bin/env bash
# Regenerate tests/hostile/NAME.expect from CPython 3.11 + TensorFlow 2.21.
# Usage: tests/hostile/regen_expect.sh [NAME.py ...]   (default: all programs)
#
# A program whose first line starts with "# unsupported" is outside the
# subset by definition: its expectation is "unsupported" and it is never run.
# Every other program is run under the TF venv ($TF_VENV, default ~/tf-venv,
# else /work/tf-venv); it must fail, and its expectation is the class name of
# the exception on the last exception line of its stderr (dotted module
# prefixes dropped: "tensorflow...errors_impl.InvalidArgumentError: ..." ->
# InvalidArgumentError). tests/hostile.rs applies the same rule to tfjit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=${TF_VENV:-$HOME/tf-venv}
[ -x "$venv/bin/python" ] || venv=/work/tf-venv
py="$venv/bin/python"
[ -x "$py" ] || { echo "no TensorFlow venv found (set TF_VENV)" >&2; exit 1; }
if [ $# -eq 0 ]; then set -- "$here"/*.py; fi

# The class of the last line of stdin that looks like "Name: message" or "Name".
exception_class() {
  "$py" -c '
import re, sys
pat = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)(:\s.*|:?\s*)$")
name = ""
for line in sys.stdin.read().splitlines():
    m = pat.match(line.rstrip())
    if m:
        name = m.group(1).rsplit(".", 1)[-1]
print(name)'
}

status=0
for prog in "$@"; do
  dir=$(dirname "$prog"); base=$(basename "$prog" .py)
  expect="$dir/$base.expect"
  if head -n 1 "$prog" | grep -q '^# unsupported'; then
    echo unsupported > "$expect"
    echo "$base: unsupported"
    continue
  fi
  err=$(mktemp)
  rc=0
  (cd "$dir" && TF_CPP_MIN_LOG_LEVEL=3 PYTHONHASHSEED=0 timeout 300 "$py" "$base.py" \
      > /dev/null 2> "$err" < /dev/null) || rc=$?
  cls=$(exception_class < "$err")
  rm -f "$err"
  if [ "$rc" -eq 0 ] || [ -z "$cls" ]; then
    echo "$base: exit $rc with no exception under CPython: fix the program" >&2
    status=1
    continue
  fi
  echo "$cls" > "$expect"
  echo "$base: $cls (exit $rc)"
done
exit $status
