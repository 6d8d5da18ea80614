#!/usr/bin/env bash
# Runs the JMH benchmarks of mubench-bench from the repository root, e.g. `mubench-bench/jmh.sh TokenizerBench`.
# Arguments go to JMH; results are also written to bench-out/jmh.json.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p bench-out
mvn -B -q -DskipTests -pl mubench-bench -am install >&2
(cd mubench-bench && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$root/bench-out/jmh-classpath.txt") >&2
exec java -cp "mubench-bench/target/classes:$(cat bench-out/jmh-classpath.txt)" org.openjdk.jmh.Main -rf json -rff bench-out/jmh.json "$@"
