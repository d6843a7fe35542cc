#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace cosmoclip {

class HubModelInfo;

/// Which files of a hub repository make a CLIP that ClipModelLoader reads, chosen from the listing:
/// the open_clip layout (open_clip_config.json + open_clip_model.safetensors or
/// open_clip_pytorch_model.safetensors) or the Hugging Face layout (config.json + model.safetensors,
/// or model.safetensors.index.json + shards, + preprocessor_config.json), with the tokenizer files.
/// Safetensors win; a repository with only pytorch_model.bin / open_clip_pytorch_model.bin gets that
/// file, to be converted once to model.safetensors / open_clip_model.safetensors. open_clip comes
/// first because timm's repositories also carry a config.json and a pytorch_model.bin in timm's own
/// naming, which is not a CLIP checkpoint.
class HubFilePlan final {
public:
    enum class Layout { HuggingFace, OpenClip };

    /// Throws cosmoclip::Error naming the repository, and listing what it has, when no layout fits
    /// or the tokenizer files are missing.
    static HubFilePlan choose(const HubModelInfo& info);
    /// The shard file names listed by a model.safetensors.index.json (its weight_map values), each a
    /// plain file name. Throws cosmoclip::Error naming WHERE.
    static QStringList shardsFromIndex(const QByteArray& indexJson, const QString& where);
    /// A file name that is safe to create inside the model folder (no folders, no "..", no control
    /// characters).
    static bool isPlainFileName(const QString& name);

    Layout layout = Layout::HuggingFace;
    QStringList files;      ///< to download: configs and tokenizer first, the weights last
    QString weights;        ///< the weight file (or shard index) among `files`
    QString convertedName;  ///< non-empty when `weights` is a PyTorch pickle: the safetensors it becomes

    bool isSharded() const { return weights.endsWith(QLatin1String(".index.json")); }
    QString layoutName() const { return layout == Layout::OpenClip ? QStringLiteral("open_clip") : QStringLiteral("Hugging Face"); }
};

}  // namespace cosmoclip
