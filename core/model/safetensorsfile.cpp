#include "model/safetensorsfile.h"

#include "common/error.h"
#include "model/mappedfile.h"

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <set>

namespace cosmoclip {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");

using Json = nlohmann::json;

namespace {

constexpr std::uint64_t kMaxHeaderSize = 100'000'000;  // the reference implementation's limit
constexpr int kMaxJsonDepth = 16;                      // a valid header nests 3 deep
constexpr std::size_t kMaxDims = 64;

std::string quoted(const std::string& name) {
    return "tensor '" + name + "'";
}

std::string offsetsText(std::uint64_t begin, std::uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

/// A half-open byte range.
std::string rangeText(std::uint64_t begin, std::uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + ")";
}

std::string shapeText(const std::vector<std::int64_t>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::uint64_t readHeaderLength(const MappedFile& file) {
    const std::string& path = file.path();
    if (file.size() < 8)
        throw Error(path, "file is " + std::to_string(file.size()) +
                              " bytes, too short for a safetensors header length (8 bytes)");
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | file.data()[i];
    if (n == 0) throw Error(path, "safetensors header length is 0");
    if (n > kMaxHeaderSize)
        throw Error(path, "safetensors header length " + std::to_string(n) + " exceeds the " +
                              std::to_string(kMaxHeaderSize) + "-byte limit");
    if (n > file.size() - 8)
        throw Error(path, "safetensors header length " + std::to_string(n) + " runs past the end of the " +
                              std::to_string(file.size()) + "-byte file");
    return n;
}

/// Bounds the nesting before building a DOM, so a header of 100 MB of '[' costs nothing.
void checkNesting(const std::string& path, const char* text, std::size_t size) {
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    for (std::size_t i = 0; i < size; ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > kMaxJsonDepth)
                throw Error(path, "safetensors header JSON nests deeper than " +
                                      std::to_string(kMaxJsonDepth) + " levels (at byte " +
                                      std::to_string(8 + i) + ")");
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
}

/// Parses the header text, refusing duplicate keys (parsers disagree on which one wins).
Json parseHeaderJson(const std::string& path, const char* text, std::size_t size) {
    checkNesting(path, text, size);
    std::vector<std::set<std::string>> keys;
    std::string duplicate;
    auto callback = [&](int, Json::parse_event_t event, Json& parsed) {
        if (event == Json::parse_event_t::object_start)
            keys.emplace_back();
        else if (event == Json::parse_event_t::object_end)
            keys.pop_back();
        else if (event == Json::parse_event_t::key && !keys.back().insert(parsed.get<std::string>()).second &&
                 duplicate.empty())
            duplicate = parsed.get<std::string>();
        return true;
    };
    Json header;
    try {
        header = Json::parse(text, text + size, callback);
    } catch (const Json::parse_error& e) {
        std::string why = e.what();
        const auto colon = why.find(": ");  // drop "[json.exception...] parse error at line 1, column N"
        if (colon != std::string::npos) why = why.substr(colon + 2);
        why = why.substr(0, std::min<std::size_t>(why.find("; last read"), 120));
        throw Error(path,
                    "safetensors header is not valid JSON (byte " + std::to_string(8 + e.byte) + "): " + why);
    }
    if (!duplicate.empty()) throw Error(path, "safetensors header has the key '" + duplicate + "' twice");
    if (!header.is_object()) throw Error(path, "safetensors header is not a JSON object");
    return header;
}

std::map<std::string, std::string> parseMetadata(const std::string& path, const Json& value) {
    if (!value.is_object()) throw Error(path, "safetensors __metadata__ is not a JSON object");
    std::map<std::string, std::string> metadata;
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string())
            throw Error(path, "safetensors __metadata__ entry '" + key + "' is not a string");
        metadata.emplace(key, item.get<std::string>());
    }
    return metadata;
}

/// Reads a non-negative JSON integer that fits int64 (sizes and offsets in LibTorch are signed).
bool readCount(const Json& value, std::uint64_t& out) {
    if (!value.is_number_unsigned()) return false;
    out = value.get<std::uint64_t>();
    return out <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
}

std::vector<std::int64_t> parseShape(const std::string& path, const std::string& name, const Json& entry) {
    const auto it = entry.find("shape");
    if (it == entry.end() || !it->is_array()) throw Error(path, quoted(name) + " has no \"shape\" array");
    if (it->size() > kMaxDims)
        throw Error(path, quoted(name) + " has " + std::to_string(it->size()) + " dimensions (at most " +
                              std::to_string(kMaxDims) + ")");
    std::vector<std::int64_t> shape;
    for (const Json& dim : *it) {
        std::uint64_t n = 0;
        if (!readCount(dim, n))
            throw Error(path, quoted(name) + " has shape " + it->dump() +
                                  ": dimensions must be integers from 0 to 2^63-1");
        shape.push_back(static_cast<std::int64_t>(n));
    }
    return shape;
}

std::uint64_t byteCount(const std::string& path, const std::string& name, const SafetensorsTensorInfo& info) {
    std::uint64_t bytes = safetensorsDtypeSize(info.dtype);
    for (const std::int64_t dim : info.shape) {
        if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(dim), &bytes))
            throw Error(path,
                        quoted(name) + " has shape " + shapeText(info.shape) + " whose byte size overflows");
    }
    return bytes;
}

