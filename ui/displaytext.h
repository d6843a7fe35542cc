#pragma once

#include <QString>
#include <string>

#include "image/image.h"


namespace cosmoclip {

struct ClipConfig;

/// Text the window shows for core data; kept free of widgets so that tests can check it directly.

/// "uint8", "int16", "int32", "int64", "float32", "float64" for a FITS BITPIX.
QString bitpixTypeName(int bitpix);

/// One HDU-selector entry: "0 PRIMARY (empty)", "1 SCI image 132x288 int16",
/// "2 EVENTS table 12 cols x 4000 rows".
QString hduLabel(const HduInfo& hdu);

/// Status-bar readout for the pixel at display position (x, y) of the rendered picture (0-based,
/// top-left origin). FITS images are shown flipped, so FITS pixels are reported 1-based with y counted
/// from the bottom; rasters 0-based from the top-left. `plane` as RenderOptions::plane.
/// Values are physical (Image::data); missing ones read "NaN" (float data) or "blank" (integer data).
QString pixelReadout(const Image& image, int x, int y, int plane);

/// One value as the readout writes it: integers without decimals, else 7 significant digits.
QString formatPixelValue(const Image& image, float value);

/// A model's architecture: its standard name when the sizes match one ("ViT-B/32"), else "ViT".
QString modelArchitectureName(const ClipConfig& config);
/// The architecture in one line: towers' layers x width, patch, input size, context, embedding,
/// activation.
QString modelArchitectureDetails(const ClipConfig& config);

/// "1 image", "12 images" (plural forms from the translation; English's from cosmoclip_en.ts).
QString imageCountText(long long count);

/// Where a label or caption came from (its stored source: "user", "import", "template", "zero-shot"),
/// in the window's language.
QString labelSourceName(const std::string& source);
/// A fine-tuning run's stored status in words ("finished", "cancelled", ...).
QString runStatusName(const std::string& status);

/// A byte count in words: "512 B", "1.4 MB", "2.3 GB".
QString byteSize(long long bytes);

}  // namespace cosmoclip
