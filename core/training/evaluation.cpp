#include "training/evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "retrieval/vectormath.h"
#include "training/metrics.h"

namespace cosmoclip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kRecallAt[3] = {1, 5, 10};

size_t rowsOf(std::span<const float> m, size_t dim, const char* what) {
    if (dim == 0 || m.size() % dim != 0)
        throw Error("evaluation", std::string(what) + ": " + std::to_string(m.size()) +
                                      " values are not rows of " + std::to_string(dim));
    return m.size() / dim;
}

nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

void zeroShot(const EvalTexts& texts, const EvalEmbeddings& e, EvalMetrics& m) {
    const size_t classes = texts.classNames.size();
    m.classNames = texts.classNames;
    std::vector<float> images;
    std::vector<int64_t> truth;
    for (size_t i = 0; i < texts.imageClass.size(); ++i) {
        if (texts.imageClass[i] < 0) continue;
        images.insert(images.end(), e.images.begin() + static_cast<std::ptrdiff_t>(i * e.dim),
                      e.images.begin() + static_cast<std::ptrdiff_t>((i + 1) * e.dim));
        truth.push_back(texts.imageClass[i]);
    }
    m.labelled = truth.size();
    if (classes == 0 || truth.empty() || e.classes.empty()) {
        m.top1 = m.top5 = kNaN;
        m.perClassTop1.assign(classes, kNaN);
        m.perClassCount.assign(classes, 0);
        return;
    }
    const std::vector<float> scores = similarityMatrix(images, e.classes, e.dim);
    const TopKAccuracy top1 = topKAccuracy(scores, classes, truth, 1);
    m.top1 = top1.accuracy;
    m.perClassTop1 = top1.perClass;
    m.perClassCount = top1.perClassCount;
    m.top5 = topKAccuracy(scores, classes, truth, 5).accuracy;
}

void retrieval(const EvalTexts& texts, const EvalEmbeddings& e, EvalMetrics& m) {
    const size_t n = texts.imageCaption.size();
    const size_t captions = texts.captions.size();
    m.captions = captions;
    if (captions == 0 || n == 0 || e.captions.empty()) {
        std::fill(std::begin(m.i2tRecall), std::end(m.i2tRecall), kNaN);
        std::fill(std::begin(m.t2iRecall), std::end(m.t2iRecall), kNaN);
        return;
    }
    std::vector<std::vector<size_t>> imageTargets(n);
    std::vector<std::vector<size_t>> captionTargets(captions);
    for (size_t i = 0; i < n; ++i) {
        const int64_t c = texts.imageCaption[i];
        if (c < 0) continue;
        imageTargets[i].push_back(static_cast<size_t>(c));
        captionTargets[static_cast<size_t>(c)].push_back(i);
    }
    const std::vector<float> i2t = similarityMatrix(e.images, e.captions, e.dim);
    std::vector<float> t2i(i2t.size());
    for (size_t i = 0; i < n; ++i)
        for (size_t c = 0; c < captions; ++c) t2i[c * n + i] = i2t[i * captions + c];
    const auto i2tRecall = recallAtKs(bestRelevantRanks(i2t, captions, imageTargets), kRecallAt);
    const auto t2iRecall = recallAtKs(bestRelevantRanks(t2i, n, captionTargets), kRecallAt);
    std::copy(i2tRecall.begin(), i2tRecall.end(), m.i2tRecall);
    std::copy(t2iRecall.begin(), t2iRecall.end(), m.t2iRecall);
}

}  // namespace

EvalTexts evalTexts(const std::vector<TrainingExample>& examples, CaptionStyle style,
                    const std::vector<std::string>& classNames) {
    EvalTexts texts;
    texts.classNames = classNames;
    if (texts.classNames.empty()) {
        std::set<std::string> labels;
        for (const auto& e : examples)
            if (!e.label.empty()) labels.insert(e.label);
        texts.classNames.assign(labels.begin(), labels.end());
    }
    std::map<std::string, int64_t> classIndex;
    for (size_t c = 0; c < texts.classNames.size(); ++c)
        classIndex.emplace(texts.classNames[c], static_cast<int64_t>(c));
    std::map<std::string, int64_t> captionIndex;
    for (const auto& e : examples) {
        const auto cls = classIndex.find(e.label);
        texts.imageClass.push_back(e.label.empty() || cls == classIndex.end() ? -1 : cls->second);
        const std::string caption = captionFor(e, style);
        if (caption.empty()) {
            texts.imageCaption.push_back(-1);
            continue;
        }
        const auto [it, added] = captionIndex.emplace(caption, static_cast<int64_t>(texts.captions.size()));
        if (added) texts.captions.push_back(caption);
        texts.imageCaption.push_back(it->second);
    }
    return texts;
}

std::vector<float> similarityMatrix(std::span<const float> a, std::span<const float> b, size_t dim) {
    const size_t rows = rowsOf(a, dim, "similarity");
    const size_t cols = rowsOf(b, dim, "similarity");
    std::vector<float> out(rows * cols);
    for (size_t r = 0; r < rows; ++r) dotRows(b.data(), cols, dim, a.data() + r * dim, out.data() + r * cols);
    return out;
}

EvalMetrics evaluateEmbeddings(const EvalTexts& texts, const EvalEmbeddings& e) {
    EvalMetrics m;
    m.n = rowsOf(e.images, e.dim, "image embeddings");
    if (m.n != texts.imageClass.size() || m.n != texts.imageCaption.size())
        throw Error("evaluation", std::to_string(m.n) + " image embeddings for " +
                                      std::to_string(texts.imageClass.size()) + " examples");
    if (rowsOf(e.classes, e.dim, "class embeddings") != texts.classNames.size() && !e.classes.empty())
        throw Error("evaluation", "class embeddings do not match the " +
                                      std::to_string(texts.classNames.size()) + " classes");
    if (rowsOf(e.captions, e.dim, "caption embeddings") != texts.captions.size() && !e.captions.empty())
        throw Error("evaluation", "caption embeddings do not match the " +
                                      std::to_string(texts.captions.size()) + " captions");
    zeroShot(texts, e, m);
    retrieval(texts, e, m);
    return m;
}

nlohmann::json toJson(const EvalMetrics& m) {
    nlohmann::json j;
    j["n"] = m.n;
    j["top1"] = number(m.top1);
    j["top5"] = number(m.top5);
    nlohmann::json perClass = nlohmann::json::object();
    for (size_t c = 0; c < m.classNames.size(); ++c)
        perClass[m.classNames[c]] = number(c < m.perClassTop1.size() ? m.perClassTop1[c] : kNaN);
    j["per_class"] = perClass;
    for (size_t i = 0; i < 3; ++i) {
        j["i2t_recall@" + std::to_string(kRecallAt[i])] = number(m.i2tRecall[i]);
        j["t2i_recall@" + std::to_string(kRecallAt[i])] = number(m.t2iRecall[i]);
    }
    return j;
}

}  // namespace cosmoclip
