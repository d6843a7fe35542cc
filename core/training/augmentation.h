#pragma once

#include "image/clippreprocess.h"
#include "image/renderer.h"

namespace cosmoclip {

class TrainingRandom;

/// Augmentations that respect sky images: the sky has no up and no handedness, so flips and
/// quarter turns are free; crops keep most of the field; the photometric jitter is small because
/// brightness carries physics. Defaults are mild on purpose (fine-tuning, small datasets).
struct AugmentOptions {
    bool enabled = true;         ///< false: the plain CLIP preprocessing (resize, centre crop)
    double cropScaleMin = 0.5;   ///< random resized crop: area fraction of the image, min..max
    double cropScaleMax = 1.0;
    double cropRatioMin = 3.0 / 4.0;  ///< aspect ratio range (log-uniform), as torchvision's
    double cropRatioMax = 4.0 / 3.0;
    bool flips = true;      ///< horizontal and vertical flips, each with probability 1/2
    bool rotations = true;  ///< a uniform quarter turn 0, 90, 180 or 270 degrees
    double brightness = 0.05;  ///< additive offset in display units, uniform in +-brightness
    double contrast = 0.1;     ///< contrast factor around mid grey, uniform in 1 +- contrast
    double stretch = 0.1;      ///< MTF midtones 0.5 (1 +- stretch): a slightly harder or softer stretch
};

/// One augmented CLIP input [3, R, R] (R = config.size), normalised with config's mean and std, from
/// an RGB raster (3 channels; the decoded, stretched image). Draws from `random` in a fixed order, so
/// the result is a pure function of the raster, the options and the generator's state. `out` holds
/// 3 * R * R floats. Throws cosmoclip::Error for a raster that is not 3-channel.
void augmentedClipInput(const Raster8& rgb, const PreprocessConfig& config, const AugmentOptions& options,
                        TrainingRandom& random, float* out);

}  // namespace cosmoclip
