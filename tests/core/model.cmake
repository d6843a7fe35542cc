# The CLIP network against the Python reference vectors (three checkpoint layouts), configs, weight
# names, loading errors and the save/load round trip.
cosmoclip_add_test(tst_clipmodel SOURCES tst_clipmodel.cpp LIBS cosmoclip_model LABELS unit)
# The fused inference path (CPU kernels, strided attention, pooled last block, patch GEMM) against the
# LibTorch modules, autograd left intact for training, and bfloat16 against float32.
cosmoclip_add_test(tst_fusedinference SOURCES tst_fusedinference.cpp LIBS cosmoclip_model LABELS unit)
