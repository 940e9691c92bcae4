#!/usr/bin/env python3
"""The README's FLEQ floors tables from bench_fleq_floors' JSON (Google Benchmark
--benchmark_out). Usage: scripts/fleq_floor_table.py reports/fleq_floors.json
   or: scripts/fleq_floor_table.py --text bench_output.txt ... [more.json]  (the console
       output, e.g. of a run still in progress; counters carry SI suffixes there, and
       values below 1e-24 lose theirs: take those from a JSON, whose records win)

Table 1: per program, loops and at each scalar "measured (predicted)" final error, and
what limits the prediction at double. Table 2: the sweeps at double (weights compiled
for another unit roundoff: the products' C and the read temperature move). Tables 3 and
4: at double, the products' C alone (2^K times the compiler's), then the read
temperature alone (the compiler's + D), "measured (predicted, what limits it)"."""
import json
import re
import sys


def fmt(x):
    if x is None or x < 0:
        return "-"
    if x == 0:
        return "0"
    return f"{x:.1e}"


SI = {"y": 1e-24, "z": 1e-21, "a": 1e-18, "f": 1e-15, "p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9}


def si(text):
    if text in ("inf", "-inf", "nan"):
        return float(text)
    text = text.rstrip("s") if text.endswith("s") and text[:-1] and text[-2].isdigit() else text
    if text and text[-1] in SI:
        return float(text[:-1]) * SI[text[-1]]
    return float(text)


def text_runs(paths):
    """Benchmark records from console lines: name, times, iterations, key=value counters, label."""
    runs = []
    for path in paths:
        for line in open(path):
            if not line.startswith(("floor/", "sweep/", "sweep_c/", "sweep_lambda/")):
                continue
            words = line.split()
            record, label = {"name": words[0]}, []
            for w in words[6:]:
                k, eq, v = w.partition("=")
                if eq and not label and k.replace("_", "").isalnum():
                    try:
                        record[k] = si(v)
                        continue
                    except ValueError:
                        pass
                label.append(w)
            record["label"] = " ".join(label)
            runs.append(record)
    return runs


def main(args):
    if args[0] == "--text":
        # JSON records first (a later file's record replaces an earlier one in place),
        # then the console lines no JSON has.
        by_name = {}
        for a in args[1:]:
            if a.endswith(".json"):
                for r in json.load(open(a))["benchmarks"]:
                    by_name[r["name"]] = r
        runs = list(by_name.values())
        runs += [r for r in text_runs([a for a in args[1:] if not a.endswith(".json")]) if r["name"] not in by_name]
    else:
        runs = json.load(open(args[0]))["benchmarks"]
    table, sweeps, scalars, programs, steps = {}, [], [], [], {}
    for r in runs:
        name = r["name"].split("/iterations")[0]
        label = r.get("label", "")
        parts = name.split("/")
        if parts[0] == "floor":
            program, scalar = "/".join(parts[1:3]), parts[3]
            table[(program, scalar)] = r
            if scalar not in scalars:
                scalars.append(scalar)
            if program not in programs:
                programs.append(program)
        elif parts[0] == "sweep":
            sweeps.append(("/".join(parts[1:3]), parts[4], r))
        elif parts[0] in ("sweep_c", "sweep_lambda"):
            step = int(parts[4].split("=")[1])
            kind = steps.setdefault(parts[0], {})
            kind.setdefault("/".join(parts[1:3]), {})[step] = r

    def cell(r):
        if r is None:
            return "-"
        if "refused" in r.get("label", ""):
            return "refused"
        if r.get("measured", -1) < 0:
            return "diverged"
        return f"{fmt(r['measured'])} ({fmt(r.get('predicted', -1))})"

    head = ["program", "loops"] + scalars + ["amplification (double)", "limit (double)"]
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for p in programs:
        d = table.get((p, "double"), {})
        loops = int(d.get("loops", 0))
        m = re.search(r"limit=([^;]*)", d.get("label", ""))
        row = [p.replace(".fq", ""), str(loops)] + [cell(table.get((p, s))) for s in scalars]
        row += [fmt(d.get("amplification", -1)), m.group(1) if m else "-"]
        print("| " + " | ".join(row) + " |")
    print()
    print("| program | weights for u | C = 2^c | read lambda | measured at double | predicted |")
    print("| --- | --- | --- | --- | --- | --- |")
    for p, u, r in sweeps:
        c = f"2^{int(r['product_C_log2'])}" if "product_C_log2" in r else "-"
        lam = f"{r['read_lambda']:g}" if "read_lambda" in r else "-"
        measured = cell(r).split(" (")[0]
        print(f"| {p.replace('.fq', '')} | {u[2:]} | {c} | {lam} | {measured} | {fmt(r.get('predicted', -1))} |")
    step_table(steps.get("sweep_c", {}), "C = 2^c", "product_C_log2", lambda k: c_step_name(k), lambda x: f"2^{int(x)}")
    step_table(steps.get("sweep_lambda", {}), "read lambda", "read_lambda", lambda d: f"{d:+d}" if d else "lambda", lambda x: f"{x:g}")


def c_step_name(k):
    return "C" if k == 0 else (f"{2 ** k}C" if k > 0 else f"C/{2 ** -k}")


def limit_of(r):
    m = re.search(r"limit=([^;]*)", r.get("label", ""))
    return m.group(1) if m and r.get("predicted", -1) >= 0 else None


def step_table(by_program, what, counter, step_name, value):
    """One row per program, one column per step: "measured (predicted, limit)"; the
    compiler's own constant (step 0) in the second column."""
    if not by_program:
        return
    all_steps = sorted({k for runs in by_program.values() for k in runs})
    print()
    print(f"| program | {what} (compiler's) | " + " | ".join(step_name(k) for k in all_steps) + " |")
    print("|" + " --- |" * (len(all_steps) + 2))
    for p, runs in by_program.items():
        base = runs.get(0, {})
        row = [p.replace(".fq", ""), value(base[counter]) if counter in base else "-"]
        for k in all_steps:
            r = runs.get(k)
            if r is None or "refused" in r.get("label", ""):
                row.append("-" if r is None else "refused")
            elif r.get("measured", -1) < 0:
                row.append("diverged")
            else:
                limit = limit_of(r)
                row.append(f"{fmt(r['measured'])} ({fmt(r.get('predicted', -1))}{', ' + limit if limit else ''})")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
