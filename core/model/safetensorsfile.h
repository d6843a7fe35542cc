#pragma once

#include "model/safetensorsdtype.h"

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cosmoclip {

class MappedFile;

/// One header entry. Offsets are relative to the data section (which follows the header).
struct SafetensorsTensorInfo {
    SafetensorsDtype dtype = SafetensorsDtype::F32;
    std::vector<std::int64_t> shape;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

/// A validated safetensors file (8-byte little-endian header length, JSON header, data).
/// open() checks everything before returning: header bounds, JSON structure, dtypes, shapes,
/// offsets inside the data section, sizes matching shape × dtype, no overlaps, full coverage.
/// The file is memory-mapped; copies of this object share the mapping. Never executes code.
class SafetensorsFile final {
public:
    /// Throws cosmoclip::Error "PATH: what is wrong" (naming the tensor where one is at fault).
    static SafetensorsFile open(const std::string& path);

    const std::string& path() const;
    /// Tensor names, sorted bytewise.
    std::vector<std::string> names() const;
    bool contains(const std::string& name) const;
    /// Throws Error when NAME is absent.
    const SafetensorsTensorInfo& info(const std::string& name) const;
    /// The "__metadata__" string map (empty when the header has none).
    const std::map<std::string, std::string>& metadata() const;
    /// Bytes in the data section.
    std::uint64_t dataSize() const { return m_dataSize; }

    /// A CPU tensor with the stored dtype and shape: a zero-copy view over the mapping when the
    /// bytes are aligned for the dtype and the pages are private (the view keeps the mapping
    /// alive; in-place writes stay in memory), an owned copy otherwise.
    at::Tensor tensor(const std::string& name) const;
    /// The same converted to DTYPE (e.g. at::kFloat for F16/BF16 weights); a new tensor unless
    /// DTYPE is the stored type.
    at::Tensor tensor(const std::string& name, at::ScalarType dtype) const;

private:
    SafetensorsFile() = default;

    std::shared_ptr<MappedFile> m_file;
    std::uint64_t m_dataOffset = 0;  // 8 + header length
    std::uint64_t m_dataSize = 0;
    std::map<std::string, SafetensorsTensorInfo> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

}  // namespace cosmoclip
