# Display stretches and the 8-bit renderer (core/image/stretch*, zscale, autostretch, renderer).
# Linked to cosmoclip_imaging only: these tests need no LibTorch and build in seconds.
cosmoclip_add_test(tst_stretch SOURCES tst_stretch.cpp LIBS cosmoclip_imaging PkgConfig::CFITSIO LABELS unit)
cosmoclip_add_test(tst_renderer SOURCES tst_renderer.cpp LIBS cosmoclip_imaging LABELS unit)
# parallelFor, the pixel allocator and LargeBuffer, under every whole-image pass.
cosmoclip_add_test(tst_pixelbuffers SOURCES tst_pixelbuffers.cpp LIBS cosmoclip_imaging LABELS unit)
