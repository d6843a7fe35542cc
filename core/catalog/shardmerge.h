#pragma once

#include <cstddef>
#include <string>

namespace cosmoclip {

class Catalog;

struct MergeReport {
    size_t merged = 0;  ///< images of the shard that changed the catalog (new, changed, moved or newly embedded)
    size_t total = 0;   ///< images in the catalog with status ok afterwards
};

/// Folds a shard file written by `index --shard I/N --shard-out SHARD` into `target` in one
/// transaction: images are matched by path (or, for a path the catalog has not seen, by the content
/// hash of a vanished image: the file moved), models by the identity of their weights, and what the
/// catalog already holds unchanged is left as it is — so merging the same shard twice changes nothing,
/// and a crash mid-merge leaves the catalog as it was. Header keys and credits the catalog knows from
/// an import are kept where the shard has none; template captions are refreshed as indexing does.
MergeReport mergeShard(Catalog& target, const std::string& shardPath);

}  // namespace cosmoclip
