#pragma once

#include <string>

namespace cosmoclip {

/// What a file holds, judged by its first bytes and never by its name: a PNG renamed `.fits`
/// is still a PNG, and gzip with no extension is still gzip.
enum class FileKind { Fits, GzipFits, Png, Jpeg, Tiff, Empty, Unknown };

/// Reads the first bytes of `path`. Throws cosmoclip::Error if the file cannot be opened.
FileKind sniffFile(const std::string& path);

const char* fileKindName(FileKind kind);

}  // namespace cosmoclip
