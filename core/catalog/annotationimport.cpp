#include "catalog/annotationimport.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "catalog/catalog.h"
#include "catalog/sqlitetransaction.h"
#include "catalog/templatecaption.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

struct ImageAnnotations {
    int firstLine = 0;
    std::vector<std::string> labels;
    std::vector<std::string> captions;
};

void addUnique(std::vector<std::string>& list, const std::string& value) {
    if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

AnnotationReport importAnnotations(Catalog& catalog, const std::vector<AnnotationRow>& rows) {
    AnnotationReport report;
    report.rows = rows.size();
    std::map<std::string, ImageAnnotations> byPath;
    for (const auto& row : rows) {
        auto& a = byPath[row.path];
        if (a.firstLine == 0) a.firstLine = row.line;
        addUnique(a.labels, row.label);
        addUnique(a.captions, row.caption);
    }
    SqliteTransaction transaction(catalog.database());
    for (const auto& [path, a] : byPath) {
        auto image = catalog.imageByPath(path);
        int64_t id = 0;
        if (image) {
            id = image->id;
        } else {
            std::error_code ec;
            if (!fs::is_regular_file(path, ec)) {
                report.failed.push_back({a.firstLine, path, "no such image file"});
                continue;
            }
            ImageRecord pending;
            pending.path = path;
            pending.status = ImageStatus::Pending;
            id = catalog.insertImage(pending);
            ++report.added;
        }
        if (!a.labels.empty()) {
            std::vector<LabelProbability> labels;
            for (const auto& l : a.labels) labels.push_back({l, 1.0});
            catalog.replaceLabels(id, "import", std::nullopt, labels);
            report.labels += labels.size();
        }
        if (!a.captions.empty()) {
            catalog.replaceCaptions(id, "import", a.captions);
            report.captions += a.captions.size();
        }
        refreshTemplateCaption(catalog, id);
        ++report.images;
    }
    transaction.commit();
    return report;
}

}  // namespace cosmoclip
