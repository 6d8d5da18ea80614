#!/usr/bin/env bash
# Side-by-side peer comparison: mubench (Java) and PyTorch on the same 56M Llama, in the same session.
# Needs Debian's python3-torch. Usage: mubench-bench/peer-compare.sh [train_steps=30]
# Writes bench-out/*.jsonl and prints medians and ratios. Absolute times on small shared machines are noisy:
# read the ratios.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-30}"
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
echo "== training steps (B4 x T128, forward + backward + SGD), $steps steps each" >&2
java_run TrainStepHarness "$steps" 4 128 gc > "$out/java-train.jsonl"
# PyTorch at its best setting: one or two intra-op threads, each with the kernels Debian's OpenBLAS 0.3.21 picks
# itself (any preset OPENBLAS_CORETYPE removed) and, where tools/openblas-core.sh advises one, with that one too
settings=("PEER_THREADS=1" "PEER_THREADS=2")
advised="$(openblas_advised_core)"
if [ -n "$advised" ]; then
  settings+=("PEER_THREADS=1 OPENBLAS_CORETYPE=$advised" "PEER_THREADS=2 OPENBLAS_CORETYPE=$advised")
fi
: > "$out/torch-train.jsonl"
for setting in "${settings[@]}"; do
  env -u OPENBLAS_CORETYPE $setting /usr/bin/python3 tools/peer_pytorch.py train "$steps" | sed "s/^{/{\"setting\": \"$setting\", /" >> "$out/torch-train.jsonl"
done

/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
d = sys.argv[1]
def rows(name, event):
    return [r for r in map(json.loads, open(f"{d}/{name}.jsonl")) if r.get("event") == event]
def median(xs): return statistics.median(xs)
jt = rows("java-train", "step")
skip = min(5, len(jt) // 3)  # warm-up: graph build, JIT, allocator
js, jp = median([r["seconds"] for r in jt[skip:]]), max(r["peak_rss_mib"] for r in jt)
by_setting = {}
for r in rows("torch-train", "step"):
    by_setting.setdefault(r["setting"], []).append(r)
peer = {s: (median([r["seconds"] for r in v[skip:]]), max(r["peak_rss_mib"] for r in v)) for s, v in by_setting.items()}
for s, (t, p) in peer.items():
    print(f"pytorch {s}: {t:.2f} s a step, peak RSS {p:.0f} MiB")
best = min(peer, key=lambda s: peer[s][0])
ts, tp = peer[best]
print(f"pytorch's best setting here: {best}")
late = [r["rss_mib"] for r in jt[len(jt) // 2:]]
jg, tg = rows("java-generate", "generate"), rows("torch-generate", "generate")
jd, td = rows("java-generate", "decode"), rows("torch-generate", "decode")
jgs, tgs = median([r["tokens_per_s"] for r in jg]), median([r["tokens_per_s"] for r in tg])
jds, tds = median([r["ms_per_token"] for r in jd]), median([r["ms_per_token"] for r in td])
print(f"training step     mubench {js:.2f} s   pytorch {ts:.2f} s   time ratio {js / ts:.2f}x")
print(f"training peak RSS mubench {jp:.0f} MiB pytorch {tp:.0f} MiB  ratio {jp / tp:.2f}x; "
      f"mubench RSS over the second half: {min(late):.0f}-{max(late):.0f} MiB")
print(f"B16 greedy        mubench {jgs:.1f} tok/s pytorch {tgs:.1f} tok/s speed ratio {jgs / tgs:.2f}x")
print(f"B1 decode         mubench {jds:.1f} ms/tok pytorch {tds:.1f} ms/tok speed ratio {tds / jds:.2f}x")
PY
