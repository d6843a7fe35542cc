#include "model/clipmodelloader.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/atomicfilewriter.h"
#include "model/checkpointtensors.h"
#include "model/safetensorswriter.h"

namespace cosmoclip {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Where a checkpoint's files are, once the layout is known.
struct Resolved {
    ClipCheckpointLayout layout = ClipCheckpointLayout::HuggingFace;
    fs::path folder;
    std::vector<std::string> weightFiles;
    std::string weightsSource;  // the file named in messages
};

bool isFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

json readJson(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string(), "cannot open");
    try {
        return json::parse(in);
    } catch (const json::exception& e) {
        throw Error(path.string(), std::string("invalid JSON: ") + e.what());
    }
}

void writeJson(const fs::path& path, const json& value) {
    const std::string text = value.dump(2) + "\n";
    AtomicFileWriter writer(path.string());
    writer.write(text.data(), text.size());
    writer.commit();
}

// A sharded HF checkpoint: model.safetensors.index.json maps every tensor to its shard.
std::vector<std::string> shardFiles(const fs::path& index) {
    const json j = readJson(index);
    const auto map = j.find("weight_map");
    if (map == j.end() || !map->is_object()) throw Error(index.string(), "no 'weight_map' object");
    std::set<std::string> files;
    for (const auto& [name, file] : map->items()) {
        if (!file.is_string())
            throw Error(index.string(), "weight_map entry '" + name + "' is not a file name");
        files.insert((index.parent_path() / file.get<std::string>()).string());
    }
    return {files.begin(), files.end()};
}

[[noreturn]] void throwUnrecognisedFolder(const fs::path& folder) {
    for (const char* pickle : {"pytorch_model.bin", "open_clip_pytorch_model.bin"})
        if (isFile(folder / pickle))
            throw Error(folder.string(), std::string("only safetensors weights are read; '") + pickle +
                                             "' is a Python pickle (convert it to safetensors)");
    if (isFile(folder / "config.json")) throw Error(folder.string(), "config.json but no model.safetensors");
    if (isFile(folder / "open_clip_config.json"))
        throw Error(folder.string(), "open_clip_config.json but no open_clip_model.safetensors");
    throw Error(folder.string(),
                "not a CLIP checkpoint folder: expected config.json + model.safetensors "
                "(Hugging Face) or open_clip_config.json + open_clip_model.safetensors (open_clip)");
}

Resolved resolveFolder(const fs::path& folder) {
    Resolved r;
    r.folder = folder;
    if (isFile(folder / "config.json")) {
        r.layout = ClipCheckpointLayout::HuggingFace;
        if (isFile(folder / "model.safetensors")) {
            r.weightFiles = {(folder / "model.safetensors").string()};
            r.weightsSource = r.weightFiles.front();
            return r;
        }
        if (isFile(folder / "model.safetensors.index.json")) {
            r.weightsSource = (folder / "model.safetensors.index.json").string();
            r.weightFiles = shardFiles(r.weightsSource);
            return r;
        }
    }
    if (isFile(folder / "open_clip_config.json")) {
        r.layout = ClipCheckpointLayout::OpenClip;
        for (const char* name : {"open_clip_model.safetensors", "open_clip_pytorch_model.safetensors"}) {
            if (!isFile(folder / name)) continue;
            r.weightFiles = {(folder / name).string()};
            r.weightsSource = r.weightFiles.front();
            return r;
        }
    }
    throwUnrecognisedFolder(folder);
}

Resolved resolve(const std::string& path) {
    std::error_code ec;
    const fs::path p(path);
    if (fs::is_directory(p, ec)) return resolveFolder(p);
    if (!fs::is_regular_file(p, ec)) throw Error(path, "no such file or folder");
    if (p.extension() != ".safetensors") return {ClipCheckpointLayout::OpenAi, p.parent_path(), {path}, path};
    // A weight file inside a checkpoint folder: the folder's config says what it is.
    Resolved r{ClipCheckpointLayout::HuggingFace, p.parent_path(), {path}, path};
    if (isFile(r.folder / "config.json")) return r;
    r.layout = ClipCheckpointLayout::OpenClip;
    if (isFile(r.folder / "open_clip_config.json")) return r;
    throw Error(path, "no config.json or open_clip_config.json beside it (the architecture is unknown)");
}

