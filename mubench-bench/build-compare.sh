#!/usr/bin/env bash
# Decoding (or training) speed of the working tree against a git revision, both in one JVM, alternating
# (BuildCompare): use it to tell whether a change to mubench-tensor made decoding or a training step faster on a
# machine too noisy for runs in separate JVMs.
# Usage, from anywhere: mubench-bench/build-compare.sh REV [SHAPE=56M] [BATCH=16] [NEW_TOKENS=32] [ROUNDS=20]
#   SHAPE train:NAME (e.g. train:56M): training steps of B BATCH x T 128, NEW_TOKENS steps a round.
# Prints a JSON line per round and a summary: ratio = the working tree's ms a step over REV's (below 1: faster).
# REV's mubench-tensor runs with the working tree's libraries (ND4J, OpenBLAS) and must have the API the harness calls.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rev="${1:?usage: build-compare.sh REV [SHAPE] [BATCH] [NEW_TOKENS] [ROUNDS]}"
cp="$(mubench-bench/build-classpath.sh)"
source tools/openblas-core.sh best
tree="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$tree" >/dev/null 2>&1 || { rm -rf "$tree"; git -C "$root" worktree prune; }' EXIT
git worktree add -q --detach "$tree" "$rev"
(cd "$tree" && mvn -B -q -DskipTests compile -pl mubench-tensor) >&2
err=bench-out/build-compare.err
if ! java -Xmx14g --add-modules jdk.incubator.vector -cp "$cp" io.github.mubench.bench.BuildCompare "${2:-56M}" "${3:-16}" "${4:-32}" \
  "${5:-20}" "$tree/mubench-tensor/target/classes" "$root/mubench-tensor/target/classes" 2>"$err" | grep '^{'; then
  echo "BuildCompare failed ($err):" >&2
  tail -20 "$err" >&2
  exit 1
fi
