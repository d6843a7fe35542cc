# Zero-shot labels, query syntax and vector search (core/retrieval, torch-free).
cosmoclip_add_test(tst_promptensemble SOURCES tst_promptensemble.cpp LIBS cosmoclip_retrieval LABELS unit)
cosmoclip_add_test(tst_zeroshot SOURCES tst_zeroshot.cpp LIBS cosmoclip_retrieval nlohmann_json::nlohmann_json LABELS unit)
cosmoclip_add_test(tst_queryparser SOURCES tst_queryparser.cpp LIBS cosmoclip_retrieval LABELS unit)
cosmoclip_add_test(tst_vectorindex SOURCES tst_vectorindex.cpp LIBS cosmoclip_retrieval LABELS unit)
cosmoclip_add_test(tst_approximateindex SOURCES tst_approximateindex.cpp LIBS cosmoclip_retrieval LABELS unit)
# Issue 9: IVF-PQ recall@10 >= 0.95 on 1M synthetic 512-d vectors, incremental updates, persistence.
cosmoclip_add_test(tst_approximateindex_large SOURCES tst_approximateindex_large.cpp syntheticembeddings.h LIBS cosmoclip_retrieval LABELS slow)
