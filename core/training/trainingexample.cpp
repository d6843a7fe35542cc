#include "training/trainingexample.h"

#include "common/error.h"

namespace cosmoclip {

const char* captionStyleName(CaptionStyle style) {
    return style == CaptionStyle::LabelCaption ? "label-caption" : "photo";
}

CaptionStyle parseCaptionStyle(std::string_view name) {
    if (name == "photo") return CaptionStyle::PhotoOf;
    if (name == "label-caption") return CaptionStyle::LabelCaption;
    throw Error("caption style '" + std::string(name) + "'", "unknown; expected photo or label-caption");
}

std::string captionFor(const TrainingExample& example, CaptionStyle style) {
    const bool hasCaption = !example.caption.empty();
    const bool hasLabel = !example.label.empty();
    if (style == CaptionStyle::LabelCaption && hasCaption && hasLabel)
        return example.label + ": " + example.caption;
    if (hasCaption) return example.caption;
    if (hasLabel) return "a photo of a " + example.label + ".";
    return {};
}

std::string fillTemplate(std::string_view templ, std::string_view label) {
    std::string out(templ);
    for (const std::string_view placeholder : {std::string_view("{label}"), std::string_view("{}")}) {
        const size_t at = out.find(placeholder);
        if (at != std::string::npos) return out.replace(at, placeholder.size(), label);
    }
    return out + " " + std::string(label);
}

}  // namespace cosmoclip
