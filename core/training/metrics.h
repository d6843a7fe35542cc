#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace cosmoclip {

// Evaluation metrics of the CosmoCLIP paper over plain float matrices (row-major), torch-free.
// Ranking everywhere: higher score first, equal scores in index order (a stable sort), NaN last.

/// Top-k classification accuracy, overall and per true class.
struct TopKAccuracy {
    double accuracy = 0.0;              ///< hits / samples (NaN when there are no samples)
    std::vector<double> perClass;       ///< per class: hits / its samples, NaN for a class with none
    std::vector<size_t> perClassCount;  ///< samples whose true class is c
};

/// How many of the `count` entries of `row` rank before entry `target`.
size_t rankInRow(const float* row, size_t count, size_t target);

/// `scores` is [N, classes] (N = truth.size()), `truth` the true class of each row in [0, classes).
/// A row is a hit when its true class ranks among the first k. Throws cosmoclip::Error for
/// inconsistent sizes, a class out of range or k == 0.
TopKAccuracy topKAccuracy(std::span<const float> scores, size_t classes, std::span<const int64_t> truth,
                          size_t k);

/// For each query (row of the [queries, targets] `similarities`), the best rank among its relevant
/// targets (`relevant[q]`, indices in [0, targets)), or SIZE_MAX when it has none.
std::vector<size_t> bestRelevantRanks(std::span<const float> similarities, size_t targets,
                                      const std::vector<std::vector<size_t>>& relevant);

/// Recall@k for retrieval: the fraction of queries for which at least one relevant target is among
/// the k best (several images may share one caption; any of them counts). Queries without relevant
/// targets are left out of the fraction; NaN when no query has any. Throws cosmoclip::Error for
/// inconsistent sizes, a target out of range or k == 0.
double recallAtK(std::span<const float> similarities, size_t targets,
                 const std::vector<std::vector<size_t>>& relevant, size_t k);

/// recallAtK for several k at once from bestRelevantRanks().
std::vector<double> recallAtKs(const std::vector<size_t>& bestRanks, std::span<const size_t> ks);

}  // namespace cosmoclip
