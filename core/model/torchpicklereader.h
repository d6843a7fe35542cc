#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace cosmoclip {

/// The named tensors of a `torch.save()` state dict at PATH (the zip archive format of PyTorch >= 1.6,
/// as the hub's pytorch_model.bin / open_clip_pytorch_model.bin files are), in the dict's order, on the
/// CPU. A state dict nested under "state_dict" (training checkpoints) is accepted too.
///
/// No Python runs: the archive's pickle is first checked opcode by opcode and may only name tensor
/// rebuilding, storage types and collections.OrderedDict (which LibTorch 1.13's unpickler turns into
/// None; it is rewritten into a plain dict), then LibTorch's C++ unpickler (the one behind
/// torch::pickle_load) builds the tensors and containers. Anything else (another global, a legacy
/// non-zip file, a value that is not a tensor) is refused with cosmoclip::Error "PATH: why".
std::vector<std::pair<std::string, at::Tensor>> readTorchPickleTensors(const std::string& path);

/// Converts the state dict at PICKLE_PATH into a safetensors file at SAFETENSORS_PATH (same names,
/// dtypes and values; contiguous copies; metadata format=pt as transformers expects), written
/// atomically. Returns the number of tensors. Throws cosmoclip::Error.
size_t convertTorchPickleToSafetensors(const std::string& picklePath, const std::string& safetensorsPath);

}  // namespace cosmoclip
