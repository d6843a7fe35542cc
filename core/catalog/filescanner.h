#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

struct ScanFailure {
    std::string path;
    std::string error;
};

struct ScanResult {
    std::vector<std::string> files;    ///< absolute, lexically normal, sorted, no duplicates
    std::vector<std::string> folders;  ///< the roots that were folders (their catalog entries may be marked removed)
    std::vector<ScanFailure> failures; ///< roots that do not exist, folders that cannot be read
};

/// True for names the indexer picks up inside folders: FITS (.fits .fit .fts, .fz, and their .gz),
/// PNG, JPEG and TIFF, case-insensitively. A file named explicitly is taken whatever its name: the
/// loader decides by content.
bool looksLikeImageFile(const std::string& name);

/// Walks `roots` (files and folders, recursively; hidden files and folders skipped; symlinked folders
/// not followed, so a link loop cannot hang the scan). Never throws for one bad path: it is reported.
ScanResult scanImageFiles(const std::vector<std::string>& roots);

}  // namespace cosmoclip
