# Raster loading (PNG/JPEG/TIFF through OpenCV) and CLIP preprocessing exact to Pillow.
cosmoclip_add_test(tst_rasterloader SOURCES tst_rasterloader.cpp
                   LIBS cosmoclip_imaging ${OpenCV_LIBS} ZLIB::ZLIB LABELS unit)
target_include_directories(tst_rasterloader PRIVATE ${OpenCV_INCLUDE_DIRS})
cosmoclip_add_test(tst_clippreprocess SOURCES tst_clippreprocess.cpp LIBS cosmoclip_imaging LABELS unit)
