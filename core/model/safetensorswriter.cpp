#include "model/safetensorswriter.h"

#include "common/error.h"
#include "common/atomicfilewriter.h"
#include "model/safetensorsdtype.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <set>

namespace cosmoclip {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

namespace {

struct Item {
    const std::string* name;
    const at::Tensor* tensor;
    SafetensorsDtype dtype;
    std::uint64_t bytes;
};

std::vector<Item> prepareItems(const std::string& path,
                               const std::vector<std::pair<std::string, at::Tensor>>& tensors) {
    std::vector<Item> items;
    std::set<std::string> seen;
    for (const auto& [name, tensor] : tensors) {
        const std::string what = "tensor '" + name + "'";
        if (name == "__metadata__") throw Error(path, "a tensor cannot be named __metadata__");
        if (!seen.insert(name).second) throw Error(path, what + " is given twice");
        if (!tensor.defined()) throw Error(path, what + " is undefined");
        if (tensor.layout() != at::kStrided || tensor.is_quantized())
            throw Error(path, what + " is sparse or quantized; only dense tensors can be stored");
        SafetensorsDtype dtype{};
        if (!safetensorsDtypeFromTorch(tensor.scalar_type(), dtype))
            throw Error(path, what + " has type " + std::string(c10::toString(tensor.scalar_type())) +
                                  ", which safetensors cannot store");
        const auto bytes = static_cast<std::uint64_t>(tensor.numel()) * safetensorsDtypeSize(dtype);
        items.push_back({&name, &tensor, dtype, bytes});
    }
    // The reference order: larger elements first keeps every tensor aligned to its element size.
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
        return a.dtype != b.dtype ? a.dtype > b.dtype : *a.name < *b.name;
    });
    return items;
}

std::string headerText(const std::string& path, const std::vector<Item>& items,
                       const std::map<std::string, std::string>& metadata) {
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::uint64_t offset = 0;
    for (const Item& item : items) {
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        entry["dtype"] = safetensorsDtypeName(item.dtype);
        entry["shape"] = item.tensor->sizes().vec();
        entry["data_offsets"] = {offset, offset + item.bytes};
        header[*item.name] = std::move(entry);
        offset += item.bytes;
    }
    std::string text;
    try {
        text = header.dump();
    } catch (const nlohmann::ordered_json::type_error&) {
        throw Error(path, "a tensor name or metadata string is not valid UTF-8");
    }
    text.append((8 - text.size() % 8) % 8, ' ');
    return text;
}

}  // namespace

void writeSafetensors(const std::string& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
    const std::vector<Item> items = prepareItems(path, tensors);
    const std::string header = headerText(path, items, metadata);
    std::uint8_t length[8];
    for (int i = 0; i < 8; ++i) length[i] = static_cast<std::uint8_t>(header.size() >> (8 * i));

    AtomicFileWriter out(path);
    out.write(length, sizeof length);
    out.write(header.data(), header.size());
    for (const Item& item : items) {
        if (item.bytes == 0) continue;
        // One tensor at a time on the CPU, so a GPU model is never copied whole into memory.
        const at::Tensor cpu = item.tensor->detach().to(at::kCPU).resolve_neg().contiguous();
        out.write(cpu.data_ptr(), item.bytes);
    }
    out.commit();
}

}  // namespace cosmoclip
