#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "training/trainingexample.h"

namespace cosmoclip {

/// The texts of an evaluation: the classes for zero-shot accuracy and the distinct captions for
/// retrieval, with each image's index into both (-1: none).
struct EvalTexts {
    std::vector<std::string> classNames;
    std::vector<int64_t> imageClass;  ///< per example: index into classNames, -1 when unlabelled
    std::vector<std::string> captions;
    std::vector<int64_t> imageCaption;  ///< per example: index into captions, -1 when it has no text
};

/// Classes are `classNames`, or when that is empty the examples' distinct labels in sorted order;
/// an example whose label is not a class counts as unlabelled. Captions are captionFor(example, style),
/// each distinct text once (several images may share one).
EvalTexts evalTexts(const std::vector<TrainingExample>& examples, CaptionStyle style,
                    const std::vector<std::string>& classNames = {});

/// L2-normalised embeddings of one evaluation, row-major.
struct EvalEmbeddings {
    size_t dim = 0;
    std::span<const float> images;    ///< [N, dim]
    std::span<const float> classes;   ///< [C, dim], e.g. ensembleClassEmbeddings() of the templates
    std::span<const float> captions;  ///< [M, dim]
};

/// Zero-shot and retrieval metrics in the terms of the CosmoCLIP paper. NaN where undefined (no
/// labelled image, no caption).
struct EvalMetrics {
    size_t n = 0;          ///< images
    size_t labelled = 0;   ///< images with a class (the zero-shot denominator)
    double top1 = 0.0;
    double top5 = 0.0;
    std::vector<std::string> classNames;
    std::vector<double> perClassTop1;  ///< NaN for a class without images
    std::vector<size_t> perClassCount;
    size_t captions = 0;  ///< distinct captions (text->image queries)
    double i2tRecall[3] = {0.0, 0.0, 0.0};  ///< image->text recall@1, @5, @10
    double t2iRecall[3] = {0.0, 0.0, 0.0};  ///< text->image recall@1, @5, @10
};

/// Cosine scores (dot products of the normalised rows) -> metrics. Zero-shot ranks each labelled
/// image's classes; image->text ranks all captions for each image (its own caption is relevant);
/// text->image ranks all images for each caption (every image with that caption is relevant).
/// Throws cosmoclip::Error for inconsistent sizes.
EvalMetrics evaluateEmbeddings(const EvalTexts& texts, const EvalEmbeddings& embeddings);

/// The keys of `cosmoclip eval --json` (docs/cli.md): n, top1, top5, per_class {label: top1},
/// i2t_recall@1/5/10, t2i_recall@1/5/10. NaN is written as null.
nlohmann::json toJson(const EvalMetrics& metrics);

/// [rows, dim] x [cols, dim]^T -> [rows, cols] dot products.
std::vector<float> similarityMatrix(std::span<const float> a, std::span<const float> b, size_t dim);

}  // namespace cosmoclip
