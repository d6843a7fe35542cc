#include "image/rasterwriter.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/atomicfile.h"
#include "common/error.h"

namespace cosmoclip {

void writePng(const std::string& path, const Raster8& raster) {
    if (raster.width <= 0 || raster.height <= 0 || raster.channels < 1 || raster.channels > 4)
        throw Error(path, "nothing to write: the rendered image is empty");
    // Raster8 is RGB(A) ordered; OpenCV encodes BGR(A).
    cv::Mat view(raster.height, raster.width, CV_8UC(raster.channels),
                 const_cast<uint8_t*>(raster.pixels.data()));
    cv::Mat bgr;
    if (raster.channels == 3) {
        cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
    } else if (raster.channels == 4) {
        cv::cvtColor(view, bgr, cv::COLOR_RGBA2BGRA);
    } else {
        bgr = view;
    }
    std::vector<uchar> encoded;
    if (!cv::imencode(".png", bgr, encoded)) throw Error(path, "PNG encoding failed");
    writeFileAtomically(path, encoded.data(), encoded.size());
}

}  // namespace cosmoclip
