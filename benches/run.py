#!/usr/bin/env python3
"""Benchmark harness: run every workload with tfjit (and TensorFlow) and
print one table of first-call and steady-state times.

Each workload in the workloads folder (default `../shared/bench/workloads`
next to the repository) is a TF2 program that prints

    checksum: <6 significant digits>
    first_call_ms: <trace + compile + first run>
    steady_ms: <median ms per call>

The harness runs it `--reps` times with tfjit and, with `--tf-python`, with
TensorFlow in the same run (interleaved, so both see the same machine
load), takes the median of each figure over the repetitions, and prints a
Markdown table. A program that tfjit (or TF) cannot run shows the first line
of its error in the table; the harness itself goes on.

Usage (normally through `benches/run.sh`, which builds tfjit first):

    python3 benches/run.py --tfjit target/release/tfjit \\
        [--tf-python /work/tf-venv/bin/python] [--xla] [--reps 3] \\
        [--only mlp_forward,softmax] [--timeout 900] [--json out.json]

Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date

FIELDS = ("checksum", "first_call_ms", "steady_ms")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_WORKLOADS = os.path.join(os.path.dirname(REPO), "shared", "bench", "workloads")


def error_line(stderr, stdout, code):
    """The first line of the error a failed run reported: the first
    unindented line after a Python-style traceback's header (the exception
    line), else the first non-empty line."""
    lines = [l.rstrip() for l in stderr.splitlines() if l.strip()]
    if "Traceback (most recent call last):" in lines:
        start = len(lines) - 1 - lines[::-1].index("Traceback (most recent call last):")
        for line in lines[start + 1:]:
            if not line[:1].isspace():  # frames are indented; the exception is not
                return line.strip()
    if lines:
        return lines[0].strip()
    if code is not None and code != 0:
        return f"exit code {code}"
    tail = [l for l in stdout.splitlines() if l.strip()]
    return f"no result lines printed ({tail[-1][:40] if tail else 'no output'})"


def run_once(cmd, cwd, timeout, env):
    """Run one workload once; returns a dict of the printed fields, or
    `{"error": first line}`."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:g} s"}
    except OSError as e:
        return {"error": f"cannot start {cmd[0]}: {e}"}
    found = {}
    for line in p.stdout.splitlines():
        m = re.match(r"^(checksum|first_call_ms|steady_ms):\s*(\S+)\s*$", line)
        if m:
            found[m.group(1)] = m.group(2)
    if p.returncode != 0 or any(f not in found for f in FIELDS):
        return {"error": error_line(p.stderr, p.stdout, p.returncode)}
    try:
        return {"checksum": found["checksum"], "first_call_ms": float(found["first_call_ms"]), "steady_ms": float(found["steady_ms"])}
    except ValueError:
        return {"error": f"unparsable result: {found}"}


