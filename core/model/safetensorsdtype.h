#pragma once

#include <c10/core/ScalarType.h>

#include <cstddef>
#include <string>

namespace cosmoclip {

/// Element types of the safetensors format, in the reference implementation's order (increasing
/// alignment; the writer orders tensors by it). U16/U32/U64/F8_* have no LibTorch 1.13 type: files
/// holding them are still validated and their other tensors readable.
enum class SafetensorsDtype {
    BOOL,
    U8,
    I8,
    F8_E5M2,
    F8_E4M3,
    I16,
    U16,
    F16,
    BF16,
    I32,
    U32,
    F32,
    F64,
    I64,
    U64
};

/// "F32", "BF16", ... as written in the header.
const char* safetensorsDtypeName(SafetensorsDtype dtype);
/// Bytes per element (1, 2, 4 or 8).
std::size_t safetensorsDtypeSize(SafetensorsDtype dtype);
/// Parses a header dtype string; false when unknown.
bool safetensorsDtypeFromName(const std::string& name, SafetensorsDtype& dtype);
/// The LibTorch type, or at::ScalarType::Undefined where LibTorch has none.
c10::ScalarType safetensorsDtypeToTorch(SafetensorsDtype dtype);
/// The safetensors type of a LibTorch type; false for types safetensors cannot store (complex, quantized).
bool safetensorsDtypeFromTorch(c10::ScalarType type, SafetensorsDtype& dtype);

}  // namespace cosmoclip
