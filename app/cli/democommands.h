#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

/// `cosmoclip demo build`: the labelled demo catalog from Debian's stellarium-data and kstars-data.
int runDemo(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
