#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "catalog/indexer.h"
#include "catalog/catalogqueries.h"
#include "retrieval/queryparser.h"

namespace cosmoclip {

class Catalog;
struct LoadedModel;

// The shared steps of core/catalog/catalogqueries.h for a LoadedModel, so that the window and the
// command line agree. Worker threads
// only; every failure is a cosmoclip::Error.

/// Embeds every catalog image that has no vector of `model` yet (a catalog met with another model).
/// Returns how many files were read.
size_t embedMissing(Catalog& catalog, const LoadedModel& model, const Indexer::ProgressCallback& onProgress,
                    const std::atomic<bool>* cancel);

/// The vector of one query term: a catalog image's stored vector, else the phrase or the file embedded.
std::vector<float> embedQueryTerm(const QueryTerm& term, Catalog& catalog, const LoadedModel& model);

/// The query vector of an rclip-syntax phrase ("nebula + 2:red - 0.5:./m42.png").
std::vector<float> embedQuery(const std::string& query, Catalog& catalog, const LoadedModel& model);


}  // namespace cosmoclip
