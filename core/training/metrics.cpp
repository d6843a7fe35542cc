#include "training/metrics.h"

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"

namespace cosmoclip {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void checkMatrix(const char* what, size_t values, size_t rows, size_t columns) {
    if (columns == 0 || values != rows * columns)
        throw Error(what, std::to_string(values) + " scores for " + std::to_string(rows) + " rows of " +
                              std::to_string(columns));
}

}  // namespace

size_t rankInRow(const float* row, size_t count, size_t target) {
    const float t = row[target];
    size_t rank = 0;
    if (std::isnan(t)) {
        for (size_t j = 0; j < count; ++j) rank += j != target && (!std::isnan(row[j]) || j < target);
        return rank;
    }
    for (size_t j = 0; j < count; ++j) rank += row[j] > t || (row[j] == t && j < target);
    return rank;
}

TopKAccuracy topKAccuracy(std::span<const float> scores, size_t classes, std::span<const int64_t> truth,
                          size_t k) {
    if (k == 0) throw Error("top-k accuracy", "k must be at least 1");
    const size_t n = truth.size();
    checkMatrix("top-k accuracy", scores.size(), n, classes);
    TopKAccuracy result;
    result.perClassCount.assign(classes, 0);
    std::vector<size_t> classHits(classes, 0);
    size_t hits = 0;
    for (size_t i = 0; i < n; ++i) {
        if (truth[i] < 0 || static_cast<size_t>(truth[i]) >= classes)
            throw Error("top-k accuracy", "row " + std::to_string(i) + ": class " + std::to_string(truth[i]) +
                                              " outside 0.." + std::to_string(classes - 1));
        const auto c = static_cast<size_t>(truth[i]);
        const bool hit = rankInRow(scores.data() + i * classes, classes, c) < k;
        hits += hit;
        classHits[c] += hit;
        ++result.perClassCount[c];
    }
    result.accuracy = n ? static_cast<double>(hits) / static_cast<double>(n) : kNaN;
    result.perClass.resize(classes);
    for (size_t c = 0; c < classes; ++c)
        result.perClass[c] = result.perClassCount[c]
                                 ? static_cast<double>(classHits[c]) / static_cast<double>(result.perClassCount[c])
                                 : kNaN;
    return result;
}

std::vector<size_t> bestRelevantRanks(std::span<const float> similarities, size_t targets,
                                      const std::vector<std::vector<size_t>>& relevant) {
    const size_t queries = relevant.size();
    checkMatrix("recall@k", similarities.size(), queries, targets);
    std::vector<size_t> best(queries, std::numeric_limits<size_t>::max());
    for (size_t q = 0; q < queries; ++q) {
        for (const size_t t : relevant[q]) {
            if (t >= targets)
                throw Error("recall@k", "query " + std::to_string(q) + ": target " + std::to_string(t) +
                                            " outside 0.." + std::to_string(targets - 1));
            best[q] = std::min(best[q], rankInRow(similarities.data() + q * targets, targets, t));
        }
    }
    return best;
}

std::vector<double> recallAtKs(const std::vector<size_t>& bestRanks, std::span<const size_t> ks) {
    std::vector<double> recalls;
    for (const size_t k : ks) {
        if (k == 0) throw Error("recall@k", "k must be at least 1");
        size_t queries = 0;
        size_t hits = 0;
        for (const size_t rank : bestRanks) {
            if (rank == std::numeric_limits<size_t>::max()) continue;
            ++queries;
            hits += rank < k;
        }
        recalls.push_back(queries ? static_cast<double>(hits) / static_cast<double>(queries) : kNaN);
    }
    return recalls;
}

double recallAtK(std::span<const float> similarities, size_t targets,
                 const std::vector<std::vector<size_t>>& relevant, size_t k) {
    const size_t ks[] = {k};
    return recallAtKs(bestRelevantRanks(similarities, targets, relevant), ks)[0];
}

}  // namespace cosmoclip
