#pragma once

#include <string>
#include <vector>

namespace cosmoclip::cli {

// `cosmoclip model pull REPO [--revision R] [--json]` and `cosmoclip model list [--json]`
// (shared/docs/cli.md): CLIP weights from the Hugging Face hub, kept in the user's data folder.
int runModelPull(const std::vector<std::string>& args);
int runModelList(const std::vector<std::string>& args);

/// VALUE when it is an existing path; otherwise the folder of the registered hub model it names
/// ("owner/name" or "owner/name@revision"). Throws cosmoclip::Error when VALUE is neither.
std::string resolveModelArgument(const std::string& value);

}  // namespace cosmoclip::cli
