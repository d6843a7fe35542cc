#pragma once

#include <map>
#include <string>

#include "demo/sphererenderer.h"
#include "image/image.h"

namespace cosmoclip {

/// One sphere picture to make from a surface map.
struct RenderJob {
    std::string mapPath;         ///< equirectangular surface map
    std::string ringPath;        ///< radial ring texture, "" for none
    double ringInner = 0.0;      ///< in body radii
    double ringOuter = 0.0;
    SphereShading shading = SphereShading::Lambert;
    SphereView view;
    int size = 256;
};

/// Runs render jobs, loading each map once. A picture whose file already holds the same pixels is
/// not rewritten, so that a rebuilt demo keeps its files' mtimes and the indexer skips them.
class RenderJobRunner {
public:
    /// Renders `job` to the PNG `outPath`. Returns true when the file was (re)written.
    bool run(const RenderJob& job, const std::string& outPath);

private:
    const Image& map(const std::string& path);

    std::map<std::string, Image> m_maps;
};

}  // namespace cosmoclip
