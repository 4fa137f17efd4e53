#!/usr/bin/env python3
"""Runs a criterion bench several times and prints a Markdown table of the median of the
per-run medians for each runtime, with ratios to tokio (lower is better for avx)."""
import json
import pathlib
import statistics
import subprocess
import sys

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
bench = sys.argv[2] if len(sys.argv) > 2 else "rt_compare"
root = pathlib.Path(__file__).resolve().parents[2]
criterion = root / "target" / "criterion"
samples = {}  # (group, runtime) -> [median ns per run]

for run in range(runs):
    subprocess.run(["cargo", "bench", "-q", "-p", "avx-std", "--bench", bench], cwd=root, check=True,
                   stdout=subprocess.DEVNULL)
    for estimates in criterion.glob("*/*/new/estimates.json"):
        group, runtime = estimates.parts[-4], estimates.parts[-3]
        median = json.loads(estimates.read_text())["median"]["point_estimate"]
        samples.setdefault((group, runtime), []).append(median)
    print(f"run {run + 1}/{runs} done", file=sys.stderr)

def fmt(ns):
    return f"{ns / 1e6:.3f} ms" if ns >= 1e6 else f"{ns / 1e3:.1f} µs"

groups = sorted({g for g, _ in samples})
print("| workload | avx | tokio | smol | avx / tokio | smol / tokio | avx / best other |")
print("|---|---|---|---|---|---|---|")
for group in groups:
    med = {rt: statistics.median(v) for (g, rt), v in samples.items() if g == group}
    if not {"avx", "tokio", "smol"} <= med.keys():
        continue
    best_other = min(med["tokio"], med["smol"])
    print(f"| {group} | {fmt(med['avx'])} | {fmt(med['tokio'])} | {fmt(med['smol'])} | "
          f"{med['avx'] / med['tokio']:.2f} | {med['smol'] / med['tokio']:.2f} | {med['avx'] / best_other:.2f} |")
