# CLIP BPE tokenizer (core/tokenizer): exactness against OpenAI's reference ids, loaders, trainer.
cosmoclip_add_test(tst_tokenizer SOURCES tst_tokenizer.cpp LIBS cosmoclip_tokenizer nlohmann_json::nlohmann_json LABELS unit)
# 100k captions through one shared tokenizer; prints captions/s.
cosmoclip_add_test(tst_tokenizerspeed SOURCES tst_tokenizerspeed.cpp LIBS cosmoclip_tokenizer LABELS slow)
