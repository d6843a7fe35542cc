#pragma once

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "image/clippreprocess.h"

namespace cosmoclip {

/// A checkpoint's image preprocessing as its files describe it: HF `preprocessor_config.json`
/// (size.shortest_edge, crop_size, image_mean, image_std, resample) or open_clip's `preprocess_cfg`
/// (size, mean, std, interpolation, resize_mode). Defaults are OpenAI's for the model's image size.
struct ClipPreprocessorConfig {
    int64_t resizeShortest = 224;  ///< shorter side after resizing, pixels
    int64_t cropSize = 224;        ///< centre crop side, pixels
    std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f};
    std::array<float, 3> std{0.26862954f, 0.26130258f, 0.27577711f};
    bool bicubic = true;       ///< Pillow bicubic (HF resample 3, open_clip "bicubic")
    bool shortestEdge = true;  ///< resize the shorter side (open_clip resize_mode "shortest")

    /// OpenAI's pipeline for an R x R model input.
    static ClipPreprocessorConfig forImageSize(int64_t imageSize);
    /// `imageSize` is the model's input size, used where the file leaves a size out.
    static ClipPreprocessorConfig fromHuggingFaceJson(const nlohmann::json& json, int64_t imageSize,
                                                      const std::string& source);
    static ClipPreprocessorConfig fromOpenClipJson(const nlohmann::json& preprocessCfg, int64_t imageSize,
                                                   const std::string& source);
    nlohmann::json toHuggingFaceJson() const;

    /// The settings for preprocessForClip(). Throws cosmoclip::Error when this pipeline is one that
    /// preprocessForClip cannot reproduce (resize side != crop side, non-bicubic, non-shortest resize).
    PreprocessConfig toPreprocessConfig() const;

    bool operator==(const ClipPreprocessorConfig&) const = default;
};

}  // namespace cosmoclip
