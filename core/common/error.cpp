#include "common/error.h"

namespace cosmoclip {

Error::Error(const std::string& path, const std::string& what) : std::runtime_error(path + ": " + what) {}

}  // namespace cosmoclip
