#!/usr/bin/env python3
"""The README's FLEQ floors tables from bench_fleq_floors' JSON (Google Benchmark
--benchmark_out). Usage: scripts/fleq_floor_table.py reports/fleq_floors.json

Table 1: per program, loops and at each scalar "measured (predicted)" final error, and
what limits the prediction at double. Table 2: the sweeps at double (weights compiled
for another unit roundoff: the products' C and the read temperature move)."""
import json
import re
import sys


def fmt(x):
    if x is None or x < 0:
        return "-"
    if x == 0:
        return "0"
    return f"{x:.1e}"


def main(path):
    runs = json.load(open(path))["benchmarks"]
    table, sweeps, scalars, programs = {}, [], [], []
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
        print(f"| {p.replace('.fq', '')} | {u[2:]} | 2^{int(r['product_C_log2'])} | {r['read_lambda']:g} | {cell(r)} | {fmt(r.get('predicted', -1))} |")


if __name__ == "__main__":
    main(sys.argv[1])
