#include "image/clipinput.h"

#include "image/imageloader.h"
#include "image/renderer.h"

namespace cosmoclip {

std::vector<float> clipInputFromImage(const Image& image, const PreprocessConfig& config,
                                      std::optional<StretchKind> stretch, int plane) {
    RenderOptions options;
    options.stretch.kind = stretch.value_or(defaultStretch(image));
    options.plane = plane;
    return preprocessForClip(renderImage(image, options), config);
}

std::vector<float> clipInputFromFile(const std::string& path, const PreprocessConfig& config,
                                     std::optional<StretchKind> stretch, const LoadOptions& load) {
    return clipInputFromImage(loadImage(path, load).image, config, stretch);
}

}  // namespace cosmoclip