SafetensorsTensorInfo parseEntry(const std::string& path, const std::string& name, const Json& entry,
                                 std::uint64_t dataSize) {
    if (!entry.is_object()) throw Error(path, quoted(name) + " is not described by a JSON object");
    const auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string())
        throw Error(path, quoted(name) + " has no \"dtype\" string");
    SafetensorsTensorInfo info;
    if (!safetensorsDtypeFromName(dtype->get<std::string>(), info.dtype))
        throw Error(path, quoted(name) + " has unknown dtype '" + dtype->get<std::string>() + "'");
    info.shape = parseShape(path, name, entry);
    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !readCount((*offsets)[0], info.begin) || !readCount((*offsets)[1], info.end))
        throw Error(path, quoted(name) + " has no \"data_offsets\" pair of integers from 0 to 2^63-1");
    if (info.begin > info.end)
        throw Error(path, quoted(name) + " has data_offsets " + offsetsText(info.begin, info.end) +
                              " that end before they begin");
    if (info.end > dataSize)
        throw Error(path, quoted(name) + " has data_offsets " + offsetsText(info.begin, info.end) +
                              " outside the " + std::to_string(dataSize) + "-byte data section");
    const std::uint64_t needed = byteCount(path, name, info);
    if (info.end - info.begin != needed)
        throw Error(path, quoted(name) + " has data_offsets " + offsetsText(info.begin, info.end) + " (" +
                              std::to_string(info.end - info.begin) + " bytes) but " +
                              safetensorsDtypeName(info.dtype) + " shape " + shapeText(info.shape) +
                              " needs " + std::to_string(needed) + " bytes");
    return info;
}

/// Tensors must not share bytes, and every byte of the data section must belong to a tensor
/// (as the reference implementation requires: trailing or stray bytes mean a damaged file).
void checkLayout(const std::string& path, const std::map<std::string, SafetensorsTensorInfo>& tensors,
                 std::uint64_t dataSize) {
    std::vector<std::pair<const std::string*, const SafetensorsTensorInfo*>> order;
    for (const auto& [name, info] : tensors)
        if (info.end > info.begin) order.emplace_back(&name, &info);
    std::sort(order.begin(), order.end(),
              [](const auto& a, const auto& b) { return a.second->begin < b.second->begin; });
    std::uint64_t covered = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        const auto& [name, info] = order[i];
        if (i > 0 && info->begin < order[i - 1].second->end) {
            const auto& [prevName, prev] = order[i - 1];
            throw Error(path, quoted(*prevName) + " " + offsetsText(prev->begin, prev->end) + " and " +
                                  quoted(*name) + " " + offsetsText(info->begin, info->end) +
                                  " overlap in the data section");
        }
        if (info->begin > covered)
            throw Error(path, "bytes " + rangeText(covered, info->begin) + " of the " +
                                  std::to_string(dataSize) + "-byte data section belong to no tensor");
        covered = info->end;
    }
    if (covered < dataSize)
        throw Error(path, "bytes " + rangeText(covered, dataSize) + " of the " + std::to_string(dataSize) +
                              "-byte data section belong to no tensor");
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    SafetensorsFile file;
    file.m_file = MappedFile::open(path);
    const std::uint64_t headerSize = readHeaderLength(*file.m_file);
    file.m_dataOffset = 8 + headerSize;
    file.m_dataSize = file.m_file->size() - file.m_dataOffset;
    const Json header =
        parseHeaderJson(path, reinterpret_cast<const char*>(file.m_file->data()) + 8, headerSize);
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__")
            file.m_metadata = parseMetadata(path, entry);
        else
            file.m_tensors.emplace(name, parseEntry(path, name, entry, file.m_dataSize));
    }
    checkLayout(path, file.m_tensors, file.m_dataSize);
    return file;
}

const std::string& SafetensorsFile::path() const {
    return m_file->path();
}

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> names;
    names.reserve(m_tensors.size());
    for (const auto& entry : m_tensors) names.push_back(entry.first);
    return names;
}

bool SafetensorsFile::contains(const std::string& name) const {
    return m_tensors.count(name) > 0;
}

const SafetensorsTensorInfo& SafetensorsFile::info(const std::string& name) const {
    const auto it = m_tensors.find(name);
    if (it == m_tensors.end()) throw Error(path(), "no tensor named '" + name + "'");
    return it->second;
}

const std::map<std::string, std::string>& SafetensorsFile::metadata() const {
    return m_metadata;
}

at::Tensor SafetensorsFile::tensor(const std::string& name) const {
    const SafetensorsTensorInfo& ti = info(name);
    const at::ScalarType type = safetensorsDtypeToTorch(ti.dtype);
    if (type == at::ScalarType::Undefined)
        throw Error(path(), quoted(name) + " has dtype " + safetensorsDtypeName(ti.dtype) +
                                ", which LibTorch cannot represent");
    std::uint8_t* bytes = m_file->data() + m_dataOffset + ti.begin;
    const std::size_t size = ti.end - ti.begin;
    // Any other byte in a bool tensor is undefined behaviour in LibTorch kernels.
    if (ti.dtype == SafetensorsDtype::BOOL &&
        std::any_of(bytes, bytes + size, [](std::uint8_t b) { return b > 1; }))
        throw Error(path(), quoted(name) + " is BOOL but holds bytes other than 0 and 1");
    const auto options = at::TensorOptions().dtype(type).device(at::kCPU);
    const bool aligned = reinterpret_cast<std::uintptr_t>(bytes) % safetensorsDtypeSize(ti.dtype) == 0;
    if (size > 0 && aligned && m_file->writable()) {
        std::shared_ptr<MappedFile> keepAlive = m_file;
        return at::from_blob(
            bytes, ti.shape, [keepAlive](void*) mutable { keepAlive.reset(); }, options);
    }
    at::Tensor copy = at::empty(ti.shape, options);
    if (size > 0) std::memcpy(copy.data_ptr(), bytes, size);
    return copy;
}

at::Tensor SafetensorsFile::tensor(const std::string& name, at::ScalarType dtype) const {
    at::Tensor stored = tensor(name);
    return stored.scalar_type() == dtype ? stored : stored.to(dtype);
}

}  // namespace cosmoclip
