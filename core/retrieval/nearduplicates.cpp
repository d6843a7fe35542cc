#include "retrieval/nearduplicates.h"

#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

namespace cosmoclip {

std::vector<SearchHit> collapseNearDuplicates(const std::vector<SearchHit>& hits,
                                              const VectorIndex& index, float threshold)
{
    std::vector<SearchHit> kept;
    std::vector<const float*> keptVectors;
    for (const SearchHit& hit : hits) {
        const float* v = index.vector(hit.id);
        bool duplicate = false;
        if (v) {
            for (const float* other : keptVectors) {
                if (dot(v, other, index.dim()) >= threshold) {
                    duplicate = true;
                    break;
                }
            }
        }
        if (duplicate)
            continue;
        kept.push_back(hit);
        if (v)
            keptVectors.push_back(v);
    }
    return kept;
}

}  // namespace cosmoclip
