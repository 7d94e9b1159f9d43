#!/usr/bin/env bash
# Build tfjit (release) and run every benchmark workload with it, and with
# TensorFlow too when given `--tf-python PY`. All arguments go to
# benches/run.py (see `benches/run.sh --help`); `--no-build` skips the build.
#
#   benches/run.sh                                      # tfjit only
#   benches/run.sh --tf-python /work/tf-venv/bin/python # tfjit vs TF, one run
#   CARGO_TARGET_DIR=/work/target-rel benches/run.sh --only mlp_forward --reps 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done
if [[ $build == 1 ]]; then
  (cd "$root" && cargo build --release --bin tfjit >&2)
fi
exec python3 "$root/benches/run.py" --tfjit "$target/release/tfjit" "${args[@]+"${args[@]}"}"
