#pragma once

#include <cstddef>
#include <string>

namespace cosmoclip {

/// Writes `size` bytes to `path` so that readers see either the old file or the complete new one,
/// never a torn write: the data goes to a temporary file in the same folder, is flushed to disk,
/// then renamed over `path`. On any failure (full disk, no permission) the temporary file is
/// removed, `path` is untouched, and cosmoclip::Error names the path and the system's reason.
void writeFileAtomically(const std::string& path, const void* data, size_t size);

}  // namespace cosmoclip
