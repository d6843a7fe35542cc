#pragma once

#include <optional>
#include <string>
#include <vector>

#include "image/clippreprocess.h"
#include "image/image.h"
#include "image/stretch.h"

namespace cosmoclip {

/// What the model sees of an image file: loaded, rendered with `stretch` (default: the viewer's
/// default for the data, i.e. autostretch for FITS and deep images, none for 8-bit pictures),
/// then preprocessed to [3, R, R]. The same path serves the CLI, indexing and the app, so that an
/// image embeds the same everywhere. Throws cosmoclip::Error naming the file.
std::vector<float> clipInputFromFile(const std::string& path, const PreprocessConfig& config,
                                     std::optional<StretchKind> stretch = std::nullopt,
                                     const LoadOptions& load = {});

/// The same for an image already loaded.
std::vector<float> clipInputFromImage(const Image& image, const PreprocessConfig& config,
                                      std::optional<StretchKind> stretch = std::nullopt, int plane = -1);

}  // namespace cosmoclip
