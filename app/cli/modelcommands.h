#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

// `cosmoclip tokenize|embed|model init|bench embed|bench text` (shared/docs/cli.md).
int runTokenize(const std::vector<std::string>& args);
int runEmbed(const std::vector<std::string>& args);
int runModel(const std::vector<std::string>& args);
int runBench(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