ClipConfig readHuggingFaceConfig(const fs::path& file) {
    const json j = readJson(file);
    if (j.is_object() && j.contains("model_type") && j["model_type"] != "clip")
        throw Error(file.string(), "model_type " + j["model_type"].dump() + " is not a CLIPModel (\"clip\")");
    return ClipConfig::fromHuggingFaceJson(j, file.string());
}

std::string joinProblems(const std::vector<std::string>& problems) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    return text;
}

// Every mismatch between the checkpoint and the mappings, in mapping order, then unexpected names.
std::vector<std::string> checkTensors(const CheckpointTensors& tensors,
                                      const std::vector<WeightMapping>& mappings,
                                      const std::function<bool(const std::string&)>& ignored) {
    std::vector<std::string> problems;
    std::set<std::string> used;
    for (const auto& m : mappings) {
        for (const auto& s : m.sources) {
            used.insert(s.name);
            if (!tensors.contains(s.name))
                problems.push_back("missing tensor '" + s.name + "'");
            else if (!tensors.isFloatingPoint(s.name))
                problems.push_back("'" + s.name + "' has dtype " + tensors.dtypeName(s.name) +
                                   ", expected a floating-point type");
            else if (tensors.shape(s.name) != s.shape)
                problems.push_back("'" + s.name + "' has shape " + shapeToString(tensors.shape(s.name)) +
                                   ", expected " + shapeToString(s.shape));
        }
    }
    for (const auto& name : tensors.names())
        if (!used.count(name) && !(ignored && ignored(name)))
            problems.push_back("unexpected tensor '" + name + "'");
    return problems;
}

at::Tensor assemble(const CheckpointTensors& tensors, const WeightMapping& m) {
    switch (m.transform) {
        case WeightTransform::Transpose:
            return tensors.tensor(m.sources.at(0).name).t();
        case WeightTransform::Concat: {
            std::vector<at::Tensor> parts;
            for (const auto& s : m.sources) parts.push_back(tensors.tensor(s.name).to(at::kFloat));
            return at::cat(parts, 0);
        }
        case WeightTransform::Copy:
            break;
    }
    return tensors.tensor(m.sources.at(0).name);
}

}  // namespace

const char* layoutName(ClipCheckpointLayout layout) {
    switch (layout) {
        case ClipCheckpointLayout::HuggingFace:
            return "Hugging Face";
        case ClipCheckpointLayout::OpenClip:
            return "open_clip";
        case ClipCheckpointLayout::OpenAi:
            return "OpenAI TorchScript";
    }
    return "unknown";
}

ClipCheckpointLayout ClipModelLoader::detectLayout(const std::string& path) {
    return resolve(path).layout;
}

ClipModel ClipModelLoader::fromTensors(const ClipConfig& config, const CheckpointTensors& tensors,
                                       const std::vector<WeightMapping>& mappings,
                                       const std::function<bool(const std::string&)>& ignored) {
    const auto problems = checkTensors(tensors, mappings, ignored);
    if (!problems.empty()) throw Error(tensors.source(), joinProblems(problems));
    ClipModel model(config, /*initialize=*/false);
    auto params = model->named_parameters(/*recurse=*/true);
    if (params.size() != mappings.size())
        throw Error(tensors.source(), "internal error: " + std::to_string(mappings.size()) +
                                          " weight mappings for " + std::to_string(params.size()) +
                                          " model parameters");
    at::NoGradGuard noGrad;
    for (const auto& m : mappings) {
        at::Tensor* target = params.find(m.name);
        if (!target)
            throw Error(tensors.source(), "internal error: the model has no parameter '" + m.name + "'");
        target->copy_(assemble(tensors, m));  // converts F16/BF16 to the parameter's F32
    }
    model->eval();
    return model;
}

