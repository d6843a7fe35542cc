# The demo catalog builder: Stellarium catalogue parsing against known objects, the override table,
# captions, sphere renders, corrupt files, and a subset build (skips without stellarium-data).
if(TARGET cosmoclip_demo)
  cosmoclip_add_test(tst_demo SOURCES tst_demo.cpp
    LIBS cosmoclip_demo cosmoclip_catalog cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB LABELS unit)
endif()
