#!/usr/bin/env python3
"""Writes BENCHMARKS.md (to stdout) from the JSON lines of decode-compare.sh: medians of the repeats per shape and
implementation, ratios against llama2.c measured in the same session, and the machine they ran on."""
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

out, threads = sys.argv[1], sys.argv[2]
ROOFLINE = 165.0  # fp32 GEMM GFLOP/s of this 2-core machine (2048^3 sgemm, ND4J and PyTorch alike; field notes)
rows = [json.loads(l) for f in sorted(glob.glob(os.path.join(out, "decode-*.jsonl"))) for l in open(f) if l.startswith("{")]


def med(shape, kernel, event, batch, key):
    xs = [r[key] for r in rows if r["shape"] == shape and r["kernel"] == kernel and r["event"] == event
          and r.get("batch") == batch and key in r]
    return statistics.median(xs) if xs else None


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
shapes = []
for r in rows:
    if r["shape"] not in shapes:
        shapes.append(r["shape"])
params = {r["shape"]: r["params"] for r in rows if "params" in r}

print("# Benchmarks\n")
print("Regenerate with `mubench-bench/decode-compare.sh PATH_TO_LLAMA2C_CHECKOUT` (about 20 minutes; the peer is "
      "skipped without a checkout). Medians of 3 repeats, 256 new tokens, greedy, random weights (stories260K: its own), "
      "all in one session.\n")
print(f"Machine: {cpu()}, {os.cpu_count()} cores, {int(mem) // 1024 // 1024} GiB; {java}; llama2.c `run.c` built with "
      f"`gcc -Ofast -march=native -fopenmp`, `OMP_NUM_THREADS={threads}`.\n")
print("## Decoding at batch 1 (ms/token; lower is better)\n")
print("| shape | parameters | mubench (BlasLlama) | mubench (ND4J ops) | llama2.c | mubench speed vs llama2.c |")
print("|---|---|---|---|---|---|")
for s in shapes:
    b, n, p = med(s, "BlasLlama", "decode", 1, "ms_per_token"), med(s, "Llama", "decode", 1, "ms_per_token"), med(s, "llama2.c", "decode", 1, "ms_per_token")
    fmt = lambda x: "—" if x is None else f"{x:.3f}"
    ratio = "—" if b is None or p is None else f"{p / b:.2f}×"
    print(f"| {s} | {params.get(s, 0) / 1e6:.1f}M | {fmt(b)} | {fmt(n)} | {fmt(p)} | {ratio} |")
print("\n## Batch 16 decoding and prefill (GFLOP/s counts 2 FLOPs per multiplying weight per token: all but an untied input embedding; "
      f"roofline {ROOFLINE:.0f} GFLOP/s)\n")
print("| shape | batch-16 greedy, tok/s | GFLOP/s (% of roofline) | prefill 8 × 256, tok/s | GFLOP/s (% of roofline) |")
print("|---|---|---|---|---|")
for s in shapes:
    t, g = med(s, "BlasLlama", "decode", 16, "tokens_per_s"), med(s, "BlasLlama", "decode", 16, "gflops")
    pt, pg = med(s, "BlasLlama", "prefill", 8, "tokens_per_s"), med(s, "BlasLlama", "prefill", 8, "gflops")
    if t is None:
        continue
    print(f"| {s} | {t:.0f} | {g:.1f} ({100 * g / ROOFLINE:.0f}%) | {pt:.0f} | {pg:.1f} ({100 * pg / ROOFLINE:.0f}%) |")
print("\nRaw lines: `bench-out/decode-*.jsonl`.")
