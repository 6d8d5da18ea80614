#!/usr/bin/env bash
# Every unlearning method on stories260K (UnlearnHarness), each in a JVM of its own so that peak RSS is the method's.
# Usage, from anywhere: mubench-bench/unlearn-methods.sh [steps=20]. Writes bench-out/unlearn-stories260K.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(mubench-bench/build-classpath.sh)"
source tools/openblas-core.sh best
steps="${1:-20}"
out=bench-out/unlearn-stories260K.jsonl
: > "$out"
for m in ga graddiff ga_kl npo npo_rt npo_kl simnpo sku eraser llmu safe_unlearning dpo task_vector rmu; do
  java --add-modules jdk.incubator.vector -cp "$cp" io.github.mubench.bench.UnlearnHarness "$steps" "$m" 2>/dev/null | grep '"method"' | tee -a "$out"
done
