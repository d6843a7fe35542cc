#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace cosmoclip {

/// Encodes texts to unnormalised embeddings: returns [texts.size(), dim] row-major floats. The
/// classifier calls it in batches of whole classes; any dimension is accepted if it is the same in
/// every call.
using TextEncoder = std::function<std::vector<float>(const std::vector<std::string>& texts)>;

/// One label of one image, for top-k lists.
struct LabelScore {
    size_t labelIndex = 0;
    double probability = 0.0;
};

/// Zero-shot classification over free-text labels (docs/clip-spec.md §5): every label is written
/// into every template, the text embeddings are normalised, averaged per label and renormalised into
/// a [labels, dim] class matrix; an image's probabilities are softmax(scale * cosine) over the labels.
class ZeroShotClassifier {
public:
    /// Encodes labels x templates through `encode`. `prompts[i]`, if given, is the phrase that fills
    /// the templates for labels[i] (a preset's singular noun); by default the label itself.
    /// Throws cosmoclip::Error on no labels, no templates, a template without "{}", a size mismatch
    /// or an encoder whose output does not fit.
    ZeroShotClassifier(std::vector<std::string> labels, const std::vector<std::string>& templates,
                       const TextEncoder& encode, const std::vector<std::string>& prompts = {});

    /// From a ready [labels, dim] class matrix (e.g. one cached in the catalog); rows are
    /// normalised here.
    static ZeroShotClassifier fromClassEmbeddings(std::vector<std::string> labels,
                                                  std::vector<float> classEmbeddings, size_t dim);

    const std::vector<std::string>& labels() const { return m_labels; }
    size_t labelCount() const { return m_labels.size(); }
    size_t dim() const { return m_dim; }
    /// The normalised [labels, dim] class matrix, row-major.
    const std::vector<float>& classEmbeddings() const { return m_classEmbeddings; }

    /// scale * cosine(image, label): [n, labels] row-major. Image embeddings ([n, dim], any norm)
    /// are normalised here; sums run in double. `scale` is the multiplier itself, exp(logit_scale)
    /// of the model (100 for trained CLIP models), not the stored log.
    std::vector<double> logits(const float* imageEmbeddings, size_t n, double scale) const;

    /// softmax(scale * cosine) over the labels for each image: [n, labels] row-major, each row sums
    /// to 1. Computed in double with the row maximum subtracted, so large scales do not overflow.
    std::vector<double> classify(const float* imageEmbeddings, size_t n, double scale) const;

    /// The k best labels of one row of probabilities (or logits), best first; ties go to the lower
    /// label index. k larger than the row gives the whole row sorted.
    static std::vector<LabelScore> topK(const double* row, size_t labelCount, size_t k);

private:
    ZeroShotClassifier() = default;

    std::vector<std::string> m_labels;
    std::vector<float> m_classEmbeddings;
    size_t m_dim = 0;
};

/// softmax over `n` values in place (double, maximum subtracted).
void softmaxInPlace(double* values, size_t n);

}  // namespace cosmoclip
