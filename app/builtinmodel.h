#pragma once

#include <filesystem>
#include <string>

namespace cosmoclip::app {

/// The built-in model folder (models/cosmoclip-default), "" when this installation has none. In order:
/// $COSMOCLIP_BUILTIN_MODEL, then $COSMOCLIP_DEFAULT_MODEL (older name, used by the tests), as given;
/// then <exe dir>/../share/cosmoclip/models/cosmoclip-default, where a package or an unpacked tar.gz
/// puts it wherever it is installed; then the source tree the binary was built from (build tree).
std::string builtinModelPath();

/// The running program's own file, "" where the platform cannot tell.
std::filesystem::path executablePath();

}  // namespace cosmoclip::app