def summarize(runs):
    """Median first-call and steady times over the successful runs; the
    first error if none succeeded."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"error": runs[0]["error"] if runs else "not run"}
    return {
        "checksum": ok[0]["checksum"],
        "checksums": sorted({r["checksum"] for r in ok}),
        "first_call_ms": statistics.median(r["first_call_ms"] for r in ok),
        "steady_ms": statistics.median(r["steady_ms"] for r in ok),
        "runs": len(ok),
    }


def xla_copy(path, tmpdir):
    """A copy of the workload whose `@tf.function` is `@tf.function(jit_compile=True)`."""
    with open(path) as f:
        src = f.read()
    src = re.sub(r"^@tf\.function\s*$", "@tf.function(jit_compile=True)", src, flags=re.M)
    out = os.path.join(tmpdir, os.path.basename(path))
    with open(out, "w") as f:
        f.write(src)
    return out


def checksums_agree(a, b):
    """`yes` if two 6-significant-digit checksums are equal, `≈` if they
    agree within float rounding (relative 1e-4), else `NO`."""
    if a == b:
        return "yes"
    try:
        x, y = float(a), float(b)
    except ValueError:
        return "NO"
    if abs(x - y) <= 1e-4 * max(abs(x), abs(y)):
        return "≈"
    return "NO"


def fmt_ms(v):
    if v >= 1000:
        return f"{v:,.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3g}"


def cell(summary, key):
    if "error" in summary:
        return "—"
    return fmt_ms(summary[key])


def ratio(base, ours):
    if "error" in base or "error" in ours or ours["steady_ms"] <= 0:
        return "—"
    r = base["steady_ms"] / ours["steady_ms"]
    return f"{r:,.0f}×" if r >= 1000 else f"{r:.3g}×"


def machine_line():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"


def load_average():
    """The 1-minute load average (other work on the machine skews timings)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tfjit", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target")), "release", "tfjit"), help="the tfjit binary (default: $CARGO_TARGET_DIR/release/tfjit)")
    ap.add_argument("--tfjit-args", default="", help="extra arguments after `tfjit` (e.g. '--no-jit')")
    ap.add_argument("--tf-python", help="a Python with tensorflow-cpu==2.21.0: also run every workload with TF")
    ap.add_argument("--xla", action="store_true", help="with --tf-python: also run TF with jit_compile=True")
    ap.add_argument("--workloads", default=os.environ.get("TFJIT_BENCH_WORKLOADS", DEFAULT_WORKLOADS), help="folder of workload programs")
    ap.add_argument("--only", help="comma-separated workload names")
    ap.add_argument("--reps", type=int, default=3, help="runs of each program per system (median reported)")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds before one run is abandoned")
    ap.add_argument("--json", help="also write the raw results here")
    args = ap.parse_args()

    if not os.path.isdir(args.workloads):
        sys.exit(f"run.py: no workloads folder {args.workloads} (use --workloads)")
    names = sorted(f[:-3] for f in os.listdir(args.workloads) if f.endswith(".py"))
    if args.only:
        wanted = [w.strip() for w in args.only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in names]
        if unknown:
            sys.exit(f"run.py: unknown workloads: {', '.join(unknown)} (have: {', '.join(names)})")
        names = wanted
    tfjit = os.path.abspath(args.tfjit)
    if not os.path.exists(tfjit):
        sys.exit(f"run.py: no tfjit binary at {tfjit} (build with `cargo build --release` or pass --tfjit)")

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    systems = [("tfjit", lambda p: [tfjit] + args.tfjit_args.split() + ["run", p])]
    if args.tf_python:
        systems.append(("TF", lambda p: [args.tf_python, p]))
        if args.xla:
            systems.append(("TF XLA", "xla"))

    tmpdir = tempfile.mkdtemp(prefix="tfjit-bench-")
    load_start = load_average()
    results = {}
    started = time.time()
    for name in names:
        path = os.path.join(args.workloads, name + ".py")
        runs = {s: [] for s, _ in systems}
        for rep in range(args.reps):
            for sname, make in systems:
                if runs[sname] and "error" in runs[sname][0]:
                    continue  # a program a system cannot run fails the same way every time
                if make == "xla":
                    cmd = [args.tf_python, xla_copy(path, tmpdir)]
                else:
                    cmd = make(path)
                r = run_once(cmd, args.workloads, args.timeout, env)
                runs[sname].append(r)
                status = r.get("error") or f"steady {r['steady_ms']:g} ms"
                print(f"[{time.time() - started:7.1f}s] {name} {sname} #{rep + 1}: {status}", file=sys.stderr, flush=True)
        results[name] = {s: summarize(runs[s]) for s, _ in systems}

    # ---- the table
    cols = ["workload", "tfjit first_call_ms", "tfjit steady_ms"]
    if args.tf_python:
        cols += ["TF first_call_ms", "TF steady_ms", "TF/tfjit (steady)"]
        if args.xla:
            cols += ["TF XLA steady_ms", "XLA/tfjit"]
        cols += ["checksum"]
    rows = []
    notes = []
    for name in names:
        res = results[name]
        ours = res["tfjit"]
        if "error" in ours:
            err = ours["error"].replace("|", "\\|")
            if len(err) > 90:
                err = err[:87] + "..."
            row = [name, f"error: {err}", ""]
        else:
            row = [name, cell(ours, "first_call_ms"), cell(ours, "steady_ms")]
            if len(ours["checksums"]) > 1:
                notes.append(f"{name}: tfjit checksums differ between runs: {', '.join(ours['checksums'])}")
        if args.tf_python:
            tf = res["TF"]
            row += [cell(tf, "first_call_ms") if "error" not in tf else "error", cell(tf, "steady_ms"), ratio(tf, ours)]
            if "error" in tf:
                notes.append(f"{name}: TF failed: {tf['error']}")
            if args.xla:
                x = res["TF XLA"]
                row += [cell(x, "steady_ms") if "error" not in x else "error", ratio(x, ours)]
            if "error" in ours or "error" in tf:
                row.append("—")
            else:
                agree = checksums_agree(ours["checksum"], tf["checksum"])
                row.append(agree if agree == "yes" else f"{agree} ({ours['checksum']} vs {tf['checksum']})")
        rows.append(row)

    print(f"tfjit benchmarks, {date.today().isoformat()}, {machine_line()}")
    print(f"median of {args.reps} run(s) per system; times in ms; ratio > 1 means tfjit is faster; "
          f"load average {load_start} at the start, {load_average()} at the end")
    print()
    print("| " + " | ".join(cols) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(cols))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for n in notes:
        print(f"\nnote: {n}")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"date": date.today().isoformat(), "machine": machine_line(), "reps": args.reps, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
