#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalogrecords.h"
#include "catalog/indexer.h"
#include "image/stretch.h"
#include "retrieval/queryparser.h"

namespace cosmoclip {

class BpeTokenizer;
class Catalog;
class ClipEncoder;

// Steps that the command line and the desktop app share, so that both agree on every result.
// Worker threads only; every failure is a cosmoclip::Error.

/// Embeds every catalog image (ok or pending) that has no vector of `model` yet — a catalog met with
/// another model is embedded on demand. Returns how many files were read.
size_t embedMissingImages(Catalog& catalog, const ClipEncoder& encoder, const ModelRecord& model,
                          const Indexer::ProgressCallback& onProgress = {}, const std::atomic<bool>* cancel = nullptr);

/// The vector of one query term: a catalog image's stored vector, else the phrase or the file embedded.
std::vector<float> embedQueryTerm(const QueryTerm& term, Catalog& catalog, const ClipEncoder& encoder,
                                  const BpeTokenizer& tokenizer, const ModelRecord& model,
                                  std::optional<StretchKind> stretch = std::nullopt);

/// The query vector of an rclip-syntax phrase ("nebula + 2:red - 0.5:./m42.png"), or of `terms`.
std::vector<float> embedQuery(const std::vector<QueryTerm>& terms, Catalog& catalog, const ClipEncoder& encoder,
                              const BpeTokenizer& tokenizer, const ModelRecord& model,
                              std::optional<StretchKind> stretch = std::nullopt);

/// Ids of the images (status ok) that are `roots` or lie below them, in id order.
std::vector<int64_t> imageIdsUnder(Catalog& catalog, const std::vector<std::string>& roots);

}  // namespace cosmoclip
