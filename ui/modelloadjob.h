#pragma once

#include "job.h"
#include "loadedmodel.h"

namespace cosmoclip {

/// Loads a CLIP model (a Hugging Face or open_clip folder, or an OpenAI .pt with its tokenizer in
/// the same folder or in `tokenizerDir`) and registers it in the catalog (hashing the weights the
/// first time), all on a worker thread. With `reuse` (the same model already loaded for another
/// catalog) only the registration runs.
class ModelLoadJob final : public Job {
    Q_OBJECT
public:
    ModelLoadJob(const QString& catalogPath, const QString& modelPath, QObject* parent = nullptr);

    void setTokenizerDir(const QString& dir) { m_tokenizerDir = dir; }
    void setReuse(LoadedModelPtr model) { m_reuse = std::move(model); }

    QString title() const override;
    QString modelPath() const { return m_modelPath; }
    /// Set once finished.
    LoadedModelPtr model() const { return m_model; }

    /// Where the tokenizer of `modelPath` is looked for when no folder is given: the model folder,
    /// or the folder of a .pt file (as the command line's --model does).
    static QString defaultTokenizerDir(const QString& modelPath);

protected:
    void work() override;

private:
    QString m_catalogPath;
    QString m_modelPath;
    QString m_tokenizerDir;
    LoadedModelPtr m_reuse;
    LoadedModelPtr m_model;
};

}  // namespace cosmoclip
