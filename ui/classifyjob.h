#pragma once

#include <QStringList>
#include <optional>
#include <string>
#include <vector>

#include "job.h"
#include "loadedmodel.h"

namespace cosmoclip {

/// Zero-shot classification of catalog images against free-text labels, as `cosmoclip classify --db`
/// does it: images without a vector of the model are embedded first, each label is written into
/// every template of the set, and every image's probabilities are stored as this model's
/// "zero-shot" labels (replacing its earlier ones) in one transaction.
class ClassifyJob final : public Job {
    Q_OBJECT
public:
    ClassifyJob(const QString& catalogPath, LoadedModelPtr model, const QStringList& labels, QObject* parent = nullptr);

    /// Only these images (default: the whole catalog).
    void setScope(std::vector<int64_t> imageIds) { m_scope = std::move(imageIds); }
    /// The phrases that fill the templates for each label (a preset's singular nouns).
    void setPrompts(const QStringList& prompts) { m_prompts = prompts; }
    /// A template set of retrieval/prompttemplates.h (default "astronomy").
    void setTemplateSet(const QString& name) { m_templateSet = name; }

    QString title() const override;
    QStringList labels() const { return m_labels; }
    /// Set once finished: the images classified and their probabilities, [ids, labels] row-major.
    const std::vector<int64_t>& imageIds() const { return m_ids; }
    const std::vector<double>& probabilities() const { return m_probabilities; }
    /// Probability of label `labelIndex` for the `row`-th image of imageIds().
    double probability(size_t row, size_t labelIndex) const {
        return m_probabilities[row * size_t(m_labels.size()) + labelIndex];
    }

protected:
    void work() override;

private:
    QString m_catalogPath;
    LoadedModelPtr m_model;
    QStringList m_labels;
    QStringList m_prompts;
    QString m_templateSet;
    std::optional<std::vector<int64_t>> m_scope;
    std::vector<int64_t> m_ids;
    std::vector<double> m_probabilities;
};

}  // namespace cosmoclip
