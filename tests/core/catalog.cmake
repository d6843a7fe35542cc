# The SQLite catalog (schema, migrations, transactions, concurrent readers) and the indexer.
cosmoclip_add_test(tst_catalog SOURCES tst_catalog.cpp LIBS cosmoclip_catalog cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB LABELS unit)
cosmoclip_add_test(tst_indexer SOURCES tst_indexer.cpp LIBS cosmoclip_catalog cosmoclip_model cosmoclip_imaging PkgConfig::CFITSIO ZLIB::ZLIB LABELS unit)
# CatalogSearch: exact in memory and streamed, the persisted approximate index and its incremental updates.
cosmoclip_add_test(tst_catalogsearch SOURCES tst_catalogsearch.cpp syntheticembeddings.h LIBS cosmoclip_catalog cosmoclip_retrieval cosmoclip_imaging LABELS unit)
