#pragma once

#include <optional>
#include <string>
#include <vector>

#include "image/stretch.h"

namespace cosmoclip::cli {

// `cosmoclip info|render|preprocess`, as written in shared/docs/cli.md. Each returns the exit
// code; bad input throws cosmoclip::Error (exit 1), command-line mistakes UsageError (exit 2).
class ParsedArgs;

/// The --stretch option, or nullopt when absent; an unknown name is a UsageError.
std::optional<StretchKind> stretchOption(const ParsedArgs& args);

int runInfo(const std::vector<std::string>& args);
int runRender(const std::vector<std::string>& args);
int runPreprocess(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
