#include "training/contrastiveloss.h"

#include <ATen/ATen.h>

#include "common/error.h"

namespace cosmoclip {

namespace {

at::Tensor normalized(const at::Tensor& x) {
    // torch.nn.functional.normalize (eps 1e-12), as open_clip's loss uses.
    return x / x.norm(2, -1, true).clamp_min(1e-12);
}

// Cross-entropy of each row of `logits` against the row distributions `targets`, averaged over rows.
// Zero targets contribute exactly nothing (no 0 * -inf).
at::Tensor softCrossEntropy(const at::Tensor& logits, const at::Tensor& targets) {
    const at::Tensor logProbabilities = at::log_softmax(logits, 1);
    return -(targets * logProbabilities.masked_fill(targets == 0, 0.0)).sum(1).mean();
}

}  // namespace

at::Tensor positivePairs(const std::vector<std::string>& captions, const std::vector<std::string>& labels) {
    const auto n = static_cast<int64_t>(captions.size());
    if (!labels.empty() && labels.size() != captions.size())
        throw Error("contrastive loss", std::to_string(labels.size()) + " labels for " +
                                            std::to_string(captions.size()) + " captions");
    at::Tensor positives = at::zeros({n, n}, at::kBool);
    auto p = positives.accessor<bool, 2>();
    for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j)
            p[i][j] = i == j || captions[i] == captions[j] ||
                      (!labels.empty() && !labels[i].empty() && labels[i] == labels[j]);
    return positives;
}

at::Tensor contrastiveLoss(const at::Tensor& imageFeatures, const at::Tensor& textFeatures,
                           const at::Tensor& logitScale, const at::Tensor& positives) {
    if (imageFeatures.dim() != 2 || textFeatures.dim() != 2 || imageFeatures.sizes() != textFeatures.sizes())
        throw Error("contrastive loss", "image and text features must both be [B, E]");
    const int64_t b = imageFeatures.size(0);
    const at::Tensor image = normalized(imageFeatures.to(at::kFloat));
    const at::Tensor text = normalized(textFeatures.to(at::kFloat));
    const at::Tensor logits = logitScale.to(at::kFloat).exp() * at::matmul(image, text.t());
    at::Tensor targets = at::eye(b, logits.options());
    if (positives.defined()) {
        if (positives.dim() != 2 || positives.size(0) != b || positives.size(1) != b)
            throw Error("contrastive loss", "positives must be [B, B]");
        targets = at::maximum(targets, positives.to(logits.device(), at::kFloat));  // every item is its own positive
    }
    const at::Tensor rows = targets / targets.sum(1, true);
    const at::Tensor columns = targets.t() / targets.t().sum(1, true);
    return (softCrossEntropy(logits, rows) + softCrossEntropy(logits.t(), columns)) / 2;
}

}  // namespace cosmoclip
