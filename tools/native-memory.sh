# Sourced by ./mubench and the peer benchmarks: glibc malloc settings for ND4J's native memory (Linux; a value already
# in the environment wins). SameDiff gives every op output fresh memory, and glibc maps each block over 128 KB anew
# and unmaps it when freed, so every step faults in its activations page by page. Keeping freed blocks in the heap
# for reuse took a 56M training step (B 4 x T 128) from ~1.02 M page faults to ~0.53-0.62 M and 1.83-2.19 s to
# 1.61-1.99 s (four runs each, alternating), at the same peak RSS (README, Performance).
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-268435456}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-1073741824}"
export MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-268435456}"
