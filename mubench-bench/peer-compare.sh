#!/usr/bin/env bash
# Side-by-side peer comparison: mubench (Java) and PyTorch on the same 56M Llama, in the same session.
# Needs Debian's python3-torch. Usage: mubench-bench/peer-compare.sh [train_steps=60] [rounds=3]
# Writes bench-out/*.jsonl and prints medians and ratios. Absolute times on small shared machines are noisy and drift
# over minutes: training alternates the two sides, `rounds` times, and reports each round's ratio and their median.
# A side's step time is the median of each run's second half: the JVM is still compiling the step's code for its first
# ~30 steps (steps 31-60 ran 7-9% faster than steps 6-30 here); the first half's median is reported too.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-60}"
rounds="${2:-3}"
if [ "$steps" -lt 12 ] || [ "$rounds" -lt 1 ]; then
  echo "usage: peer-compare.sh [train_steps>=12] [rounds>=1]" >&2
  exit 2
fi
out="$root/bench-out"
mkdir -p "$out"
cd "$root"
cp="$(mubench-bench/build-classpath.sh)"
source tools/native-memory.sh
source tools/openblas-core.sh best  # for mubench; each PyTorch setting below states its own
java_run() { java -Xmx8g --add-modules jdk.incubator.vector -cp "$cp" "io.github.mubench.bench.$1" "${@:2}" 2>/dev/null | grep '^{'; }

echo "== generation (B16 x 128 new tokens, and batch-1 decode)" >&2
java_run GenerateHarness 3 > "$out/java-generate.jsonl"
env -u OPENBLAS_CORETYPE /usr/bin/python3 tools/peer_pytorch.py generate > "$out/torch-generate.jsonl"
# PyTorch at its best setting: one or two intra-op threads, each with the kernels Debian's OpenBLAS 0.3.21 picks
# itself (any preset OPENBLAS_CORETYPE removed) and, where tools/openblas-core.sh advises one, with that one too;
# picked on short runs, then alternated with mubench. The one-thread settings are also tried with OpenBLAS's idle
# threads sleeping at once (OPENBLAS_THREAD_TIMEOUT=10, 2^10 cycles, instead of spinning for 2^28): mubench's
# training products keep OpenBLAS's threads idle (SplitBlas), and PyTorch's step was ~5% faster with a short timeout
# in a probe
settings=("PEER_THREADS=1" "PEER_THREADS=2" "PEER_THREADS=1 OPENBLAS_THREAD_TIMEOUT=10")
advised="$(openblas_advised_core)"
if [ -n "$advised" ]; then
  settings+=("PEER_THREADS=1 OPENBLAS_CORETYPE=$advised" "PEER_THREADS=2 OPENBLAS_CORETYPE=$advised"
    "PEER_THREADS=1 OPENBLAS_CORETYPE=$advised OPENBLAS_THREAD_TIMEOUT=10")
fi
echo "== PyTorch's training settings, 12 steps each" >&2
: > "$out/torch-settings.jsonl"
for setting in "${settings[@]}"; do
  env -u OPENBLAS_CORETYPE $setting /usr/bin/python3 tools/peer_pytorch.py train 12 | sed "s/^{/{\"setting\": \"$setting\", /" >> "$out/torch-settings.jsonl"
done
best="$(/usr/bin/python3 - "$out/torch-settings.jsonl" <<'PY'
import json, statistics, sys
by = {}
for r in map(json.loads, open(sys.argv[1])):
    if r.get("event") == "step":
        by.setdefault(r["setting"], []).append(r["seconds"])
print(min(by, key=lambda s: statistics.median(by[s][3:])))
PY
)"
echo "== training steps (B4 x T128, forward + backward + AdamW): $rounds alternating rounds of $steps steps, PyTorch $best" >&2
: > "$out/java-train.jsonl"
: > "$out/torch-train.jsonl"
for round in $(seq 1 "$rounds"); do
  java_run TrainStepHarness "$steps" 4 128 gc | sed "s/^{/{\"round\": $round, /" >> "$out/java-train.jsonl"
  env -u OPENBLAS_CORETYPE $best /usr/bin/python3 tools/peer_pytorch.py train "$steps" \
    | sed "s/^{/{\"round\": $round, \"setting\": \"$best\", /" >> "$out/torch-train.jsonl"
done

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
d = sys.argv[1]
def rows(name, event):
    return [r for r in map(json.loads, open(f"{d}/{name}.jsonl")) if r.get("event") == event]
def median(xs): return statistics.median(xs)
def by_round(name):
    out = {}
    for r in rows(name, "step"):
        out.setdefault(r["round"], []).append(r)
    return out
settings = {}
for r in rows("torch-settings", "step"):
    settings.setdefault(r["setting"], []).append(r["seconds"])
for s, v in settings.items():
    print(f"pytorch {s}: {median(v[3:]):.2f} s a step (12 steps, the first 3 left out)")
jr, tr = by_round("java-train"), by_round("torch-train")
ratios, jsteady, tsteady, jwarm = [], [], [], []
for k in sorted(jr):
    j, t = jr[k], tr[k]
    half = len(j) // 2
    js, ts = median([r["seconds"] for r in j[half:]]), median([r["seconds"] for r in t[len(t) // 2:]])
    jw = median([r["seconds"] for r in j[5:half]])
    ratios.append(js / ts); jsteady.append(js); tsteady.append(ts); jwarm.append(jw)
    print(f"round {k}: mubench {js:.3f} s a step (first half {jw:.3f}), pytorch {t[0]['setting']} {ts:.3f} s: {js / ts:.2f}x")
jp = max(r["peak_rss_mib"] for v in jr.values() for r in v)
tp = max(r["peak_rss_mib"] for v in tr.values() for r in v)
late = [r["rss_mib"] for r in jr[max(jr)][len(jr[max(jr)]) // 2:]]
jg, tg = rows("java-generate", "generate"), rows("torch-generate", "generate")
jd, td = rows("java-generate", "decode"), rows("torch-generate", "decode")
jgs, tgs = median([r["tokens_per_s"] for r in jg]), median([r["tokens_per_s"] for r in tg])
jds, tds = median([r["ms_per_token"] for r in jd]), median([r["ms_per_token"] for r in td])
print(f"training step     mubench {median(jsteady):.2f} s   pytorch {median(tsteady):.2f} s   time ratio {median(ratios):.2f}x "
      f"(median of the rounds' ratios, {min(ratios):.2f}-{max(ratios):.2f}; mubench's first halves {median(jwarm):.2f} s)")
print(f"training peak RSS mubench {jp:.0f} MiB pytorch {tp:.0f} MiB  ratio {jp / tp:.2f}x; "
      f"mubench RSS over the second half: {min(late):.0f}-{max(late):.0f} MiB")
print(f"B16 greedy        mubench {jgs:.1f} tok/s pytorch {tgs:.1f} tok/s speed ratio {jgs / tgs:.2f}x")
print(f"B1 decode         mubench {jds:.1f} ms/tok pytorch {tds:.1f} ms/tok speed ratio {tds / jds:.2f}x")
PY
