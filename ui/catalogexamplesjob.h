#pragma once

#include <vector>

#include "job.h"
#include "training/trainingexample.h"

namespace cosmoclip {

/// Reads the catalog's readable images as training examples (all splits; the caller splits them
/// by content hash, which is cheap), so that the fine-tune wizard can count classes per split as
/// the user moves the fractions without asking the catalog again.
class CatalogExamplesJob final : public Job {
    Q_OBJECT
public:
    explicit CatalogExamplesJob(const QString& catalogPath, QObject* parent = nullptr);

    QString title() const override;
    /// Set once finished.
    const std::vector<TrainingExample>& examples() const { return m_examples; }

protected:
    void work() override;

private:
    QString m_catalogPath;
    std::vector<TrainingExample> m_examples;
};

}  // namespace cosmoclip
