#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cosmoclip {

/// Binary16 copies of normalised vectors, row after row, from which the compressed approximate
/// index re-scores its candidates (PQ codes only rank coarsely). 10M x 512 rows are 10 GB, so the
/// rows live in segment files beside the index that are memory-mapped read-only: they cost page
/// cache, not heap, and a query touches only the few hundred rows it re-scores.
///
/// New rows go to an in-memory segment; persist() writes every such segment to its own file
/// (`PREFIX.f16-TAG`, atomically) and maps it back. A segment file never changes after it is
/// written, so an incremental update writes only the new rows, and another process that has the
/// older set of segments mapped keeps valid data. Rows are never removed: the index marks removed
/// rows dead and drops them when it is rebuilt. Not thread-safe for writes; reads may be concurrent.
class HalfVectorStore {
public:
    /// What the index file records of each segment; the file must match it exactly.
    struct SegmentInfo {
        uint64_t tag = 0;
        uint64_t rows = 0;
    };

    explicit HalfVectorStore(size_t dim = 0);
    ~HalfVectorStore();
    HalfVectorStore(HalfVectorStore&&) noexcept;
    HalfVectorStore& operator=(HalfVectorStore&&) noexcept;

    size_t dim() const { return m_dim; }
    size_t size() const { return m_rows; }
    size_t segmentCount() const;
    /// Bytes held on the heap (unsaved rows); mapped segments are not counted.
    size_t heapBytes() const;

    /// Appends n rows of dim() floats (already normalised), rounded to binary16. With a spill
    /// prefix, every kSpillRows rows are written to a segment file at once, so that building a
    /// store larger than memory keeps at most kSpillRows rows on the heap.
    void append(const float* rows, size_t n);
    /// The binary16 row `row` (dim() values). Valid until the next append or persist.
    const uint16_t* row(size_t row) const;

    /// Where append() spills full segments of `rowsPerSegment` rows (the index file's path);
    /// empty: keep rows on the heap until persist().
    void setSpillPrefix(const std::string& prefix, size_t rowsPerSegment = kSpillRows)
    {
        m_spillPrefix = prefix;
        m_spillRows = std::max<size_t>(1, rowsPerSegment);
    }

    /// Writes the in-memory rows to `prefix`.f16-TAG and maps them back. When more than
    /// kMaxSmallSegments segments at the end are smaller than the spill size (many small
    /// incremental updates), those are merged into one new file. Returns the segments to record in the index file.
    /// Throws Error naming the file.
    std::vector<SegmentInfo> persist(const std::string& prefix);
    /// Maps the segments an index file lists. Throws Error "PATH: ..." on a missing file or one
    /// that does not match (another dimension, row count or tag: written by another build).
    static HalfVectorStore open(const std::string& prefix, size_t dim, const std::vector<SegmentInfo>& segments);
    /// Deletes `prefix`.f16-* files that `keep` does not list (left by an older build of the index
    /// or by an update that did not finish). Errors are ignored: a file still mapped elsewhere on
    /// a system that refuses the deletion is removed next time.
    static void removeUnreferenced(const std::string& prefix, const std::vector<SegmentInfo>& keep);
    static std::string segmentPath(const std::string& prefix, uint64_t tag);

    /// Rows per spilled segment: 1M rows of 512-d are 1 GiB, few files for 10M rows.
    static constexpr size_t kSpillRows = 1 << 20;
    static constexpr size_t kMaxSmallSegments = 8;

private:
    struct Segment;
    void writeHeap(const std::string& prefix);
    void mergeSmallSegments(const std::string& prefix);
    const Segment& segmentOf(size_t row) const;

    size_t m_dim = 0;
    size_t m_rows = 0;
    std::string m_spillPrefix;
    size_t m_spillRows = kSpillRows;
    std::vector<std::unique_ptr<Segment>> m_segments;
};

}  // namespace cosmoclip
