#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

/// One data row of an annotation CSV (`path,label,caption`).
struct AnnotationRow {
    int line = 0;          ///< 1-based line where the row starts (for error messages)
    std::string path;      ///< absolute: relative paths are resolved against the CSV's folder
    std::string label;     ///< may be empty
    std::string caption;   ///< may be empty
};

/// Reads an annotation CSV: RFC 4180 (quoted fields may hold commas, doubled quotes and newlines),
/// UTF-8 with or without a BOM, LF or CRLF. The header names the columns: `path` and at least one of
/// `label` and `caption`, in any order (other columns are ignored). The whole file is checked before
/// anything is returned, so a malformed file changes nothing: cosmoclip::Error "FILE:LINE: what".
std::vector<AnnotationRow> readAnnotationCsv(const std::string& csvPath);

}  // namespace cosmoclip
