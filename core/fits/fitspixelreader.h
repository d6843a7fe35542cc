#pragma once

#include "image/image.h"

namespace cosmoclip {

class FitsFile;

/// Reads the pixels of the current image HDU of a FitsFile into an Image whose width, height,
/// planes and bitpix are already set: float32 physical values (BSCALE/BZERO applied, BLANK and NaN
/// as NaN), the first planes * height * width elements in file order.
class FitsPixelReader final {
public:
    explicit FitsPixelReader(const FitsFile& file) : m_file(file) {}

    /// Fills image.data chunk by chunk and returns statistics accumulated in double precision from
    /// the values CFITSIO delivers (doubles for all but unscaled BITPIX -32), so they are exact for 32- and
    /// 64-bit integers although image.data holds float32. Throws Error on truncated data.
    ImageStats read(Image& image) const;

private:
    const FitsFile& m_file;
};

}  // namespace cosmoclip
