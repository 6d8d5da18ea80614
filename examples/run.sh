#!/usr/bin/env bash
# Runs one example by its class name, building it and the modules it uses first.
# Usage, from anywhere: examples/run.sh QuickStartExample [args...]   (examples/run.sh lists them)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source tools/openblas-core.sh keep
if [ $# -eq 0 ]; then
  ls examples/src/main/java/io/github/mubench/examples/ | sed 's/\.java$//'
  exit 0
fi
mkdir -p examples/target
mvn -B -q -DskipTests -pl examples -am install >&2
(cd examples && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$root/examples/target/classpath.txt") >&2
name="$1"
shift
exec java -Xmx4g -Dorg.bytedeco.javacpp.cachedir="${HOME}/.javacpp/cache" \
  -cp "$root/examples/target/classes:$(cat "$root/examples/target/classpath.txt")" "io.github.mubench.examples.$name" "$@"
