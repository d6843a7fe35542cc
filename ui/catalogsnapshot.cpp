#include "catalogsnapshot.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "catalog/catalog.h"

namespace cosmoclip {

CatalogSnapshot CatalogSnapshot::read(Catalog& catalog) {
    CatalogSnapshot s;
    s.catalogPath = catalog.path();
    std::map<std::string, int64_t> folders;
    std::set<std::string> labels;
    for (ImageRecord& r : catalog.allImages()) {
        if (r.status == ImageStatus::Pending) ++s.pending;
        if (r.status == ImageStatus::Failed) ++s.failed;
        if (r.status != ImageStatus::Ok) continue;
        BestLabel best;
        const auto rows = catalog.labels(r.id);  // ground truth first, then zero-shot by probability
        if (!rows.empty()) {
            best = {rows.front().label, rows.front().source, rows.front().probability};
            labels.insert(best.label);
        }
        ++folders[std::filesystem::path(r.path).parent_path().string()];
        s.rowOfId.emplace(r.id, s.images.size());
        s.images.push_back(std::move(r));
        s.bestLabels.push_back(std::move(best));
    }
    s.labelNames.assign(labels.begin(), labels.end());
    s.folders.assign(folders.begin(), folders.end());
    const int64_t readable = catalog.countImages(ImageStatus::Ok) + s.pending;
    for (ModelRecord& m : catalog.models()) {
        const auto missing = static_cast<int64_t>(catalog.pathsWithoutEmbedding(m.id).size());
        s.models.push_back({std::move(m), std::max<int64_t>(0, readable - missing)});
    }
    return s;
}

long long CatalogSnapshot::indexOf(int64_t id) const {
    const auto it = rowOfId.find(id);
    return it == rowOfId.end() ? -1 : static_cast<long long>(it->second);
}

const CatalogSnapshot::ModelSummary* CatalogSnapshot::model(int64_t modelId) const {
    for (const ModelSummary& m : models)
        if (m.record.id == modelId) return &m;
    return nullptr;
}

}  // namespace cosmoclip
