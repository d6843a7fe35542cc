#pragma once

#include <QStringList>
#include <vector>

#include "job.h"
#include "training/datasplit.h"
#include "training/evaluation.h"
#include "training/trainingexample.h"

namespace cosmoclip {

/// "Compare with base": zero-shot and retrieval metrics of several models on the same catalog
/// split, as `cosmoclip eval --model A --model B` computes them (evaluateOnCatalog: the catalog's
/// vectors of each model, embedded first where missing; the default astronomy prompt ensemble).
class CompareJob final : public Job {
    Q_OBJECT
public:
    CompareJob(const QString& catalogPath, const QStringList& modelPaths, SplitFractions fractions,
               CaptionStyle style, Split split = Split::Test, QObject* parent = nullptr);

    QString title() const override;
    const QStringList& modelPaths() const { return m_modelPaths; }
    /// One per model, set once finished.
    const std::vector<EvalMetrics>& metrics() const { return m_metrics; }

protected:
    void work() override;

private:
    QString m_catalogPath;
    QStringList m_modelPaths;
    SplitFractions m_fractions;
    CaptionStyle m_style;
    Split m_split;
    std::vector<EvalMetrics> m_metrics;
};

}  // namespace cosmoclip
