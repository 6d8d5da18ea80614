#!/usr/bin/env bash
# Inference speed next to llama2.c on the same weights, in the same session, and BENCHMARKS.md from the results.
# Usage, from anywhere: mubench-bench/decode-compare.sh [LLAMA2C_CHECKOUT] [shapes...]
#   LLAMA2C_CHECKOUT: a llama2.c checkout; its run.c is built here (gcc -Ofast -march=native -fopenmp) and run on each
#   shape's weights exported by DecodeHarness. Without it (or with "-") the peer is skipped. No peer code is committed.
# Shapes: stories260K 56M 126M 335M qwen0.5B (default: all). Writes bench-out/decode-*.jsonl and BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
peer="${1:--}"
shift || true
if [ $# -gt 0 ]; then shapes=("$@"); else shapes=(stories260K 56M 126M 335M qwen0.5B); fi
cp="$(mubench-bench/build-classpath.sh)"
source tools/openblas-core.sh best
out=bench-out
mkdir -p "$out"
run=""
if [ "$peer" != "-" ]; then
  gcc -Ofast -march=native -fopenmp "$peer/run.c" -lm -o "$out/llama2c-run"
  run="$out/llama2c-run"
fi
threads="$(nproc)"
for shape in "${shapes[@]}"; do
  echo "== $shape" >&2
  for kernel in vector nd4j; do
    extra=()
    [ "$kernel" = vector ] && extra=(--export "$out/$shape.bin")
    [ "$kernel" = nd4j ] && [ "$shape" != stories260K ] && [ "$shape" != 56M ] && continue  # minutes per shape; two suffice
    batches=1,16
    [ "$shape" = stories260K ] && batches=1,16,64
    java -Xmx12g --add-modules jdk.incubator.vector -Dmubench.cpu.kernels="$kernel" -cp "$cp" io.github.mubench.bench.DecodeHarness "$shape" 256 3 --batches "$batches" "${extra[@]}" \
      2>/dev/null | grep '^{' > "$out/decode-$shape-$kernel.jsonl"
  done
  if [ -n "$run" ]; then
    model="$out/$shape.bin"
    tok="$out/$shape.bin.tok"
    : > "$out/decode-$shape-llama2c.jsonl"
    for i in 1 2 3; do
      rate="$(OMP_NUM_THREADS=$threads "$run" "$model" -z "$tok" -t 0 -n 256 2>&1 | sed -n 's/.*achieved tok\/s: \([0-9.]*\).*/\1/p')"
      echo "{\"event\":\"decode\",\"shape\":\"$shape\",\"kernel\":\"llama2.c\",\"batch\":1,\"ms_per_token\":$(python3 -c "print(1000/$rate)")}" \
        >> "$out/decode-$shape-llama2c.jsonl"
    done
  fi
  rm -f "$out/$shape.bin" "$out/$shape.bin.tok"
done
/usr/bin/python3 mubench-bench/benchmarks_md.py "$out" "$threads" > BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
