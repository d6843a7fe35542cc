#pragma once

#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// Writes TENSORS (any device, any strides; unique names, none "__metadata__") and METADATA as a
/// safetensors file at PATH, byte for byte as the reference implementation lays it out: data ordered
/// by descending dtype alignment then name, "__metadata__" first in the header (omitted when empty),
/// JSON padded with spaces to a multiple of 8 bytes. Atomic (temporary file, fsync, rename).
/// Throws cosmoclip::Error "PATH: what is wrong" for unsupported tensors or I/O failures.
void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

}  // namespace cosmoclip
