#include "catalog/catalogexamples.h"

#include "catalog/catalog.h"

namespace cosmoclip {

std::vector<TrainingExample> catalogExamples(Catalog& catalog, std::optional<Split> split, const SplitFractions& fractions) {
    std::vector<TrainingExample> out;
    for (const auto& image : catalog.allImages()) {
        if (image.status != ImageStatus::Ok || image.contentHash.empty()) continue;
        if (split && splitOf(image.contentHash, fractions) != *split) continue;
        TrainingExample e;
        e.imagePath = image.path;
        e.hdu = image.hdu;
        e.contentHash = image.contentHash;
        const auto captions = catalog.captions(image.id);  // best source first
        if (!captions.empty()) e.caption = captions.front().text;
        for (const auto& l : catalog.labels(image.id)) {
            if (l.source == "user" || l.source == "import") {
                e.label = l.label;
                break;
            }
        }
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace cosmoclip
