#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

// `cosmoclip finetune|eval` (shared/docs/cli.md) and `cosmoclip model blend` (WiSE-FT).
int runFinetune(const std::vector<std::string>& args);
int runEval(const std::vector<std::string>& args);
int runModelBlend(const std::vector<std::string>& args);

}  // namespace cosmoclip::cli
