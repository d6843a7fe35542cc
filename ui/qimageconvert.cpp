#include "qimageconvert.h"

namespace cosmoclip {

QImage toQImage(const Raster8& raster) {
    QImage::Format format = QImage::Format_Invalid;
    switch (raster.channels) {
        case 1:
            format = QImage::Format_Grayscale8;
            break;
        case 3:
            format = QImage::Format_RGB888;
            break;
        case 4:
            format = QImage::Format_RGBA8888;
            break;
        default:
            return {};
    }
    const qsizetype stride = qsizetype(raster.width) * raster.channels;
    if (raster.width <= 0 || raster.height <= 0 ||
        raster.pixels.size() != size_t(stride) * size_t(raster.height)) {
        return {};
    }
    // The raster owns its bytes and QImage rows are 4-byte aligned: wrap, then copy() to detach.
    const QImage view(raster.pixels.data(), raster.width, raster.height, stride, format);
    return view.copy();
}

}  // namespace cosmoclip
