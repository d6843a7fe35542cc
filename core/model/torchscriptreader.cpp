#include "model/torchscriptreader.h"

#include "common/error.h"

#include <torch/script.h>

#include <filesystem>

namespace cosmoclip {

namespace {

/// The first line of a c10::Error without LibTorch's C++ backtrace ("Exception raised from ...").
std::string firstLine(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

/// LibTorch's message for a zip archive without TorchScript parts, as torch.save() writes them.
std::string hintFor(const std::string& why) {
    if (why.find("constants.pkl") == std::string::npos) return {};
    return " (a torch.save() pickle such as a state_dict? Only TorchScript archives and safetensors are "
           "read)";
}

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> readTorchScriptParameters(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error(path, "no such file");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, c10::Device(c10::kCPU));
    } catch (const c10::Error& e) {
        // e.msg() leaves out the backtrace that what() carries.
        throw Error(path, "not a readable TorchScript archive: " + firstLine(e.msg()) + hintFor(e.msg()));
    } catch (const std::exception& e) {
        throw Error(path, "not a readable TorchScript archive: " + firstLine(e.what()));
    }
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    try {
        for (const auto& p : module.named_parameters(/*recurse=*/true))
            tensors.emplace_back(p.name, p.value.detach());
        for (const auto& b : module.named_buffers(/*recurse=*/true))
            tensors.emplace_back(b.name, b.value.detach());
    } catch (const c10::Error& e) {
        throw Error(path, "cannot list the TorchScript module's tensors: " + firstLine(e.msg()));
    }
    return tensors;
}

}  // namespace cosmoclip
