#include "training/epochmetrics.h"

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace cosmoclip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kRecallAt[3] = {1, 5, 10};

double number(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it == j.end() || it->is_null() ? kNaN : it->get<double>();
}

nlohmann::json number(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// NaN is worse than any number.
int compareHigherBetter(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) == std::isnan(b) ? 0 : (std::isnan(a) ? -1 : 1);
    return a > b ? 1 : (a < b ? -1 : 0);
}

}  // namespace

bool EpochMetrics::betterThan(const EpochMetrics& other) const {
    if (const int top1 = compareHigherBetter(val.top1, other.val.top1)) return top1 > 0;
    if (const int loss = compareHigherBetter(-valLoss, -other.valLoss)) return loss > 0;
    return epoch > other.epoch;
}

nlohmann::json toJson(const EpochMetrics& m) {
    nlohmann::json j = toJson(m.val);
    j["epoch"] = m.epoch;
    j["step"] = m.step;
    j["train_loss"] = number(m.trainLoss);
    j["val_loss"] = number(m.valLoss);
    j["lr"] = m.lr;
    j["train_samples"] = m.trainSamples;
    j["seconds"] = m.seconds;
    j["labelled"] = m.val.labelled;
    j["captions"] = m.val.captions;
    nlohmann::json counts = nlohmann::json::object();
    for (size_t c = 0; c < m.val.classNames.size() && c < m.val.perClassCount.size(); ++c)
        counts[m.val.classNames[c]] = m.val.perClassCount[c];
    j["per_class_n"] = counts;
    return j;
}

EpochMetrics epochMetricsFromJson(const nlohmann::json& j) {
    try {
        EpochMetrics m;
        m.epoch = j.at("epoch").get<int>();
        m.step = j.at("step").get<int64_t>();
        m.trainLoss = number(j, "train_loss");
        m.valLoss = number(j, "val_loss");
        m.lr = number(j, "lr");
        m.trainSamples = j.value("train_samples", size_t{0});
        m.seconds = number(j, "seconds");
        m.val.n = j.value("n", size_t{0});
        m.val.labelled = j.value("labelled", size_t{0});
        m.val.captions = j.value("captions", size_t{0});
        m.val.top1 = number(j, "top1");
        m.val.top5 = number(j, "top5");
        const nlohmann::json perClass = j.value("per_class", nlohmann::json::object());
        const nlohmann::json counts = j.value("per_class_n", nlohmann::json::object());
        for (const auto& [label, value] : perClass.items()) {
            m.val.classNames.push_back(label);
            m.val.perClassTop1.push_back(value.is_null() ? kNaN : value.get<double>());
            m.val.perClassCount.push_back(counts.value(label, size_t{0}));
        }
        for (size_t i = 0; i < 3; ++i) {
            m.val.i2tRecall[i] = number(j, ("i2t_recall@" + std::to_string(kRecallAt[i])).c_str());
            m.val.t2iRecall[i] = number(j, ("t2i_recall@" + std::to_string(kRecallAt[i])).c_str());
        }
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw Error("epoch metrics", e.what());
    }
}

}  // namespace cosmoclip
