#!/usr/bin/env python3
"""Writes BENCHMARKS.md (to stdout) from the JSON lines of decode-compare.sh: medians (and ranges) of the repeats per
shape and implementation, ratios against llama2.c measured in the same session, the GEMM and memory-read limits
measured in the same run, and the machine it all ran on."""
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

out, threads = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for f in sorted(glob.glob(os.path.join(out, "decode-*.jsonl"))) for l in open(f) if l.startswith("{")]


def values(shape, kernel, event, batch, key):
    return [r[key] for r in rows if r["shape"] == shape and r["kernel"] == kernel and r["event"] == event
            and r.get("batch") == batch and key in r]


def med(shape, kernel, event, batch, key):
    xs = values(shape, kernel, event, batch, key)
    return statistics.median(xs) if xs else None


def spread(shape, kernel, event, batch, key, fmt="{:.2f}"):
    xs = values(shape, kernel, event, batch, key)
    if not xs:
        return "—"
    m = fmt.format(statistics.median(xs))
    return m if len(xs) == 1 else f"{m} ({fmt.format(min(xs))}–{fmt.format(max(xs))})"


def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
mem = next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1]
shapes = []
for r in rows:
    if r["shape"] not in shapes and r["event"] == "decode":
        shapes.append(r["shape"])
params = {r["shape"]: r["params"] for r in rows if "params" in r}
weights = {r["shape"]: r["weight_mib"] for r in rows if "weight_mib" in r}
gemm = statistics.median([r["gemm_gflops"] for r in rows if "gemm_gflops" in r])
read = statistics.median([r["read_gbps"] for r in rows if "read_gbps" in r])

print("# Benchmarks\n")
print("Regenerate with `mubench-bench/decode-compare.sh PATH_TO_LLAMA2C_CHECKOUT [shapes...]` (a few minutes per "
      "shape; the peer is skipped without a checkout). 256 new tokens, greedy, random weights (stories260K: its own); "
      "medians of 3 repeats after an unreported warm-up (one prefill, then passes of 32 new tokens for at least 5 s at each batch size), the range in brackets; "
      "everything in one session.\n")
print(f"Machine: {cpu()}, {os.cpu_count()} cores, {int(mem) // 1024 // 1024} GiB; {java}; llama2.c `run.c` built with "
      f"`gcc -Ofast -march=native -fopenmp`, `OMP_NUM_THREADS={threads}`.\n")
print(f"Limits measured in the same runs (`Roofline`): fp32 GEMM **{gemm:.0f} GFLOP/s** (OpenBLAS sgemm 2048³, best of 5) "
      f"and memory read **{read:.1f} GB/s** (OpenBLAS sasum over 1 GiB, best of 5). Batch-1 decoding reads every "
      "multiplying weight once per token, so its floor is weights ÷ bandwidth.\n")
print("## Decoding at batch 1 (ms/token; lower is better)\n")
print("| shape | parameters | weights read a token | floor (weights ÷ bandwidth) | mubench (BlasLlama, default) "
      "| mubench (ND4J ops) | llama2.c | mubench speed vs llama2.c |")
print("|---|---|---|---|---|---|---|---|")
for s in shapes:
    b, p = med(s, "BlasLlama", "decode", 1, "ms_per_token"), med(s, "llama2.c", "decode", 1, "ms_per_token")
    ratio = "—" if b is None or p is None else f"{p / b:.2f}×"
    w = weights.get(s, 0)
    print(f"| {s} | {params.get(s, 0) / 1e6:.1f}M | {w:.0f} MiB | {w * 1.048576 / read:.2f} | "
          f"{spread(s, 'BlasLlama', 'decode', 1, 'ms_per_token')} | {spread(s, 'Llama', 'decode', 1, 'ms_per_token')} | "
          f"{spread(s, 'llama2.c', 'decode', 1, 'ms_per_token')} | {ratio} |")
PASSES = [("prefill", "prefill 8 × 256"), ("score", "score 8 MMLU-shaped items"), ("all_logits", "all logits 8 × 256")]
print(f"\n## Batched decoding, prefill and scoring (BlasLlama; GFLOP/s counts 2 FLOPs per multiplying weight per token "
      f"where the pass needs it, % of the {gemm:.0f} GFLOP/s GEMM limit)\n")
print("Forward passes over 8 rows of 256 tokens: *prefill* is generation's (logits of the last position), *score* "
      "scores 8 items of a 256-token context and a one-token answer through `LogLikelihood` (the logits that predict "
      "the answer), *all logits* gives every position's (rolling perplexity needs them; scoring computed them all "
      "until `forwardLast`). The layers multiply every token; the LM head only the positions whose logits a pass "
      "returns, and only those are counted.\n")
print("A decoding step reads every multiplying weight once and each row's keys and values of every layer (the mean "
      "over the 256 steps: the cache grows by one slot a step), so the bytes a step reads ÷ the measured bandwidth is a "
      "floor under its time as well as the GEMM limit; the last column is that floor over the step's time. *OpenBLAS "
      "at these rows* is the BLAS reference for a step's products: `sgemm` of that many rows over every multiplying "
      "weight of the shape, each in memory of its own (best of 4 passes, `Roofline.blasRowsGflops`), in the same run.\n")
print("| shape | batch | ms/step | tok/s | GFLOP/s (% of limit) | OpenBLAS at these rows (GFLOP/s) | MiB read a step (weights + KV) | memory floor (ms) | % of memory floor |")
print("|---|---|---|---|---|---|---|---|---|")
for s in shapes:
    for batch in sorted({r["batch"] for r in rows if r["shape"] == s and r["event"] == "decode" and r["batch"] > 1}):
        g = med(s, "BlasLlama", "decode", batch, "gflops")
        if g is None:
            continue
        step, kv, w = med(s, "BlasLlama", "decode", batch, "ms_per_step"), med(s, "BlasLlama", "decode", batch, "kv_mib_per_step"), weights.get(s, 0)
        floor = "— | — | —" if kv is None else f"{w:.0f} + {kv:.0f} | {(w + kv) * 1.048576 / read:.2f} | {100 * (w + kv) * 1.048576 / read / step:.0f}%"
        blas = med(s, "BlasLlama", "blas_rows", batch, "gflops")
        print(f"| {s} | decode {batch} | {spread(s, 'BlasLlama', 'decode', batch, 'ms_per_step')} | "
              f"{spread(s, 'BlasLlama', 'decode', batch, 'tokens_per_s', '{:.0f}')} | {g:.1f} ({100 * g / gemm:.0f}%) | "
              f"{'—' if blas is None else f'{blas:.1f}'} | {floor} |")
    for event, label in PASSES:
        g = med(s, "BlasLlama", event, 8, "gflops")
        if g is not None:
            print(f"| {s} | {label} | — | {spread(s, 'BlasLlama', event, 8, 'tokens_per_s', '{:.0f}')} | "
                  f"{g:.1f} ({100 * g / gemm:.0f}%) | | | | |")
print("\nRaw lines: `bench-out/decode-*.jsonl`.")