LoadedClipModel ClipModelLoader::load(const std::string& path) {
    const Resolved r = resolve(path);
    LoadedClipModel out;
    out.layout = r.layout;
    out.weightsPath = r.weightsSource;
    CheckpointTensors tensors;
    if (r.layout == ClipCheckpointLayout::OpenAi) {
        tensors = CheckpointTensors::fromTorchScript(path);
        out.config = ClipConfig::fromOpenAiShapes(tensors.shapes(), path);
        out.preprocess = ClipPreprocessorConfig::forImageSize(out.config.vision.imageSize);
    } else if (r.layout == ClipCheckpointLayout::HuggingFace) {
        out.config = readHuggingFaceConfig(r.folder / "config.json");
        const fs::path pre = r.folder / "preprocessor_config.json";
        out.preprocess = isFile(pre) ? ClipPreprocessorConfig::fromHuggingFaceJson(
                                           readJson(pre), out.config.vision.imageSize, pre.string())
                                     : ClipPreprocessorConfig::forImageSize(out.config.vision.imageSize);
    } else {
        const fs::path file = r.folder / "open_clip_config.json";
        const json j = readJson(file);
        out.config = ClipConfig::fromOpenClipJson(j, file.string());
        const auto pre = j.find("preprocess_cfg");
        out.preprocess = pre != j.end() ? ClipPreprocessorConfig::fromOpenClipJson(
                                              *pre, out.config.vision.imageSize, file.string())
                                        : ClipPreprocessorConfig::forImageSize(out.config.vision.imageSize);
    }
    if (r.layout != ClipCheckpointLayout::OpenAi)
        tensors = CheckpointTensors::fromSafetensors(r.weightFiles, r.weightsSource);
    // Both namings occur in both folder kinds (spec §2): decide by the keys, not by the file name.
    const bool openAiNames = tensors.contains("visual.conv1.weight") ||
                             (r.layout != ClipCheckpointLayout::HuggingFace &&
                              !tensors.contains("vision_model.embeddings.patch_embedding.weight"));
    if (openAiNames)
        out.model =
            fromTensors(out.config, tensors, WeightNames::openAi(out.config), WeightNames::isIgnoredOpenAi);
    else
        out.model = fromTensors(out.config, tensors, WeightNames::huggingFace(out.config),
                                WeightNames::isIgnoredHuggingFace);
    return out;
}

void ClipModelLoader::saveHuggingFace(ClipModelImpl& model, const ClipPreprocessorConfig& preprocess,
                                      const std::string& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec || !fs::is_directory(folder, ec)) throw Error(folder, "cannot create the folder");
    auto params = model.named_parameters(/*recurse=*/true);
    std::vector<std::pair<std::string, at::Tensor>> tensors;
    for (const auto& m : WeightNames::huggingFace(model.config())) {
        const at::Tensor* param = params.find(m.name);
        if (!param) throw Error(folder, "internal error: the model has no parameter '" + m.name + "'");
        const at::Tensor value = param->detach().to(at::kCPU, at::kFloat);
        if (m.transform == WeightTransform::Concat) {
            const auto parts = value.chunk(3, 0);
            for (size_t i = 0; i < 3; ++i) tensors.emplace_back(m.sources[i].name, parts[i].contiguous());
        } else {
            const bool transpose = m.transform == WeightTransform::Transpose;
            tensors.emplace_back(m.sources[0].name, transpose ? value.t().contiguous() : value.contiguous());
        }
    }
    // transformers refuses safetensors files whose metadata lacks format=pt.
    writeSafetensors((fs::path(folder) / "model.safetensors").string(), tensors, {{"format", "pt"}});
    writeJson(fs::path(folder) / "config.json", model.config().toHuggingFaceJson());
    writeJson(fs::path(folder) / "preprocessor_config.json", preprocess.toHuggingFaceJson());
}

}  // namespace cosmoclip
