#!/usr/bin/env bash
# Builds mubench-bench and the modules it uses, then prints the classpath its harnesses and benchmarks run with.
# Used by jmh.sh, peer-compare.sh and unlearn-methods.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p bench-out
mvn -B -q -DskipTests -pl mubench-bench -am install >&2
(cd mubench-bench && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$root/bench-out/classpath.txt") >&2
echo "$root/mubench-bench/target/classes:$(cat "$root/bench-out/classpath.txt")"
