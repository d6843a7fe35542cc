#include "catalog/annotationcsv.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/catalog.h"
#include "common/error.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

/// A CSV record and the line it started on.
struct Record {
    int line = 0;
    std::vector<std::string> fields;
};

class CsvReader {
public:
    CsvReader(const std::string& path, std::string text) : m_path(path), m_text(std::move(text)) {
        if (m_text.rfind("\xEF\xBB\xBF", 0) == 0) m_pos = 3;
    }

    bool next(Record& record) {
        if (m_pos >= m_text.size()) return false;
        record = {m_line, {}};
        std::string field;
        bool quoted = false, wasQuoted = false;
        while (true) {
            if (m_pos >= m_text.size()) {
                if (quoted) fail(record.line, "a quoted field is never closed");
                record.fields.push_back(std::move(field));
                return true;
            }
            const char c = m_text[m_pos++];
            if (quoted) {
                if (c == '"' && m_pos < m_text.size() && m_text[m_pos] == '"') {
                    field += '"';
                    ++m_pos;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    if (c == '\n') ++m_line;
                    field += c;
                }
            } else if (c == '"') {
                if (!field.empty() || wasQuoted) fail(m_line, "a quote inside an unquoted field (quote the whole field)");
                quoted = wasQuoted = true;
            } else if (c == ',') {
                record.fields.push_back(std::move(field));
                field.clear();
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && m_pos < m_text.size() && m_text[m_pos] == '\n') ++m_pos;
                ++m_line;
                record.fields.push_back(std::move(field));
                return true;
            } else {
                if (wasQuoted) fail(m_line, "text after a closing quote");
                field += c;
            }
        }
    }

    [[noreturn]] void fail(int line, const std::string& what) const {
        throw Error(m_path + ":" + std::to_string(line), what);
    }

private:
    std::string m_path;
    std::string m_text;
    size_t m_pos = 0;
    int m_line = 1;
};

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool blank(const Record& r) { return r.fields.size() == 1 && trim(r.fields[0]).empty(); }

}  // namespace

std::vector<AnnotationRow> readAnnotationCsv(const std::string& csvPath) {
    std::ifstream in(csvPath, std::ios::binary);
    if (!in) throw Error(csvPath, "cannot open the CSV file");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    CsvReader reader(csvPath, buffer.str());

    Record header;
    while (reader.next(header) && blank(header)) {}
    int pathCol = -1, labelCol = -1, captionCol = -1;
    for (size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = trim(header.fields[i]);
        if (name == "path") pathCol = static_cast<int>(i);
        if (name == "label") labelCol = static_cast<int>(i);
        if (name == "caption") captionCol = static_cast<int>(i);
    }
    if (pathCol < 0 || (labelCol < 0 && captionCol < 0)) {
        reader.fail(header.line, "the header must name the columns path,label,caption (path and label or caption)");
    }
    const fs::path base = fs::path(Catalog::normalizePath(csvPath)).parent_path();
    std::vector<AnnotationRow> rows;
    for (Record r; reader.next(r);) {
        if (blank(r)) continue;
        if (r.fields.size() != header.fields.size()) {
            reader.fail(r.line, "expected " + std::to_string(header.fields.size()) + " fields, found " +
                                    std::to_string(r.fields.size()));
        }
        AnnotationRow row;
        row.line = r.line;
        const std::string path = trim(r.fields[static_cast<size_t>(pathCol)]);
        if (path.empty()) reader.fail(r.line, "empty path");
        row.path = Catalog::normalizePath(fs::path(path).is_absolute() ? path : (base / path).string());
        if (labelCol >= 0) row.label = trim(r.fields[static_cast<size_t>(labelCol)]);
        if (captionCol >= 0) row.caption = trim(r.fields[static_cast<size_t>(captionCol)]);
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace cosmoclip
