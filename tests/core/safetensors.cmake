# Safetensors reader/writer and TorchScript parameter import (core/model).
cosmoclip_add_test(tst_safetensors SOURCES tst_safetensors.cpp LIBS cosmoclip_model LABELS unit)
