#include "image/rasterloader.h"
#include "common/error.h"
namespace cosmoclip {
LoadedImage readRaster(const std::string& path, FileKind, const LoadOptions&) { throw Error(path, "raster reader not built yet"); }
}
