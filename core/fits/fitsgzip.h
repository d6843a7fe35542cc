#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cosmoclip {

/// True when `path` starts with the gzip magic bytes (whatever its name).
bool isGzipFile(const std::string& path);

/// Inflates a gzip file (all members) into memory. Throws Error(path, ...) when it is damaged or
/// truncated, or as soon as more than `limit` bytes come out: CFITSIO inflates a gzip file whole
/// before reading its header, so without a limit a small hostile file could claim gigabytes.
std::vector<char> inflateGzipFile(const std::string& path, int64_t limit);

}  // namespace cosmoclip
