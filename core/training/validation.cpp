#include "training/validation.h"

#include <cmath>
#include <limits>
#include <numeric>

#include <ATen/ATen.h>

#include "model/clipmodel.h"
#include "retrieval/promptensemble.h"
#include "tokenizer/bpetokenizer.h"
#include "training/batchloader.h"
#include "training/contrastiveloss.h"
#include "training/trainingtensors.h"

namespace cosmoclip {

Validator::Validator(const std::vector<TrainingExample>& examples, const BpeTokenizer& tokenizer,
                     const TrainerOptions& options, const PreprocessConfig& preprocess, int64_t contextLength,
                     int cacheSide)
    : m_examples(examples), m_options(options), m_preprocess(preprocess) {
    m_texts = evalTexts(m_examples, options.captionStyle);
    const int context = static_cast<int>(contextLength);
    for (const auto& caption : m_texts.captions) m_captionTokens.push_back(tokenizer.encodeForContext(caption, context));
    for (const auto& label : m_texts.classNames)
        for (const auto& templ : options.evalTemplates)
            m_promptTokens.push_back(tokenizer.encodeForContext(fillTemplate(templ, label), context));
    m_cache = std::make_unique<ImageCache>(m_examples, cacheSide);
}

double Validator::loss(ClipModelImpl& model, const at::Tensor& imageFeatures, const at::Tensor& captionFeatures,
                       const std::vector<size_t>& decoded) const {
    // Rows with a caption, in the validation order, cut into training-sized batches.
    std::vector<int64_t> rows;
    for (size_t r = 0; r < decoded.size(); ++r)
        if (m_texts.imageCaption[decoded[r]] >= 0) rows.push_back(static_cast<int64_t>(r));
    const auto batch = static_cast<size_t>(std::max(1, m_options.batchSize));
    double sum = 0.0;
    size_t samples = 0;
    for (size_t begin = 0; begin < rows.size(); begin += batch) {
        const size_t end = std::min(rows.size(), begin + batch);
        if (end - begin < 2) continue;  // a batch of one has no negatives
        std::vector<int64_t> captionRows;
        std::vector<std::string> captions;
        std::vector<std::string> labels;
        for (size_t i = begin; i < end; ++i) {
            const size_t example = decoded[static_cast<size_t>(rows[i])];
            captionRows.push_back(m_texts.imageCaption[example]);
            captions.push_back(m_texts.captions[static_cast<size_t>(captionRows.back())]);
            labels.push_back(m_options.labelPositives ? m_examples[example].label : std::string());
        }
        const at::Tensor index = at::tensor(std::vector<int64_t>(rows.begin() + begin, rows.begin() + end));
        const at::Tensor images = imageFeatures.index_select(0, index.to(imageFeatures.device()));
        const at::Tensor texts = captionFeatures.index_select(0, at::tensor(captionRows).to(captionFeatures.device()));
        const double value =
            contrastiveLoss(images, texts, model.logit_scale, positivePairs(captions, labels)).item<double>();
        sum += value * static_cast<double>(end - begin);
        samples += end - begin;
    }
    return samples ? sum / static_cast<double>(samples) : std::numeric_limits<double>::quiet_NaN();
}

ValidationResult Validator::run(ClipModelImpl& model, const at::Device& device, bool autocast) {
    ValidationResult result;
    model.eval();
    at::NoGradGuard noGrad;
    // Image features in the examples' order, failed decodes left out.
    std::vector<size_t> order(m_examples.size());
    std::iota(order.begin(), order.end(), size_t{0});
    BatchLoaderOptions loaderOptions;
    loaderOptions.batchSize = static_cast<size_t>(std::max(1, m_options.batchSize));
    loaderOptions.workers = m_options.workers;
    loaderOptions.prefetch = m_options.prefetch;
    loaderOptions.augment = false;
    BatchLoader loader(*m_cache, order, m_preprocess, m_options.augment, loaderOptions);
    std::vector<size_t> decoded;
    std::vector<at::Tensor> parts;
    const int64_t r = m_preprocess.size;
    while (auto batch = loader.next()) {
        result.errors.insert(result.errors.end(), batch->errors.begin(), batch->errors.end());
        if (batch->examples.empty()) continue;
        const at::Tensor pixels =
            at::from_blob(batch->pixels.data(), {static_cast<int64_t>(batch->examples.size()), 3, r, r}, at::kFloat)
                .to(device);
        const AutocastScope scope(autocast);
        parts.push_back(model.encodeImage(pixels).to(at::kFloat));
        decoded.insert(decoded.end(), batch->examples.begin(), batch->examples.end());
    }
    const int64_t dim = model.config().embedDim;
    const at::Tensor imageFeatures =
        parts.empty() ? at::empty({0, dim}, at::TensorOptions(device).dtype(at::kFloat)) : at::cat(parts, 0);
    const auto batchSize = static_cast<size_t>(std::max(1, m_options.batchSize));
    const at::Tensor captionFeatures = encodeTokenRows(model, m_captionTokens, batchSize, device, autocast);
    result.loss = loss(model, imageFeatures, captionFeatures, decoded);

    EvalTexts texts = m_texts;  // rows of the decoded images only
    texts.imageClass.clear();
    texts.imageCaption.clear();
    for (const size_t e : decoded) {
        texts.imageClass.push_back(m_texts.imageClass[e]);
        texts.imageCaption.push_back(m_texts.imageCaption[e]);
    }
    const std::vector<float> images = toFloatVector(normalizedRows(imageFeatures));
    const std::vector<float> captions = toFloatVector(normalizedRows(captionFeatures));
    std::vector<float> classes;
    if (!m_promptTokens.empty())
        classes = ensembleClassEmbeddings(toFloatVector(encodeTokenRows(model, m_promptTokens, batchSize, device, autocast)),
                                          m_texts.classNames.size(), m_options.evalTemplates.size(),
                                          static_cast<size_t>(dim));
    result.metrics = evaluateEmbeddings(texts, {static_cast<size_t>(dim), images, classes, captions});
    model.train();
    return result;
}

}  // namespace cosmoclip
