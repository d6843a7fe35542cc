#include "model/checkpointtensors.h"

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/torchscriptreader.h"

namespace cosmoclip {

CheckpointTensors CheckpointTensors::fromSafetensors(const std::vector<std::string>& paths,
                                                     const std::string& source) {
    CheckpointTensors result;
    result.m_source = source;
    for (const auto& path : paths) {
        result.m_files.push_back(SafetensorsFile::open(path));
        const SafetensorsFile& file = result.m_files.back();
        for (const auto& name : file.names()) {
            const auto& info = file.info(name);
            const at::ScalarType type = safetensorsDtypeToTorch(info.dtype);
            Entry e{info.shape,
                    safetensorsDtypeName(info.dtype),
                    type != at::ScalarType::Undefined && at::isFloatingType(type),
                    static_cast<int>(result.m_files.size() - 1),
                    {}};
            if (!result.m_entries.emplace(name, std::move(e)).second)
                throw Error(path, "tensor '" + name + "' also occurs in another shard");
        }
    }
    return result;
}

CheckpointTensors CheckpointTensors::fromTorchScript(const std::string& path) {
    CheckpointTensors result;
    result.m_source = path;
    for (auto& [name, tensor] : readTorchScriptParameters(path)) {
        std::string dtype = c10::toString(tensor.scalar_type());
        Entry e{tensor.sizes().vec(), std::move(dtype), at::isFloatingType(tensor.scalar_type()), -1, tensor};
        result.m_entries.insert_or_assign(name, std::move(e));
    }
    return result;
}

std::vector<std::string> CheckpointTensors::names() const {
    std::vector<std::string> out;
    out.reserve(m_entries.size());
    for (const auto& [name, e] : m_entries) out.push_back(name);
    return out;
}

std::map<std::string, std::vector<int64_t>> CheckpointTensors::shapes() const {
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& [name, e] : m_entries) out.emplace(name, e.shape);
    return out;
}

const CheckpointTensors::Entry& CheckpointTensors::entry(const std::string& name) const {
    const auto it = m_entries.find(name);
    if (it == m_entries.end()) throw Error(m_source, "missing tensor '" + name + "'");
    return it->second;
}

const std::vector<int64_t>& CheckpointTensors::shape(const std::string& name) const {
    return entry(name).shape;
}

const std::string& CheckpointTensors::dtypeName(const std::string& name) const {
    return entry(name).dtype;
}

bool CheckpointTensors::isFloatingPoint(const std::string& name) const {
    return entry(name).floating;
}

at::Tensor CheckpointTensors::tensor(const std::string& name) const {
    const Entry& e = entry(name);
    return e.file < 0 ? e.tensor : m_files[static_cast<size_t>(e.file)].tensor(name);
}

}  // namespace cosmoclip
