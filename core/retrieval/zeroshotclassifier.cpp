#include "retrieval/zeroshotclassifier.h"

#include "common/error.h"
#include "retrieval/promptensemble.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/vectormath.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace cosmoclip {

namespace {

// Texts per encoder call, rounded to whole classes: large enough to keep a GPU busy, small enough
// that 80 templates x 1000 labels do not become one giant batch.
constexpr size_t kTextsPerCall = 256;

}  // namespace

ZeroShotClassifier::ZeroShotClassifier(std::vector<std::string> labels,
                                       const std::vector<std::string>& templates,
                                       const TextEncoder& encode,
                                       const std::vector<std::string>& prompts)
    : m_labels(std::move(labels))
{
    if (m_labels.empty())
        throw Error("zero-shot: no labels");
    if (templates.empty())
        throw Error("zero-shot: no templates");
    if (!prompts.empty() && prompts.size() != m_labels.size())
        throw Error("zero-shot: " + std::to_string(prompts.size()) + " prompts for " +
                    std::to_string(m_labels.size()) + " labels");
    if (!encode)
        throw Error("zero-shot: no text encoder");
    for (const auto& t : templates)
        validateTemplate(t);
    for (const auto& label : m_labels)
        if (label.find_first_not_of(" \t\r\n") == std::string::npos)
            throw Error("zero-shot: empty label");

    const size_t classes = m_labels.size();
    const size_t perClass = templates.size();
    const size_t classesPerCall = std::max<size_t>(1, kTextsPerCall / perClass);
    std::vector<float> text;
    for (size_t c0 = 0; c0 < classes; c0 += classesPerCall) {
        const size_t c1 = std::min(classes, c0 + classesPerCall);
        std::vector<std::string> batch;
        batch.reserve((c1 - c0) * perClass);
        for (size_t c = c0; c < c1; ++c)
            for (const auto& t : templates)
                batch.push_back(formatTemplate(t, prompts.empty() ? m_labels[c] : prompts[c]));
        const std::vector<float> out = encode(batch);
        if (out.empty() || out.size() % batch.size() != 0)
            throw Error("zero-shot: the text encoder returned " + std::to_string(out.size()) +
                        " values for " + std::to_string(batch.size()) + " texts");
        const size_t dim = out.size() / batch.size();
        if (m_dim != 0 && dim != m_dim)
            throw Error("zero-shot: the text encoder changed dimension from " +
                        std::to_string(m_dim) + " to " + std::to_string(dim));
        m_dim = dim;
        text.insert(text.end(), out.begin(), out.end());
    }
    m_classEmbeddings = ensembleClassEmbeddings(text, classes, perClass, m_dim);
}

ZeroShotClassifier ZeroShotClassifier::fromClassEmbeddings(std::vector<std::string> labels,
                                                           std::vector<float> classEmbeddings,
                                                           size_t dim)
{
    if (labels.empty() || dim == 0)
        throw Error("zero-shot: no labels or zero dimension");
    if (classEmbeddings.size() != labels.size() * dim)
        throw Error("zero-shot: " + std::to_string(classEmbeddings.size()) +
                    " class values for " + std::to_string(labels.size()) + " labels of dimension " +
                    std::to_string(dim));
    ZeroShotClassifier z;
    z.m_labels = std::move(labels);
    z.m_classEmbeddings = std::move(classEmbeddings);
    z.m_dim = dim;
    l2NormalizeRows(z.m_classEmbeddings.data(), z.m_labels.size(), dim);
    return z;
}

std::vector<double> ZeroShotClassifier::logits(const float* imageEmbeddings, size_t n,
                                               double scale) const
{
    const size_t classes = m_labels.size();
    std::vector<double> out(n * classes);
    std::vector<double> image(m_dim);
    for (size_t i = 0; i < n; ++i) {
        const float* src = imageEmbeddings + i * m_dim;
        const double norm = std::max(l2Norm(src, m_dim), 1e-12);
        for (size_t d = 0; d < m_dim; ++d)
            image[d] = src[d] / norm;
        for (size_t c = 0; c < classes; ++c) {
            const float* w = m_classEmbeddings.data() + c * m_dim;
            double cosine = 0.0;
            for (size_t d = 0; d < m_dim; ++d)
                cosine += image[d] * w[d];
            out[i * classes + c] = scale * cosine;
        }
    }
    return out;
}

std::vector<double> ZeroShotClassifier::classify(const float* imageEmbeddings, size_t n,
                                                 double scale) const
{
    std::vector<double> probs = logits(imageEmbeddings, n, scale);
    const size_t classes = m_labels.size();
    for (size_t i = 0; i < n; ++i)
        softmaxInPlace(probs.data() + i * classes, classes);
    return probs;
}

std::vector<LabelScore> ZeroShotClassifier::topK(const double* row, size_t labelCount, size_t k)
{
    std::vector<size_t> order(labelCount);
    std::iota(order.begin(), order.end(), size_t(0));
    k = std::min(k, labelCount);
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [row](size_t a, size_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    std::vector<LabelScore> out(k);
    for (size_t i = 0; i < k; ++i)
        out[i] = {order[i], row[order[i]]};
    return out;
}

void softmaxInPlace(double* values, size_t n)
{
    if (n == 0)
        return;
    const double maxValue = *std::max_element(values, values + n);
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
        values[i] = std::exp(values[i] - maxValue);
        sum += values[i];
    }
    for (size_t i = 0; i < n; ++i)
        values[i] /= sum;
}

}  // namespace cosmoclip
