#pragma once

#include "retrieval/searchfilter.h"

#include <vector>

namespace cosmoclip {

class VectorIndex;

/// The default cosine above which two results count as the same picture (re-encodes, crops of a
/// few pixels, the same frame stored twice).
inline constexpr float kNearDuplicateCosine = 0.98f;

/// Near-duplicate collapsing: walks `hits` in order and drops every hit whose stored vector has a
/// cosine >= `threshold` to a hit already kept, so each group is represented by its best hit.
/// Hits whose id is not in `index` are kept as they are. O(kept x hits x dim).
std::vector<SearchHit> collapseNearDuplicates(const std::vector<SearchHit>& hits,
                                              const VectorIndex& index,
                                              float threshold = kNearDuplicateCosine);

}  // namespace cosmoclip
