#pragma once

// at::parallel_for / at::parallel_reduce for the files that split work over LibTorch's intra-op threads.
// With an OpenMP LibTorch (Debian's) they are inline templates whose parallel branch exists only when the
// including file is compiled with -fopenmp: without it they silently run the whole range on the calling
// thread (the fused training path used one of two cores that way). Such files get OpenMP in their
// CMakeLists.txt (cosmoclip_intra_op_parallel_sources) and include this header, which refuses to compile
// otherwise (also when a precompiled header parsed ATen without OpenMP first).
#include <ATen/Parallel.h>

// COSMOCLIP_SERIAL_INTRA_OP: CMake found no OpenMP for this compiler and warned at configure time.
#if AT_PARALLEL_OPENMP && !defined(INTRA_OP_PARALLEL) && !defined(COSMOCLIP_SERIAL_INTRA_OP)
#error "at::parallel_for would run serially here: compile this file with OpenMP (cosmoclip_intra_op_parallel_sources)"
#endif
