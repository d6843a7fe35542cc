#include "demo/renderjob.h"

#include <filesystem>

#include "image/imageloader.h"
#include "image/rasterwriter.h"

namespace cosmoclip {
namespace {

/// True when `path` is a picture with exactly these pixels (decoded the way the catalog reads it).
bool holdsSamePixels(const std::string& path, const Raster8& raster) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return false;
    try {
        const LoadedImage loaded = loadImage(path);
        const Image& image = loaded.image;
        if (image.width != raster.width || image.height != raster.height || image.planes != raster.channels ||
            !image.alpha.empty() || image.bitpix != 8)
            return false;
        const size_t n = image.planeSize();
        for (int c = 0; c < raster.channels; ++c) {
            const float* plane = image.plane(c);
            for (size_t i = 0; i < n; ++i) {
                if (plane[i] != raster.pixels[i * raster.channels + c]) return false;
            }
        }
        return true;
    } catch (const std::exception&) {
        return false;  // unreadable: rewrite it
    }
}

}  // namespace

const Image& RenderJobRunner::map(const std::string& path) {
    auto it = m_maps.find(path);
    if (it == m_maps.end()) it = m_maps.emplace(path, loadImage(path).image).first;
    return it->second;
}

bool RenderJobRunner::run(const RenderJob& job, const std::string& outPath) {
    SphereRenderer renderer(map(job.mapPath), job.shading);
    if (!job.ringPath.empty()) renderer.setRings(map(job.ringPath), job.ringInner, job.ringOuter);
    const Raster8 raster = renderer.render(job.view, job.size);
    if (holdsSamePixels(outPath, raster)) return false;
    writePng(outPath, raster);
    return true;
}

}  // namespace cosmoclip
