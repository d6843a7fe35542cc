#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "catalog/catalogrecords.h"

namespace cosmoclip {

class Catalog;

/// What the browser shows of a catalog, read in one go on a worker thread so that the GUI never
/// queries SQLite for a list: the readable images (status ok) in path order, each with its best label
/// (ground truth first, else the most probable zero-shot label — the first row Catalog::labels()
/// returns), the folders, the label names and the models with how many images each has embedded.
struct CatalogSnapshot {
    struct BestLabel {
        std::string label;  ///< empty: the image has no label
        std::string source;
        double probability = 0.0;
    };
    struct ModelSummary {
        ModelRecord record;
        int64_t embedded = 0;  ///< readable images with a vector of this model
    };

    std::string catalogPath;
    std::vector<ImageRecord> images;     ///< status ok, by path
    std::vector<BestLabel> bestLabels;   ///< parallel to images
    std::vector<std::string> labelNames; ///< sorted, distinct best labels
    std::vector<std::pair<std::string, int64_t>> folders;  ///< folder -> images directly in it, sorted
    std::vector<ModelSummary> models;
    int64_t pending = 0;  ///< known (annotated) but not read yet
    int64_t failed = 0;   ///< could not be read
    std::unordered_map<int64_t, size_t> rowOfId;

    /// Reads everything from `catalog` (worker thread: one query per image for its labels).
    static CatalogSnapshot read(Catalog& catalog);

    /// Index into images of `id`, or -1.
    long long indexOf(int64_t id) const;
    const ModelSummary* model(int64_t modelId) const;
};

/// Best labels by image id (a classification's result for the grid).
using BestLabelMap = std::unordered_map<int64_t, CatalogSnapshot::BestLabel>;

}  // namespace cosmoclip
