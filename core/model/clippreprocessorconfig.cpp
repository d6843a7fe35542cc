#include "model/clippreprocessorconfig.h"

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace cosmoclip {
namespace {

using nlohmann::json;

std::array<float, 3> triple(const json& object, const char* key, const std::array<float, 3>& fallback,
                            const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (it->is_number()) {  // one value for all channels
        const float v = it->get<float>();
        return {v, v, v};
    }
    if (!it->is_array() || it->size() != 3 || !(*it)[0].is_number() || !(*it)[1].is_number() ||
        !(*it)[2].is_number())
        throw Error(source, std::string("field '") + key + "' must be a list of 3 numbers");
    return {(*it)[0].get<float>(), (*it)[1].get<float>(), (*it)[2].get<float>()};
}

// HF sizes are an int (old files) or an object {"shortest_edge": n} / {"height": h, "width": w}.
int64_t sizeField(const json& object, const char* key, int64_t fallback, const std::string& source) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return fallback;
    if (it->is_number_integer()) return it->get<int64_t>();
    if (it->is_object()) {
        if (it->contains("shortest_edge") && (*it)["shortest_edge"].is_number_integer())
            return (*it)["shortest_edge"].get<int64_t>();
        if (it->contains("height") && it->contains("width") && (*it)["height"].is_number_integer() &&
            (*it)["height"] == (*it)["width"])
            return (*it)["height"].get<int64_t>();
    }
    throw Error(source, std::string("unsupported '") + key + "': " + it->dump());
}

}  // namespace

ClipPreprocessorConfig ClipPreprocessorConfig::forImageSize(int64_t imageSize) {
    ClipPreprocessorConfig c;
    c.resizeShortest = imageSize;
    c.cropSize = imageSize;
    return c;
}

ClipPreprocessorConfig ClipPreprocessorConfig::fromHuggingFaceJson(const json& j, int64_t imageSize,
                                                                   const std::string& source) {
    if (!j.is_object()) throw Error(source, "preprocessor config is not a JSON object");
    ClipPreprocessorConfig c = forImageSize(imageSize);
    c.resizeShortest = sizeField(j, "size", imageSize, source);
    c.cropSize = sizeField(j, "crop_size", c.resizeShortest, source);
    if (j.value("do_normalize", true)) {
        c.mean = triple(j, "image_mean", c.mean, source);
        c.std = triple(j, "image_std", c.std, source);
    } else {
        c.mean = {0.f, 0.f, 0.f};
        c.std = {1.f, 1.f, 1.f};
    }
    const auto resample = j.find("resample");
    c.bicubic = resample == j.end() || resample->is_null() || *resample == 3;
    if (c.resizeShortest <= 0 || c.cropSize <= 0) throw Error(source, "image sizes must be positive");
    return c;
}

ClipPreprocessorConfig ClipPreprocessorConfig::fromOpenClipJson(const json& j, int64_t imageSize,
                                                                const std::string& source) {
    if (!j.is_object()) throw Error(source, "preprocess_cfg is not a JSON object");
    ClipPreprocessorConfig c = forImageSize(imageSize);
    const auto size = j.find("size");
    if (size != j.end() && size->is_array()) {
        if (size->size() != 2 || (*size)[0] != (*size)[1] || !(*size)[0].is_number_integer())
            throw Error(source, "unsupported preprocess_cfg.size " + size->dump());
        c.resizeShortest = c.cropSize = (*size)[0].get<int64_t>();
    } else if (size != j.end() && size->is_number_integer()) {
        c.resizeShortest = c.cropSize = size->get<int64_t>();
    }
    c.mean = triple(j, "mean", c.mean, source);
    c.std = triple(j, "std", c.std, source);
    c.bicubic = j.value("interpolation", std::string("bicubic")) == "bicubic";
    c.shortestEdge = j.value("resize_mode", std::string("shortest")) == "shortest";
    if (c.resizeShortest <= 0) throw Error(source, "image sizes must be positive");
    return c;
}

json ClipPreprocessorConfig::toHuggingFaceJson() const {
    return {{"image_processor_type", "CLIPImageProcessor"},
            {"do_resize", true},
            {"size", {{"shortest_edge", resizeShortest}}},
            {"resample", bicubic ? 3 : 2},
            {"do_center_crop", true},
            {"crop_size", {{"height", cropSize}, {"width", cropSize}}},
            {"do_rescale", true},
            {"rescale_factor", 1.0 / 255.0},
            {"do_normalize", true},
            {"image_mean", mean},
            {"image_std", std},
            {"do_convert_rgb", true}};
}

PreprocessConfig ClipPreprocessorConfig::toPreprocessConfig() const {
    if (resizeShortest != cropSize)
        throw Error("preprocessor config", "resize to " + std::to_string(resizeShortest) + " then crop to " +
                                               std::to_string(cropSize) +
                                               " is not supported (sizes must match)");
    if (!bicubic) throw Error("preprocessor config", "only bicubic resampling is supported");
    if (!shortestEdge) throw Error("preprocessor config", "only shortest-edge resizing is supported");
    PreprocessConfig p;
    p.size = static_cast<int>(cropSize);
    p.mean = mean;
    p.std = std;
    return p;
}

}  // namespace cosmoclip
