#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_set>

namespace cosmoclip {

/// One search result: a stored id and its cosine similarity to the query.
struct SearchHit {
    int64_t id = 0;
    float score = 0.0f;
    bool operator==(const SearchHit&) const = default;
};

/// Result order of every index: higher score first, ties broken by the lower id, so that equal
/// inputs give equal rankings whatever the thread count.
inline bool betterHit(const SearchHit& a, const SearchHit& b)
{
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

/// Which stored ids a search may return. All conditions must hold.
struct SearchFilter {
    /// When set, only these ids (e.g. the images of one folder, label or FITS header value, as the
    /// catalog selects them). A small set is scored directly instead of scanning everything.
    std::optional<std::unordered_set<int64_t>> allowedIds;
    /// When set, only ids it accepts. Called from the search threads at once: must be thread-safe
    /// and cheap.
    std::function<bool(int64_t)> predicate;
    /// Left out of the results: the query image itself in an image -> image search.
    std::optional<int64_t> excludeId;

    bool isEmpty() const { return !allowedIds && !predicate && !excludeId; }
    bool accepts(int64_t id) const
    {
        return (!excludeId || id != *excludeId) && (!allowedIds || allowedIds->count(id) != 0) &&
               (!predicate || predicate(id));
    }
};

}  // namespace cosmoclip
