#include "hub/hubfileplan.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "common/error.h"
#include "hub/hubmodelinfo.h"

namespace cosmoclip {

namespace {

struct Candidate {
    HubFilePlan::Layout layout;
    const char* config;
    const char* weights;
    const char* convertedName;  // set for pickles
};

// In order of preference (see the class comment).
const Candidate kCandidates[] = {
    {HubFilePlan::Layout::OpenClip, "open_clip_config.json", "open_clip_model.safetensors", nullptr},
    {HubFilePlan::Layout::OpenClip, "open_clip_config.json", "open_clip_pytorch_model.safetensors", nullptr},
    {HubFilePlan::Layout::HuggingFace, "config.json", "model.safetensors", nullptr},
    {HubFilePlan::Layout::HuggingFace, "config.json", "model.safetensors.index.json", nullptr},
    {HubFilePlan::Layout::OpenClip, "open_clip_config.json", "open_clip_pytorch_model.bin", "open_clip_model.safetensors"},
    {HubFilePlan::Layout::HuggingFace, "config.json", "pytorch_model.bin", "model.safetensors"},
};

const char* const kTokenizerExtras[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};

std::string listing(const HubModelInfo& info) {
    QStringList names;
    for (const auto& f : info.files) names << f.name;
    if (names.isEmpty()) return "no files";
    if (names.size() > 15) names = names.mid(0, 15) << QStringLiteral("...");
    return "it has " + names.join(QLatin1String(", ")).toStdString();
}

}  // namespace

bool HubFilePlan::isPlainFileName(const QString& name) {
    if (name.isEmpty() || name == QLatin1String(".") || name == QLatin1String("..") || name.startsWith(QLatin1Char('.')))
        return false;
    for (const QChar c : name)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c.unicode() < 32 || c == QLatin1Char(':')) return false;
    return true;
}

HubFilePlan HubFilePlan::choose(const HubModelInfo& info) {
    const std::string where = info.repo.toStdString() + "@" + info.revision.toStdString();
    const auto has = [&](const char* name) { return info.file(QLatin1String(name)) != nullptr; };
    const Candidate* chosen = nullptr;
    for (const Candidate& c : kCandidates)
        if (has(c.config) && has(c.weights)) {
            chosen = &c;
            break;
        }
    if (!chosen)
        throw Error(where, "no CLIP weights CosmoCLIP can read: expected open_clip_config.json with "
                           "open_clip_model.safetensors (or open_clip_pytorch_model.bin), or config.json with "
                           "model.safetensors (or pytorch_model.bin); " + listing(info));
    HubFilePlan plan;
    plan.layout = chosen->layout;
    plan.files << QLatin1String(chosen->config);
    if (plan.layout == Layout::HuggingFace && has("preprocessor_config.json"))
        plan.files << QStringLiteral("preprocessor_config.json");
    if (has("vocab.json") && has("merges.txt"))
        plan.files << QStringLiteral("vocab.json") << QStringLiteral("merges.txt");
    else if (has("bpe_simple_vocab_16e6.txt.gz"))
        plan.files << QStringLiteral("bpe_simple_vocab_16e6.txt.gz");
    else
        throw Error(where, "no tokenizer files (vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz); " +
                               listing(info));
    for (const char* extra : kTokenizerExtras)
        if (has(extra)) plan.files << QLatin1String(extra);
    plan.weights = QLatin1String(chosen->weights);
    plan.files << plan.weights;
    if (chosen->convertedName) plan.convertedName = QLatin1String(chosen->convertedName);
    return plan;
}

QStringList HubFilePlan::shardsFromIndex(const QByteArray& indexJson, const QString& where) {
    const QJsonObject map = QJsonDocument::fromJson(indexJson).object().value(QLatin1String("weight_map")).toObject();
    if (map.isEmpty()) throw Error(where.toStdString(), "no 'weight_map' object");
    QStringList shards;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString file = it.value().toString();
        if (!isPlainFileName(file))
            throw Error(where.toStdString(), "weight_map names '" + file.toStdString() + "', which is not a file beside the index");
        if (!shards.contains(file)) shards << file;
    }
    return shards;
}

}  // namespace cosmoclip
