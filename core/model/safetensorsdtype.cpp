#include "model/safetensorsdtype.h"

#include <array>
#include <string_view>

namespace cosmoclip {

namespace {

struct DtypeRow {
    SafetensorsDtype dtype;
    const char* name;
    std::size_t size;
    c10::ScalarType torch;
};

using ST = SafetensorsDtype;
using c10::ScalarType;

// Indexed by the enum's value.
constexpr std::array<DtypeRow, 15> kRows{{
    {ST::BOOL, "BOOL", 1, ScalarType::Bool},
    {ST::U8, "U8", 1, ScalarType::Byte},
    {ST::I8, "I8", 1, ScalarType::Char},
    {ST::F8_E5M2, "F8_E5M2", 1, ScalarType::Undefined},
    {ST::F8_E4M3, "F8_E4M3", 1, ScalarType::Undefined},
    {ST::I16, "I16", 2, ScalarType::Short},
    {ST::U16, "U16", 2, ScalarType::Undefined},
    {ST::F16, "F16", 2, ScalarType::Half},
    {ST::BF16, "BF16", 2, ScalarType::BFloat16},
    {ST::I32, "I32", 4, ScalarType::Int},
    {ST::U32, "U32", 4, ScalarType::Undefined},
    {ST::F32, "F32", 4, ScalarType::Float},
    {ST::F64, "F64", 8, ScalarType::Double},
    {ST::I64, "I64", 8, ScalarType::Long},
    {ST::U64, "U64", 8, ScalarType::Undefined},
}};

const DtypeRow& row(SafetensorsDtype dtype) {
    return kRows[static_cast<std::size_t>(dtype)];
}

}  // namespace

const char* safetensorsDtypeName(SafetensorsDtype dtype) {
    return row(dtype).name;
}

std::size_t safetensorsDtypeSize(SafetensorsDtype dtype) {
    return row(dtype).size;
}

bool safetensorsDtypeFromName(const std::string& name, SafetensorsDtype& dtype) {
    for (const DtypeRow& r : kRows) {
        if (name == std::string_view(r.name)) {
            dtype = r.dtype;
            return true;
        }
    }
    return false;
}

c10::ScalarType safetensorsDtypeToTorch(SafetensorsDtype dtype) {
    return row(dtype).torch;
}

bool safetensorsDtypeFromTorch(c10::ScalarType type, SafetensorsDtype& dtype) {
    if (type == ScalarType::Undefined) return false;
    for (const DtypeRow& r : kRows) {
        if (r.torch == type) {
            dtype = r.dtype;
            return true;
        }
    }
    return false;
}

}  // namespace cosmoclip
