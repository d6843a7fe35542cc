#pragma once

// Marks a hot pixel loop to be compiled twice, for AVX2 and for the x86-64 baseline (SSE2), the
// loader picking the one the CPU runs (GCC function multi-versioning through an ifunc). AVX2 doubles
// the vector width and brings the byte shuffles that interleaving RGB needs; FMA is not enabled, so
// both versions round every operation the same way and give the same bytes. Elsewhere (other
// compilers, other CPUs, non-ELF systems) the loop is compiled once for the baseline.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define COSMOCLIP_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define COSMOCLIP_VECTOR_CLONES
#endif
