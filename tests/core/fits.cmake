# FITS reader tests (core/fits). They link only cosmoclip_imaging (no LibTorch) plus CFITSIO and
# zlib for writing their own test files. tst_fitsreference compares with real files fetched by
# tests/data/fetch-testdata.sh and skips without them.
set(_fits_test_helpers fitstestwriter.h fitstestexpect.h)
cosmoclip_add_test(tst_fitsreader SOURCES tst_fitsreader.cpp ${_fits_test_helpers}
  LIBS cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB Threads::Threads LABELS unit)
cosmoclip_add_test(tst_fitshdus SOURCES tst_fitshdus.cpp ${_fits_test_helpers}
  LIBS cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB Threads::Threads LABELS unit)
cosmoclip_add_test(tst_fitshostile SOURCES tst_fitshostile.cpp ${_fits_test_helpers}
  LIBS cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB Threads::Threads LABELS unit)
cosmoclip_add_test(tst_fitsreference SOURCES tst_fitsreference.cpp
  LIBS cosmoclip_imaging nlohmann_json::nlohmann_json LABELS unit)
