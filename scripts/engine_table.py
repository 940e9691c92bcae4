#!/usr/bin/env python3
"""The README's engine speed tables from Google Benchmark JSON (scripts/engine_table.sh).

Reads bench_engine_scaling's and bench_engine_run's output (repetitions, randomly
interleaved, so that the ratios compare runs made side by side) and the single-size runs
that give the peak memory, and writes the tables between the README markers
<!-- BEGIN engine-speed-table --> and <!-- END engine-speed-table -->.
Usage: engine_table.py SCALING.json RUN.json README.md [MEMORY.json ...]
"""
import json
import re
import statistics
import sys

# The authors' numpy loop on OpenBLAS, weights built once, per loop (issue 14).
AUTHORS_MS = {32: 1.25, 64: 2.85, 128: 6.8, 256: 19.6, 512: 66, 1024: 229, 2048: 1139}


def runs(path):
    """name -> list of the repetitions' counters (iteration rows only)."""
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        out.setdefault(b["run_name"] if "run_name" in b else b["name"], []).append(b)
    return out


def ms_range(values, digits=3):
    lo, hi = min(values), max(values)
    fmt = lambda v: f"{v:.{digits}g}"
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}"


def ratio_range(values):
    lo, hi = min(values), max(values)
    fmt = lambda v: f"{v:.2g}" if v < 10 else f"{v:.0f}"
    return fmt(lo) if fmt(lo) == fmt(hi) else f"{fmt(lo)}-{fmt(hi)}"


def madds(count):
    m = count / 1e6
    return f"{m:.3g}" if m < 1000 else f"{m:.0f}"


def loop_ms(reps):
    return [r["loop_ms"] for r in reps]


def double_table(scaling):
    rows = ["| n | multiply-adds | floor | per loop | / floor | authors (OpenBLAS) | authors / loopcert |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    n = 32
    while f"BM_double/{n}" in scaling:
        reps = scaling[f"BM_double/{n}"]
        t = loop_ms(reps)
        floor = statistics.median(r["floor_ms"] for r in reps)
        x_floor = [r["x_floor"] for r in reps]
        authors = AUTHORS_MS.get(n)
        rows.append(f"| {n} | {madds(reps[0]['madds'])} M | {floor:.2g} ms | {ms_range(t)} ms | {ratio_range(x_floor)} | "
                    + (f"{authors:g} ms | {ratio_range([authors / v for v in t])}x |" if authors else "- | - |"))
        n *= 2
    return rows


def scalar_table(scaling):
    rows = ["| scalar | n | per loop | / double (same repetition) |", "| --- | --- | --- | --- |"]
    for scalar in ["float", "bf16", "fp16", "mpfr128"]:
        for name in sorted((k for k in scaling if k.startswith(f"BM_{scalar}/")), key=lambda k: int(k.split("/")[1])):
            n = int(name.split("/")[1])
            reps, base = scaling[name], scaling.get(f"BM_double/{n}")
            t = loop_ms(reps)
            ratios = [a["loop_ms"] / b["loop_ms"] for a, b in zip(reps, base)] if base else []
            label = "mpfr:128" if scalar == "mpfr128" else scalar
            rows.append(f"| {label} | {n} | {ms_range(t)} ms | {ratio_range(ratios) if ratios else '-'} |")
    return rows


def run_table(run):
    rows = ["| n | bare loop | run, untracked | `run` (tracking on) | authors (OpenBLAS) | authors / `run` | `run` / bare | `run` setup |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n in sorted({int(k.split("/")[1]) for k in run}):
        bare, untracked, tracked = (loop_ms(run[f"BM_{k}/{n}"]) for k in ("bare", "untracked", "run"))
        authors = AUTHORS_MS[n]
        rows.append(f"| {n} | {ms_range(bare)} ms | {ms_range(untracked)} ms | {ms_range(tracked)} ms | {authors:g} ms | "
                    f"{ratio_range([authors / v for v in tracked])}x | {ratio_range([a / b for a, b in zip(tracked, bare)])} | "
                    f"{ms_range([r['setup_ms'] for r in run[f'BM_run/{n}']], 2)} ms |")
    return rows


def threads_table(scaling):
    rows = ["| n | 1 thread | 2 threads | 1 thread / 2 threads (same repetition) |", "| --- | --- | --- | --- |"]
    for n in sorted({int(k.split("/")[1]) for k in scaling if k.startswith("BM_threads/")}):
        one, two = (loop_ms(scaling[f"BM_threads/{n}/{t}/real_time"]) for t in (1, 2))
        rows.append(f"| {n} | {ms_range(one)} ms | {ms_range(two)} ms | {ratio_range([a / b for a, b in zip(one, two)])} |")
    return rows


def memory_line(paths):
    parts = []
    for path in paths:
        for name, reps in runs(path).items():
            parts.append(f"{reps[0]['peak_rss_MB']:.0f} MB at n = {name.split('/')[1]}")
    return "Peak resident memory of the benchmark process run at one size alone: " + ", ".join(parts) + "." if parts else ""


def main():
    scaling, run, readme = runs(sys.argv[1]), runs(sys.argv[2]), sys.argv[3]
    block = (["Double, per loop (ranges over the repetitions):", ""] + double_table(scaling)
             + ["", "Other scalars, per loop, and the ratio to double in the same repetition:", ""] + scalar_table(scaling)
             + ["", "`loopcert run` at double on the same random programs (bench_engine_run; per loop, the setup apart):", ""]
             + run_table(run)
             + ["", "`--threads` at double (bench_engine_scaling BM_threads; wall-clock time per loop, on the shared 2-core machine):", ""]
             + threads_table(scaling))
    memory = memory_line(sys.argv[4:])
    if memory:
        block += ["", memory]
    text = open(readme).read()
    begin, end = "<!-- BEGIN engine-speed-table -->", "<!-- END engine-speed-table -->"
    if begin not in text or end not in text:
        sys.exit(f"{readme}: the markers {begin} ... {end} are missing")
    new = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: begin + "\n" + "\n".join(block) + "\n" + end, text, flags=re.S)
    open(readme, "w").write(new)
    print(f"updated {readme}", file=sys.stderr)


if __name__ == "__main__":
    main()
