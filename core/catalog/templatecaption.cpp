#include "catalog/templatecaption.h"

#include <cctype>

#include "catalog/catalog.h"

namespace cosmoclip {
namespace {

std::string article(const std::string& noun) {
    if (noun.empty()) return "a";
    const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(noun[0])));
    return (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') ? "an" : "a";
}

}  // namespace

std::string templateCaption(const ImageRecord& image, const std::vector<std::string>& labels) {
    std::string caption;
    if (!labels.empty()) {
        caption = article(labels.front()) + " " + labels.front();
        for (size_t i = 1; i < labels.size(); ++i) caption += (i + 1 == labels.size() ? " and " : ", ") + labels[i];
    } else {
        caption = image.format == "fits" ? "an astronomical image" : "an image of the sky";
    }
    if (image.object) caption += (labels.empty() ? " of " : ": ") + *image.object;
    std::string instrument = image.telescope.value_or("");
    if (image.instrument) instrument += (instrument.empty() ? "" : " ") + ("(" + *image.instrument + ")");
    if (!instrument.empty()) caption += ", observed with " + instrument;
    if (image.filter) caption += (instrument.empty() ? ", taken" : "") + std::string(" through the ") + *image.filter + " filter";
    return caption;
}

void refreshTemplateCaption(Catalog& catalog, int64_t imageId) {
    const auto image = catalog.imageById(imageId);
    if (!image) return;
    std::vector<std::string> labels;
    for (const auto& l : catalog.labels(imageId)) {
        if (l.source == "user" || l.source == "import") labels.push_back(l.label);
    }
    catalog.replaceCaptions(imageId, "template", {templateCaption(*image, labels)});
}

}  // namespace cosmoclip
