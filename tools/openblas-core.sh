# Sourced by ./mubench, examples/run.sh and the benchmark scripts: which kernels OpenBLAS runs. ND4J bundles OpenBLAS
# 0.3.19, which predates AMD's AVX-512 CPUs: it gives a Zen 4 its AVX2 kernels and does not know a Zen 5 at all
# (generic "Barcelona" kernels; OPENBLAS_CORETYPE=Haswell gives it the AVX2 ones); its AVX-512 "SkylakeX" kernels are
# the fastest on both (one Zen 5 VM, sgemm on the 56M model's training shapes: 60-85, 140-200 and 270-380 GFLOP/s).
# OpenBLAS reads the variable once, when it loads, so it is set before java; the rule is OpenBlasCore.advised's (which
# warns from Java when a JVM starts without it or with another value). `source tools/openblas-core.sh keep`: a value already in the environment wins;
# `... best`, as the benchmark scripts do: it is replaced, for they measure mubench at its best setting, as each peer.
openblas_advised_core() {
  [ -r /proc/cpuinfo ] && grep -q -m1 AuthenticAMD /proc/cpuinfo || return 0
  local flags
  flags="$(grep -m1 '^flags' /proc/cpuinfo)"
  for f in avx512f avx512bw avx512vl avx512dq; do
    grep -qw "$f" <<< "$flags" || return 0
  done
  echo SkylakeX
}
_openblas_core="$(openblas_advised_core)"
if [ -n "$_openblas_core" ] && { [ -z "${OPENBLAS_CORETYPE:-}" ] || [ "${1:-}" = best ]; }; then
  export OPENBLAS_CORETYPE="$_openblas_core"
fi
unset _openblas_core
