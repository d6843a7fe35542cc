#include "fits/fitsreader.h"
#include "common/error.h"
namespace cosmoclip {
LoadedImage readFits(const std::string& path, const LoadOptions&) { throw Error(path, "FITS reader not built yet"); }
}
