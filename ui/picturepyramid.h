#pragma once

#include <QImage>
#include <vector>

namespace cosmoclip {

/// A rendered picture plus successive halvings (2x2 box averages) down to about kMinSide pixels, so
/// that a reduced view is drawn from a level at most twice its size instead of scaling the whole
/// picture on the GUI thread (a smooth QImage::scaled of a 4096^2 picture takes most of a second).
/// Built on the worker thread; costs a third of the picture's memory. Levels keep the source format
/// (Grayscale8, RGB888 or RGBA8888); level 0 shares the source's data.
class PicturePyramid {
public:
    static constexpr int kMinSide = 256;

    PicturePyramid() = default;
    explicit PicturePyramid(const QImage& picture);

    bool isNull() const { return m_levels.empty(); }
    const QImage& source() const;
    int levelCount() const { return int(m_levels.size()); }
    const QImage& level(int k) const { return m_levels[size_t(k)]; }
    /// The smallest level whose scale (2^-k) is still >= zoom (device pixels per picture pixel).
    int levelFor(double zoom) const;

private:
    std::vector<QImage> m_levels;
};

/// One 2x2 box-average halving of a Grayscale8, RGB888 or RGBA8888 image (odd edges repeat the
/// last row/column). Other formats are converted to RGBA8888 first.
QImage halveImage(const QImage& image);

}  // namespace cosmoclip
