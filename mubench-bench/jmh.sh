#!/usr/bin/env bash
# Runs the JMH benchmarks of mubench-bench from the repository root, e.g. `mubench-bench/jmh.sh TokenizerBench`.
# Arguments go to JMH; results are also written to bench-out/jmh.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
cp="$(mubench-bench/build-classpath.sh)"
source tools/openblas-core.sh best
exec java --add-modules jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main -rf json -rff bench-out/jmh.json "$@"
