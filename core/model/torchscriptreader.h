#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// The named parameters, then the named buffers, of the TorchScript archive at PATH (the format of
/// OpenAI's downloadable CLIP .pt files), with their module paths as names ("visual.conv1.weight",
/// "positional_embedding", "logit_scale"), loaded onto the CPU and detached. The archive is read by
/// LibTorch's own loader (its C++ unpickler builds only TorchScript values; no Python runs) and no
/// TorchScript method is executed. Throws cosmoclip::Error "PATH: why" for a missing, broken or
/// non-TorchScript file (e.g. a plain pickled state_dict).
std::vector<std::pair<std::string, at::Tensor>> readTorchScriptParameters(const std::string& path);

}  // namespace cosmoclip
