#include "picturepyramid.h"

#include <algorithm>
#include <cmath>

namespace cosmoclip {

PicturePyramid::PicturePyramid(const QImage& picture) {
    if (picture.isNull()) return;
    m_levels.push_back(picture);
    while (std::max(m_levels.back().width(), m_levels.back().height()) > 2 * kMinSide) {
        m_levels.push_back(halveImage(m_levels.back()));
    }
}

const QImage& PicturePyramid::source() const {
    static const QImage null;
    return m_levels.empty() ? null : m_levels.front();
}

int PicturePyramid::levelFor(double zoom) const {
    if (m_levels.empty() || zoom >= 1.0 || zoom <= 0.0) return 0;
    const int k = int(std::floor(std::log2(1.0 / zoom) + 1e-9));
    return std::clamp(k, 0, levelCount() - 1);
}

QImage halveImage(const QImage& input) {
    QImage image = input;
    if (image.format() != QImage::Format_Grayscale8 && image.format() != QImage::Format_RGB888 &&
        image.format() != QImage::Format_RGBA8888) {
        image = image.convertToFormat(QImage::Format_RGBA8888);
    }
    const int channels = image.depth() / 8;
    const int w = image.width(), h = image.height();
    const int ow = std::max(1, (w + 1) / 2), oh = std::max(1, (h + 1) / 2);
    QImage out(ow, oh, image.format());
    for (int y = 0; y < oh; ++y) {
        const uchar* r0 = image.constScanLine(std::min(2 * y, h - 1));
        const uchar* r1 = image.constScanLine(std::min(2 * y + 1, h - 1));
        uchar* o = out.scanLine(y);
        for (int x = 0; x < ow; ++x) {
            const int x0 = std::min(2 * x, w - 1) * channels;
            const int x1 = std::min(2 * x + 1, w - 1) * channels;
            for (int c = 0; c < channels; ++c) {
                o[x * channels + c] = uchar((r0[x0 + c] + r0[x1 + c] + r1[x0 + c] + r1[x1 + c] + 2) / 4);
            }
        }
    }
    return out;
}

}  // namespace cosmoclip
