#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "model/safetensorsfile.h"

namespace cosmoclip {

/// The named tensors of one checkpoint, from one or more safetensors files (shards) or a TorchScript
/// archive, with their shapes and dtypes known before any tensor is materialised, so that a loader
/// can check everything first. Copies share the underlying file mappings.
class CheckpointTensors final {
public:
    /// Throws cosmoclip::Error when a file is unreadable or a name occurs in two shards.
    /// `source` names the checkpoint in messages (the file, or the shard index).
    static CheckpointTensors fromSafetensors(const std::vector<std::string>& paths,
                                             const std::string& source);
    static CheckpointTensors fromTorchScript(const std::string& path);

    const std::string& source() const { return m_source; }
    std::vector<std::string> names() const;
    bool contains(const std::string& name) const { return m_entries.count(name) != 0; }
    /// name -> shape of every tensor.
    std::map<std::string, std::vector<int64_t>> shapes() const;
    /// The following throw cosmoclip::Error for an unknown name.
    const std::vector<int64_t>& shape(const std::string& name) const;
    const std::string& dtypeName(const std::string& name) const;  ///< "F32", "F16", "BF16", "I64", ...
    bool isFloatingPoint(const std::string& name) const;
    /// The tensor as stored (CPU, stored dtype; zero-copy where the file allows).
    at::Tensor tensor(const std::string& name) const;

private:
    struct Entry {
        std::vector<int64_t> shape;
        std::string dtype;
        bool floating = false;
        int file = -1;      // index into m_files, or -1 when `tensor` holds the data
        at::Tensor tensor;  // TorchScript tensors
    };
    const Entry& entry(const std::string& name) const;

    std::string m_source;
    std::vector<SafetensorsFile> m_files;
    std::map<std::string, Entry> m_entries;
};

}  // namespace cosmoclip
