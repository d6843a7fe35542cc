#pragma once

#include <string>
#include <string_view>

namespace cosmoclip {

/// One image of a training or evaluation set, as the catalog (or any other source) describes it.
struct TrainingExample {
    std::string imagePath;
    std::string hdu;          ///< FITS HDU ("" = first with image data; a number or an EXTNAME)
    std::string caption;      ///< descriptive text; may be empty
    std::string label;        ///< class label; may be empty
    std::string contentHash;  ///< decides the split (see datasplit.h)
};

/// How an example's training text is built. CosmoCLIP pairs class labels with descriptive captions.
enum class CaptionStyle {
    /// The caption when there is one, else "a photo of a {label}.".
    PhotoOf,
    /// "{label}: {caption}" when there are both, else the caption, else "a photo of a {label}.".
    LabelCaption,
};

const char* captionStyleName(CaptionStyle style);  ///< "photo", "label-caption"
/// "photo" or "label-caption"; throws cosmoclip::Error for anything else.
CaptionStyle parseCaptionStyle(std::string_view name);

/// The text paired with the example's image ("" when it has neither caption nor label).
std::string captionFor(const TrainingExample& example, CaptionStyle style);

/// A zero-shot prompt: `templ` with "{}" (open_clip's placeholder) or "{label}" replaced by `label`;
/// a template with neither gets " {label}" appended.
std::string fillTemplate(std::string_view templ, std::string_view label);

}  // namespace cosmoclip
