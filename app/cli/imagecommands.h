#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

// `cosmoclip info|render|preprocess`, as written in shared/docs/cli.md. Each returns the exit
// code; bad input throws cosmoclip::Error (exit 1), command-line mistakes UsageError (exit 2).
int runInfo(const std::vector<std::string>& args);
int runRender(const std::vector<std::string>& args);
int runPreprocess(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
