#include "retrieval/approximateindex.h"

#include "common/atomicfilewriter.h"
#include "common/error.h"
#include "retrieval/halfprecision.h"
#include "retrieval/halfvectorstore.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <filesystem>
#include <new>
#include <numeric>
#include <queue>

#ifdef COSMOCLIP_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/Clustering.h>
#include <faiss/utils/distances.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#include <faiss/invlists/InvertedLists.h>
#include <omp.h>
#endif

namespace cosmoclip {

const char* approximateKindName(ApproximateKind kind)
{
    return kind == ApproximateKind::IvfPq ? "ivf-pq" : "ivf-flat";
}

ApproximateKind parseApproximateKind(const std::string& name)
{
    if (name == "ivf-flat")
        return ApproximateKind::IvfFlat;
    if (name == "ivf-pq")
        return ApproximateKind::IvfPq;
    throw Error("approximate index kind '" + name + "': expected ivf-flat or ivf-pq");
}

namespace {

size_t roundedPowerOfTwo(double x)
{
    return size_t(1) << static_cast<int>(std::lround(std::log2(std::max(1.0, x))));
}

/// The largest divisor of dim not above `wanted` (PQ needs equal sub-vectors).
size_t divisorAtMost(size_t dim, size_t wanted)
{
    for (size_t m = std::min(dim, std::max<size_t>(1, wanted)); m > 1; --m)
        if (dim % m == 0)
            return m;
    return 1;
}

}  // namespace

ApproximateIndexParams ApproximateIndexParams::resolve(size_t n, size_t dim) const
{
    ApproximateIndexParams p = *this;
    n = std::max<size_t>(n, 1);
    // IVF-PQ at every size: on CLIP-like vectors (a common direction shared by all) spherical k-means
    // makes a few cells around that direction very large, and a query probes them: IVF-Flat at its
    // sqrt(N)/2 cells scanned a third of 300k vectors with 17 probes. It measured slower than brute
    // force at 200k (10.7 ms against 7.5 ms) and 57x slower than IVF-PQ at 1M (bench_ann).
    if (!p.kind)
        p.kind = n >= kGoodPqRows ? ApproximateKind::IvfPq : ApproximateKind::IvfFlat;
    // FAISS wants ~39 training points per cell; fewer cells than that can not be trained.
    const size_t maxLists = std::max<size_t>(1, n / 39);
    if (*p.kind == ApproximateKind::IvfFlat) {
        // sqrt(N) / 2 cells: the flat quantizer and the add cost N x cells dot products, which
        // dominates the build on a small machine (1M vectors: 500 cells).
        if (!p.lists)
            p.lists = static_cast<size_t>(std::lround(std::sqrt(double(n)) / 2));
        p.lists = std::clamp<size_t>(p.lists, 1, maxLists);
        // 1/16 of the cells, at least 16: recall@10 >= 0.98 on clustered vectors (bench_ann).
        if (!p.probes)
            p.probes = std::max<size_t>(16, p.lists / 16);
        if (!p.trainSamples)
            p.trainSamples = 64 * p.lists;
    } else {
        // ~4 sqrt(N) cells, at most 4096 (flat), up to ~3M vectors (4096 cells: 16 probes give
        // recall@10 0.99 at 1M, bench_ann); from there ~N/128 cells (32768 and more, two-level, at
        // most 65536): cells of ~150 vectors, each vector stored in 3 of them (cellsPerVector).
        // At 10M, 4096 cells of ~2400 vectors each cut through the neighbourhoods of the queries
        // and recall@10 stopped at 0.70-0.75 whatever the re-rank depth. With one cell per vector,
        // 32768 cells put 0.75 of the true top 10 in 64 probed cells, 65536 cells 0.85 and 131072
        // cells 0.85 too (bench_ann --coverage-only): smaller cells stop helping, spilling does
        // (65536 cells, 3 per vector: 0.97 at 64 probes, 0.98 at 128). Two-level cells are worse
        // than flat k-means cells of the same size (2M: 8192 two-level cells 0.85 at 32 probes,
        // 1024 flat cells 0.95), so catalogs that flat 4096 cells serve well keep them.
        const bool twoLevelSize = roundedPowerOfTwo(double(n) / 256.0) >= 4 * kMaxFlatLists;
        if (!p.lists)
            p.lists = twoLevelSize ? std::min(kMaxLists, roundedPowerOfTwo(double(n) / 128.0))
                                   : std::min(kMaxFlatLists, roundedPowerOfTwo(4.0 * std::sqrt(double(n))));
        p.lists = std::clamp<size_t>(p.lists, 1, maxLists);
        // Flat: 16 cells (1/256 of 4096): recall@10 0.993 at 1M with the re-rank below; 8 gave
        // 0.991, 32 gave 0.994 at +40 % time (bench_ann). Two-level: 1/1024 of the cells, 64 of
        // 65536 at 10M: recall@10 0.966 (128: 0.978 at ~1.4x the time, bench_ann).
        if (!p.probes)
            p.probes = std::max<size_t>(16, p.lists / (p.lists > kMaxFlatLists ? 1024 : 256));
        // 40 points per cell: k-means quality is good from ~39, and training time grows with it.
        if (!p.trainSamples)
            p.trainSamples = 40 * std::min(p.lists, kMaxFlatLists) + 16 * (p.lists - std::min(p.lists, kMaxFlatLists));
        // One byte per 16 dimensions: 32-byte codes for 512-d (1/64 of float32). 64-byte codes
        // gave the same recall after re-ranking at twice the scan time and memory (bench_ann).
        if (!p.pqSubquantizers)
            p.pqSubquantizers = divisorAtMost(dim, std::max<size_t>(1, dim / 16));
        // PQ scores are too coarse to order neighbours that differ by ~0.01 in cosine; the true top
        // 10 are among the best few hundred by PQ score, which binary16 then orders: 64 candidates
        // gave recall@10 0.971, 128 0.991, 256 0.993, for ~0.1 ms more (bench_ann, 1M).
        if (!p.rerank)
            p.rerank = 256;
    }
    p.probes = std::clamp<size_t>(p.probes, 1, p.lists);
    p.trainSamples = std::clamp<size_t>(p.trainSamples, p.lists, n);
    // Two-level above kMaxFlatLists cells: ~sqrt(lists) groups (32768 cells: 256 groups of ~128
    // cells), so that a vector is scored against ~2 sqrt(lists) centroids per group searched.
    if (!p.coarseGroups)
        p.coarseGroups = p.lists > kMaxFlatLists ? roundedPowerOfTwo(std::sqrt(double(p.lists))) : 1;
    if (p.coarseGroups > p.lists / 2)
        p.coarseGroups = 1;  // fewer than two cells per group: flat
    // A group centroid (the mean of ~150 clusters' worth of cells) summarises its cells poorly: at
    // 500k vectors in 4096 cells under 64 groups, ranking the cells of the best 8 groups put 0.92 of
    // the true top 10 in the 16 probed cells, ranking every cell 0.99 (bench_ann's coverage line).
    // A query therefore ranks the cells of a quarter of the groups (at least 8): at 10M, 64 of 256
    // groups, ~8k cells, a few hundred microseconds.
    if (!p.groupProbes)
        p.groupProbes = std::max<size_t>(8, p.coarseGroups / 4);
    p.groupProbes = std::clamp<size_t>(p.groupProbes, 1, std::max<size_t>(1, p.coarseGroups));
    // An added vector takes the best cell among the cells of its 8 best groups: with 2, ranking every
    // cell for the queries put 0.967 of the true top 10 in 16 probed cells, with 8 0.990 (500k
    // vectors, 4096 cells, 64 groups), at no measurable cost in add time.
    if (!p.assignGroups)
        p.assignGroups = 8;
    p.assignGroups = std::clamp<size_t>(p.assignGroups, 1, std::max<size_t>(1, p.coarseGroups));
    // Spilling: a query's true neighbours sit in ~3 cells, and some of them in cells far down the
    // query's ranking (a neighbour's best cell is decided by the directions it does not share with
    // the query). Stored in its 3 best cells, a vector is found through any of them: at 10M vectors
    // in 65536 two-level cells, 64 probes covered 0.85 of the true top 10 with 1 cell per vector,
    // 0.94 with 2 and 0.97 with 3 (bench_ann --coverage-only; at 2M in 8192 cells, 32 probes:
    // 0.91, 0.97, 0.99). Three times the codes (96 bytes + 24 of ids per vector at 512-d) and the
    // scan per cell; flat quantizers already reach 0.99 at 1M and keep one cell per vector.
    const bool twoLevel = p.coarseGroups > 1 && p.lists >= 2 * p.coarseGroups;
    if (!p.cellsPerVector)
        p.cellsPerVector = twoLevel && *p.kind == ApproximateKind::IvfPq ? 3 : 1;
    if (!twoLevel || *p.kind != ApproximateKind::IvfPq)
        p.cellsPerVector = 1;
    p.cellsPerVector = std::clamp<size_t>(p.cellsPerVector, 1, kMaxCellsPerVector);
    return p;
}

namespace {

constexpr char kNotAvailable[] = "approximate index not available in this build (built without FAISS)";

// File layout (version 4): this header, row ids and tags (8 bytes each per row), the binary16
// segments it uses, the two-level coarse quantizer's section (assignment groups and cells per
// vector, 8 bytes each, the group table of groups + 1 first cells, 8 bytes each, and the group
// centroids, groups x dim float32; all absent for a flat quantizer), FAISS's serialisation of the
// index (streamed, so its length comes after it), then the length and a checksum of everything
// before the checksum. Version 3 is version 4 without the cells per vector (1) and version 2 is
// version 3 with a flat quantizer (its groups fields were reserved zeros); both are still read.
// Version 1 (IVF-Flat only, no ids) is refused as outdated, callers rebuild it. Each new version
// keeps a CosmoCLIP that reads only the older ones from taking the file for damaged and
// overwriting it (it reports a newer format instead).
constexpr char kMagic[8] = {'C', 'C', 'L', 'I', 'P', 'A', 'N', 'N'};
constexpr uint32_t kFormatVersion = 4;
constexpr uint32_t kOldestReadableVersion = 2;
struct FileHeader {
    char magic[8];
    uint32_t version;
    uint32_t kind;
    uint32_t dim;
    uint32_t groups;       // two-level coarse quantizer's groups; 0: flat
    uint64_t rows;         // live and dead
    uint64_t live;
    uint64_t trainedRows;
    uint64_t probes;
    uint64_t rerank;
    uint64_t segments;     // binary16 segment entries
    uint64_t groupProbes;  // two-level: groups a query ranks
};
static_assert(sizeof(FileHeader) == 80, "the persisted header layout");
constexpr size_t kTrailerBytes = 16;  // FAISS byte count, checksum

constexpr int64_t kDeadRow = INT64_MIN;

/// 64-bit hash of a byte stream fed in arbitrary pieces (8 bytes per step: ~GB/s, so a 700 MB
/// index is checked in well under a second).
class StreamHash {
public:
    void update(const void* data, size_t n)
    {
        const auto* p = static_cast<const uint8_t*>(data);
        m_length += n;
        if (m_pending > 0) {
            const size_t take = std::min(n, 8 - m_pending);
            std::memcpy(m_buffer + m_pending, p, take);
            m_pending += take;
            p += take;
            n -= take;
            if (m_pending < 8)
                return;
            word(m_buffer);
            m_pending = 0;
        }
        for (; n >= 8; n -= 8, p += 8)
            word(p);
        std::memcpy(m_buffer, p, n);
        m_pending = n;
    }
    uint64_t finish() const
    {
        uint64_t h = m_state;
        for (size_t i = 0; i < m_pending; ++i)
            h = (h ^ m_buffer[i]) * 0x100000001b3ull;
        h ^= m_length;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 33;
        return h;
    }

private:
    void word(const uint8_t* p)
    {
        uint64_t w = 0;
        std::memcpy(&w, p, 8);
        m_state = (m_state ^ (w * 0x87c37b91114253d5ull));
        m_state = ((m_state << 31) | (m_state >> 33)) * 0x4cf5ad432745937full;
    }
    uint64_t m_state = 0x9e3779b97f4a7c15ull;
    uint64_t m_length = 0;
    uint8_t m_buffer[8] = {};
    size_t m_pending = 0;
};

/// Buffers, hashes and forwards bytes to an AtomicFileWriter (FAISS writes many small pieces).
class HashingFileWriter {
public:
    explicit HashingFileWriter(AtomicFileWriter& out) : m_out(out) { m_buffer.reserve(kBuffer); }
    void write(const void* data, size_t n)
    {
        m_hash.update(data, n);
        const auto* p = static_cast<const uint8_t*>(data);
        if (m_buffer.size() + n > kBuffer)
            flush();
        if (n >= kBuffer)
            m_out.write(p, n);
        else
            m_buffer.insert(m_buffer.end(), p, p + n);
        m_written += n;
    }
    void flush()
    {
        if (!m_buffer.empty())
            m_out.write(m_buffer.data(), m_buffer.size());
        m_buffer.clear();
    }
    uint64_t hash() const { return m_hash.finish(); }
    size_t written() const { return m_written; }

private:
    static constexpr size_t kBuffer = size_t(4) << 20;
    AtomicFileWriter& m_out;
    std::vector<uint8_t> m_buffer;
    StreamHash m_hash;
    size_t m_written = 0;
};

#ifdef COSMOCLIP_HAVE_FAISS
/// FAISS's serialisation streamed into the hashing writer.
struct FaissSink final : faiss::IOWriter {
    explicit FaissSink(HashingFileWriter& o) : out(o) {}
    size_t operator()(const void* ptr, size_t size, size_t nitems) override
    {
        out.write(ptr, size * nitems);
        return nitems;
    }
    HashingFileWriter& out;
};
#endif

/// RAII FILE* for reading.
struct InputFile {
    explicit InputFile(const std::string& path) : f(std::fopen(path.c_str(), "rb")) {}
    ~InputFile()
    {
        if (f)
            std::fclose(f);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;
    bool read(void* p, size_t n) { return std::fread(p, 1, n, f) == n; }
    std::FILE* f;
};

}  // namespace

#ifdef COSMOCLIP_HAVE_FAISS

struct ApproximateIndex::Impl {
    ApproximateKind kind = ApproximateKind::IvfFlat;
    std::unique_ptr<faiss::IndexIVF> index;  // owns its quantizer; FAISS ids are our row numbers
    size_t dim = 0;
    size_t trainedRows = 0;
    std::vector<int64_t> rowIds;    // row -> caller id, kDeadRow once removed
    std::vector<int64_t> rowTags;   // row -> caller tag
    std::vector<uint32_t> liveRows; // live rows ordered by caller id (lookups, entries())
    size_t dead = 0;
    HalfVectorStore store;          // IVF-PQ: binary16 rows for re-scoring
    std::string storagePath;        // where the store spills (setStoragePath)
    size_t spillRows = HalfVectorStore::kSpillRows;
    // Two-level coarse quantizer (both empty: flat). The cells (FAISS's flat quantizer) are stored
    // group by group: group g owns cells [groupStart[g], groupStart[g + 1]).
    std::vector<float> groupCentroids;  // groups x dim, unit length
    std::vector<uint64_t> groupStart;   // groups + 1
    uint64_t assignGroups = 0;          // groups an added vector's cell is chosen in
    uint64_t cellsPerVector = 1;        // two-level IVF-PQ: cells each vector is stored in (spilling)

    size_t groups() const { return groupStart.empty() ? 0 : groupStart.size() - 1; }
    const float* cellCentroids() const;

    // Position in liveRows of the first row whose id is >= id.
    std::vector<uint32_t>::const_iterator lowerBound(int64_t id) const
    {
        return std::lower_bound(liveRows.begin(), liveRows.end(), id,
                                [&](uint32_t row, int64_t v) { return rowIds[row] < v; });
    }
    bool contains(int64_t id) const
    {
        const auto it = lowerBound(id);
        return it != liveRows.end() && rowIds[*it] == id;
    }
    void sortLiveRows()
    {
        std::sort(liveRows.begin(), liveRows.end(),
                  [&](uint32_t a, uint32_t b) { return rowIds[a] < rowIds[b]; });
    }
};

const float* ApproximateIndex::Impl::cellCentroids() const
{
    const auto* flat = dynamic_cast<const faiss::IndexFlat*>(index->quantizer);
    if (!flat)
        throw Error("approximate index: unexpected coarse quantizer");
    return reinterpret_cast<const float*>(flat->codes.data());
}

namespace {

using Impl = ApproximateIndex::Impl;
using faiss_idx = faiss::Index::idx_t;

// Lets FAISS ask our filter while it scans the inverted lists; FAISS ids are row numbers.
struct FilterSelector final : faiss::IDSelector {
    FilterSelector(const SearchFilter& f, const std::vector<int64_t>& ids) : filter(f), rowIds(ids) {}
    bool is_member(int64_t row) const override
    {
        return row >= 0 && static_cast<size_t>(row) < rowIds.size() && rowIds[row] != kDeadRow &&
               filter.accepts(rowIds[row]);
    }
    const SearchFilter& filter;
    const std::vector<int64_t>& rowIds;
};

std::string faissMessage(const std::exception& e)
{
    return std::string("FAISS: ") + e.what();
}

/// FAISS's OpenMP threads for one call. Small batches (an incremental update of a few images, a
/// small catalog's training) run on one thread: FAISS opens a parallel region per step and idle
/// OpenMP threads spin between them. Steps that are matrix products run on one OpenMP thread too:
/// OpenBLAS brings its own threads, and OpenMP threads spinning beside them on 2 cores took 60 % of
/// the CPU time of training at 1M vectors (perf), several times slower than with OpenMP off.
class OmpThreads {
public:
    explicit OmpThreads(size_t work) : m_old(omp_get_max_threads())
    {
        if (work < kParallelWork)
            omp_set_num_threads(1);
    }
    static OmpThreads single() { return OmpThreads(0); }
    ~OmpThreads() { omp_set_num_threads(m_old); }
    OmpThreads(const OmpThreads&) = delete;
    OmpThreads& operator=(const OmpThreads&) = delete;

private:
    static constexpr size_t kParallelWork = 20000;  // vectors
    int m_old;
};

std::unique_ptr<faiss::IndexIVF> newFaissIndex(ApproximateKind kind, size_t dim, const ApproximateIndexParams& p)
{
    // Inner product throughout: the vectors are unit length, spherical k-means keeps unit centroids.
    // The coarse quantizer is flat: batches (k-means, add) are assigned by one BLAS matrix product,
    // single queries by our AVX2 scan of the centroids (rankCells). An HNSW quantizer was
    // measured and dropped: Debian's FAISS 1.7.3 computes its distances with scalar code and ignores
    // a per-query efSearch (recall@10 0.24 instead of 0.81 at 32 of 4096 cells), and assigning 1M
    // vectors through the graph took longer than the matrix product.
    auto quantizer = std::make_unique<faiss::IndexFlatIP>(static_cast<int64_t>(dim));
    std::unique_ptr<faiss::IndexIVF> index;
    if (kind == ApproximateKind::IvfFlat)
        index = std::make_unique<faiss::IndexIVFFlat>(quantizer.get(), dim, p.lists, faiss::METRIC_INNER_PRODUCT);
    else
        // With inner product IVF-PQ computes its look-up table once per query (q.c is the coarse
        // score, q.r the PQ part), where L2 needs one per probed cell or lists x 64 KiB of
        // precomputed tables.
        index = std::make_unique<faiss::IndexIVFPQ>(quantizer.get(), dim, p.lists, p.pqSubquantizers, 8,
                                                    faiss::METRIC_INNER_PRODUCT);
    quantizer.release();
    index->own_fields = true;
    return index;
}

/// Indexes of the `count` best of `scores`, best first (ties: lower index).
std::vector<uint32_t> bestOf(const std::vector<float>& scores, size_t count)
{
    std::vector<uint32_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0u);
    count = std::min(count, order.size());
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(count), order.end(),
                      [&](uint32_t a, uint32_t b) { return scores[a] > scores[b] || (scores[a] == scores[b] && a < b); });
    order.resize(count);
    return order;
}

/// The `probes` cells nearest to q (unit length) with their scores q.c, best first, scored with
/// our AVX2 kernel (FAISS's own single-query scan is scalar in Debian's build). Flat: every cell.
/// Two-level: every group, then the cells of the best groups: at least `groupProbes` groups, and
/// enough of them to hold `probes` cells.
void rankCells(const Impl& im, const float* q, size_t probes, size_t groupProbes, std::vector<faiss_idx>& lists,
               std::vector<float>& scores)
{
    const size_t d = im.dim, nlist = im.index->nlist;
    const float* cells = im.cellCentroids();
    std::vector<float> all;
    std::vector<faiss_idx> cellOf;  // two-level: all[i] is the score of cell cellOf[i]
    if (im.groups() == 0) {
        all.resize(nlist);
        dotRows(cells, nlist, d, q, all.data());
    } else {
        std::vector<float> groupScores(im.groups());
        dotRows(im.groupCentroids.data(), im.groups(), d, q, groupScores.data());
        const auto order = bestOf(groupScores, im.groups());
        for (size_t i = 0; i < order.size() && (i < groupProbes || all.size() < probes); ++i) {
            const size_t first = im.groupStart[order[i]], count = im.groupStart[order[i] + 1] - first;
            const size_t at = all.size();
            all.resize(at + count);
            dotRows(cells + first * d, count, d, q, all.data() + at);
            for (size_t c = 0; c < count; ++c)
                cellOf.push_back(static_cast<faiss_idx>(first + c));
        }
    }
    const auto best = bestOf(all, probes);
    lists.resize(best.size());
    scores.resize(best.size());
    for (size_t i = 0; i < best.size(); ++i) {
        lists[i] = cellOf.empty() ? static_cast<faiss_idx>(best[i]) : cellOf[best[i]];
        scores[i] = all[best[i]];
    }
}

/// Inserts (score, cell) into the descending list scores[0..per) / cells[0..per) if it belongs there.
void insertBest(float* scores, faiss_idx* cells, size_t per, float score, faiss_idx cell)
{
    size_t at = per;
    while (at > 0 && score > scores[at - 1])
        --at;
    if (at == per)
        return;
    for (size_t i = per - 1; i > at; --i) {
        scores[i] = scores[i - 1];
        cells[i] = cells[i - 1];
    }
    scores[at] = score;
    cells[at] = cell;
}

/// The `per` best cells of each of n unit vectors, best first, into lists[n * per] (-1 where there
/// are fewer cells): with a two-level quantizer the best among the cells of its im.assignGroups best
/// groups (the same rule as rankCells with that many groups).
/// Flat: FAISS's BLAS product against every cell. Two-level: one BLAS product against the group
/// centroids, then per group one product of the vectors that chose it against its cells: ~10M x
/// (256 + 2 x 128) dot products for 10M vectors in 32768 cells instead of 10M x 32768.
void assignCells(const Impl& im, const float* x, size_t n, faiss_idx* lists, size_t per = 1)
{
    per = std::max<size_t>(1, per);
    if (im.groups() == 0) {
        if (per == 1) {
            im.index->quantizer->assign(static_cast<faiss_idx>(n), x, lists);
        } else {
            std::vector<float> scores(n * per);
            im.index->quantizer->search(static_cast<faiss_idx>(n), x, static_cast<faiss_idx>(per), scores.data(), lists);
        }
        return;
    }
    const size_t d = im.dim, groups = im.groups(), t = std::clamp<size_t>(im.assignGroups, 1, groups);
    std::vector<float> groupScores(n * t);
    std::vector<int64_t> groupIds(n * t);
    faiss::knn_inner_product(x, im.groupCentroids.data(), d, n, groups, t, groupScores.data(), groupIds.data());
    std::vector<std::vector<uint32_t>> members(groups);
    for (size_t i = 0; i < n * t; ++i)
        if (groupIds[i] >= 0 && static_cast<size_t>(groupIds[i]) < groups)
            members[static_cast<size_t>(groupIds[i])].push_back(static_cast<uint32_t>(i / t));
    // best[i * per ...]: the scores of lists[i * per ...], best first.
    std::vector<float> best(n * per, -std::numeric_limits<float>::infinity());
    std::fill(lists, lists + n * per, faiss_idx(-1));
    const float* cells = im.cellCentroids();
    std::vector<float> rows, cellScores;
    std::vector<int64_t> cellIds;
    for (size_t g = 0; g < groups; ++g) {
        const auto& m = members[g];
        if (m.empty())
            continue;
        rows.resize(m.size() * d);
        for (size_t j = 0; j < m.size(); ++j)
            std::copy_n(x + size_t(m[j]) * d, d, rows.data() + j * d);
        const size_t first = im.groupStart[g], count = im.groupStart[g + 1] - first, k = std::min(per, count);
        cellScores.resize(m.size() * k);
        cellIds.resize(m.size() * k);
        faiss::knn_inner_product(rows.data(), cells + first * d, d, m.size(), count, k, cellScores.data(),
                                 cellIds.data());
        for (size_t j = 0; j < m.size(); ++j)
            for (size_t r = 0; r < k; ++r)
                if (cellIds[j * k + r] >= 0)
                    insertBest(best.data() + size_t(m[j]) * per, lists + size_t(m[j]) * per, per,
                               cellScores[j * k + r], static_cast<faiss_idx>(first + static_cast<size_t>(cellIds[j * k + r])));
    }
}

/// Spherical k-means (unit centroids, inner product) of n unit vectors into k <= n centroids.
std::vector<float> sphericalKMeans(const float* x, size_t n, size_t d, size_t k, size_t iterations,
                                   size_t maxPointsPerCentroid)
{
    faiss::ClusteringParameters cp;
    cp.niter = static_cast<int>(std::max<size_t>(1, iterations));
    cp.spherical = true;
    cp.seed = 1234;
    cp.verbose = false;
    cp.min_points_per_centroid = 1;
    cp.max_points_per_centroid = static_cast<int>(maxPointsPerCentroid);
    faiss::Clustering km(static_cast<int>(d), static_cast<int>(k), cp);
    faiss::IndexFlatIP space(static_cast<faiss_idx>(d));
    km.train(static_cast<faiss_idx>(n), x, space);
    return km.centroids;
}

/// Cells per group in proportion to the samples that chose it (equal-sized cells), at least one
/// and at most its samples, `lists` in all (lists <= samples).
std::vector<size_t> cellsPerGroup(const std::vector<size_t>& samples, size_t lists)
{
    const double total = double(std::accumulate(samples.begin(), samples.end(), size_t(0)));
    std::vector<double> ideal(samples.size());
    std::vector<size_t> cells(samples.size());
    size_t sum = 0;
    for (size_t g = 0; g < samples.size(); ++g) {
        ideal[g] = double(lists) * double(samples[g]) / total;
        cells[g] = std::clamp<size_t>(static_cast<size_t>(ideal[g]), 1, samples[g]);
        sum += cells[g];
    }
    while (sum != lists) {
        const bool grow = sum < lists;
        size_t pick = samples.size();
        double most = -1e300;
        for (size_t g = 0; g < samples.size(); ++g) {
            if (grow ? cells[g] >= samples[g] : cells[g] <= 1)
                continue;
            const double need = grow ? ideal[g] - double(cells[g]) : double(cells[g]) - ideal[g];
            if (need > most) {
                most = need;
                pick = g;
            }
        }
        if (pick == samples.size())
            break;  // cannot happen while groups <= lists <= samples
        cells[pick] = grow ? cells[pick] + 1 : cells[pick] - 1;
        sum = grow ? sum + 1 : sum - 1;
    }
    return cells;
}

/// Trains the two-level coarse quantizer on `n` unit vectors: `groups` top-level centroids, then
/// each group's samples split into its share of the `lists` cells. Fills im.groupCentroids and
/// im.groupStart and returns the cells, group by group. Empty groups are dropped.
std::vector<float> trainTwoLevel(Impl& im, const float* x, size_t n, size_t lists, size_t groups, size_t iterations)
{
    const size_t d = im.dim;
    // The top level from <= 256 samples per group (FAISS's default cap): 256 groups are well
    // placed by 64k samples, and the cells below correct for the rest.
    const std::vector<float> top = sphericalKMeans(x, n, d, groups, iterations, 256);
    std::vector<float> bestScore(n);
    std::vector<int64_t> choice(n);
    faiss::knn_inner_product(x, top.data(), d, n, groups, 1, bestScore.data(), choice.data());
    std::vector<std::vector<uint32_t>> members(groups);
    for (size_t i = 0; i < n; ++i)
        if (choice[i] >= 0)
            members[static_cast<size_t>(choice[i])].push_back(static_cast<uint32_t>(i));
    std::vector<size_t> kept, samples;
    for (size_t g = 0; g < groups; ++g)
        if (!members[g].empty()) {
            kept.push_back(g);
            samples.push_back(members[g].size());
        }
    const std::vector<size_t> split = cellsPerGroup(samples, lists);
    im.groupCentroids.clear();
    im.groupStart.assign(1, 0);
    std::vector<float> cells, rows;
    for (size_t i = 0; i < kept.size(); ++i) {
        const auto& m = members[kept[i]];
        rows.resize(m.size() * d);
        for (size_t j = 0; j < m.size(); ++j)
            std::copy_n(x + size_t(m[j]) * d, d, rows.data() + j * d);
        const auto c = sphericalKMeans(rows.data(), m.size(), d, split[i], iterations, m.size() / split[i] + 1);
        cells.insert(cells.end(), c.begin(), c.end());
        im.groupCentroids.insert(im.groupCentroids.end(), top.begin() + static_cast<std::ptrdiff_t>(kept[i] * d),
                                 top.begin() + static_cast<std::ptrdiff_t>((kept[i] + 1) * d));
        im.groupStart.push_back(im.groupStart.back() + split[i]);
    }
    return cells;
}

/// IVF-PQ encoding with our AVX2 kernel: each residual x - c (c: its cell's centroid) is cut into
/// M sub-vectors, and each takes the nearest of its sub-quantizer's 256 centroids, by
/// argmin(|c_j|^2 / 2 - r.c_j). The codes are FAISS's (one byte per sub-quantizer), appended to
/// the lists as IndexIVFPQ::add_core would; FAISS's own encoder is scalar in Debian's build
/// (dsub 8) or allocates a 1 GiB distance table per 32k vectors (dsub >= 16, BLAS): 160 s per 1M
/// vectors against ~10 s here (bench_ann).
void addPqCodes(faiss::IndexIVFPQ& index, const float* x, const faiss::Index::idx_t* ids,
                const faiss::Index::idx_t* lists, size_t n, size_t per = 1)
{
    // Entry e is vector e / per in cell lists[e] (spilling: per cells each); -1 cells are skipped.
    n *= per;
    const faiss::ProductQuantizer& pq = index.pq;
    if (pq.nbits != 8 || !index.by_residual)
        throw Error("approximate index: unexpected PQ layout");
    const size_t d = static_cast<size_t>(index.d), m = pq.M, dsub = pq.dsub, ksub = pq.ksub;
    const auto* flat = dynamic_cast<const faiss::IndexFlat*>(index.quantizer);
    if (!flat)
        throw Error("approximate index: unexpected coarse quantizer");
    const float* centroids = reinterpret_cast<const float*>(flat->codes.data());
    for (size_t i = 0; i < n; ++i)
        if ((lists[i] < 0 && i % per == 0) || lists[i] >= static_cast<faiss::Index::idx_t>(index.nlist))
            throw Error("approximate index: a vector was not assigned to a cell");
    std::vector<float> halfNorms(m * ksub);
    for (size_t j = 0; j < m * ksub; ++j)
        halfNorms[j] = 0.5f * dot(pq.centroids.data() + j * dsub, pq.centroids.data() + j * dsub, dsub);
    std::vector<uint8_t> codes(n * pq.code_size);
    const auto count = static_cast<int64_t>(n);
#pragma omp parallel
    {
        std::vector<float> residual(d), scores(ksub);
#pragma omp for schedule(static)
        for (int64_t i = 0; i < count; ++i) {
            if (lists[i] < 0)
                continue;
            const float* v = x + static_cast<size_t>(i) / per * d;
            const float* c = centroids + static_cast<size_t>(lists[i]) * d;
            for (size_t k = 0; k < d; ++k)
                residual[k] = v[k] - c[k];
            uint8_t* code = codes.data() + static_cast<size_t>(i) * pq.code_size;
            for (size_t sub = 0; sub < m; ++sub) {
                dotRows(pq.centroids.data() + sub * ksub * dsub, ksub, dsub, residual.data() + sub * dsub, scores.data());
                const float* h = halfNorms.data() + sub * ksub;
                size_t best = 0;
                float bestValue = h[0] - scores[0];
                for (size_t j = 1; j < ksub; ++j) {
                    const float value = h[j] - scores[j];
                    if (value < bestValue) {
                        bestValue = value;
                        best = j;
                    }
                }
                code[sub] = static_cast<uint8_t>(best);
            }
        }
    }
    int64_t added = 0;
    for (size_t i = 0; i < n; ++i)
        if (lists[i] >= 0) {
            index.invlists->add_entry(static_cast<size_t>(lists[i]), ids[i / per], codes.data() + i * pq.code_size);
            ++added;
        }
    index.ntotal += added;
}

/// The k best of the probed IVF-Flat cells, scored with our AVX2 kernel (FAISS's own scan is a
/// scalar loop in Debian's build): exact float32 cosines, the same as VectorIndex computes.
std::vector<SearchHit> scanFlatLists(const faiss::IndexIVF& index, const std::vector<int64_t>& rowIds,
                                     const float* q, size_t k, const std::vector<faiss_idx>& lists,
                                     const SearchFilter& filter)
{
    const size_t d = static_cast<size_t>(index.d);
    auto worse = [](const SearchHit& a, const SearchHit& b) { return betterHit(a, b); };
    std::priority_queue<SearchHit, std::vector<SearchHit>, decltype(worse)> top(worse);  // worst on top
    std::vector<float> scores;
    for (const auto list : lists) {
        if (list < 0)
            continue;
        const size_t n = index.invlists->list_size(static_cast<size_t>(list));
        if (n == 0)
            continue;
        faiss::InvertedLists::ScopedCodes codes(index.invlists, static_cast<size_t>(list));
        faiss::InvertedLists::ScopedIds rows(index.invlists, static_cast<size_t>(list));
        scores.resize(n);
        dotRows(reinterpret_cast<const float*>(codes.get()), n, d, q, scores.data());
        for (size_t i = 0; i < n; ++i) {
            const auto row = rows[i];
            if (row < 0 || static_cast<size_t>(row) >= rowIds.size() || rowIds[row] == kDeadRow)
                continue;
            const SearchHit hit{rowIds[row], scores[i]};
            if (top.size() == k && !betterHit(hit, top.top()))
                continue;
            if (!filter.isEmpty() && !filter.accepts(hit.id))
                continue;
            top.push(hit);
            if (top.size() > k)
                top.pop();
        }
    }
    std::vector<SearchHit> hits;
    while (!top.empty()) {
        hits.push_back(top.top());
        top.pop();
    }
    std::sort(hits.begin(), hits.end(), betterHit);
    return hits;
}

/// Group g's cells are [start[g], start[g + 1]): from 0 to nlist, each group at least one cell.
bool validGroupTable(const std::vector<uint64_t>& start, size_t nlist)
{
    if (start.size() < 2 || start.front() != 0 || start.back() != nlist)
        return false;
    for (size_t g = 0; g + 1 < start.size(); ++g)
        if (start[g + 1] <= start[g])
            return false;
    return true;
}

/// train()'s two-level path: the coarse quantizer, then (IVF-PQ) the codebooks on the residuals
/// of up to 256 samples per code value from their cells, as IndexIVFPQ::train_residual does with
/// its quantizer (which would score every sample against every cell).
void trainCoarseTwoLevel(Impl& im, const float* x, size_t n, size_t lists, const ApproximateIndexParams& p)
{
    const size_t d = im.dim;
    const std::vector<float> cells = trainTwoLevel(im, x, n, lists, p.coarseGroups, p.trainIterations);
    if (cells.size() != lists * d || im.groupStart.back() != lists)
        throw Error("approximate index: two-level training produced " + std::to_string(cells.size() / d) +
                    " cells instead of " + std::to_string(lists));
    im.index->quantizer->add(static_cast<faiss_idx>(lists), cells.data());
    if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(im.index.get())) {
        const size_t m = std::min(n, size_t(256) * ivfpq->pq.ksub);
        std::vector<float> residuals(m * d);
        for (size_t s = 0; s < m; ++s)
            std::copy_n(x + static_cast<size_t>(double(s) * double(n) / double(m)) * d, d, residuals.data() + s * d);
        std::vector<faiss_idx> cellIds(m);
        assignCells(im, residuals.data(), m, cellIds.data());
        const float* c = im.cellCentroids();
        for (size_t s = 0; s < m; ++s)
            for (size_t k = 0; k < d; ++k)
                residuals[s * d + k] -= c[static_cast<size_t>(cellIds[s]) * d + k];
        ivfpq->pq.train(static_cast<faiss_idx>(m), residuals.data());
    }
    im.index->is_trained = true;
}

}  // namespace

bool ApproximateIndex::available()
{
    return true;
}

void ApproximateIndex::train(const float* samples, size_t n, size_t dim, size_t expectedRows,
                             const ApproximateIndexParams& params)
{
    if (n == 0 || dim == 0)
        throw Error("approximate index: nothing to index");
    const ApproximateIndexParams p = params.resolve(std::max(expectedRows, n), dim);
    if (*p.kind == ApproximateKind::IvfPq && dim % p.pqSubquantizers != 0)
        throw Error("approximate index: " + std::to_string(p.pqSubquantizers) +
                    " PQ sub-quantizers do not divide dimension " + std::to_string(dim));
    // An even stride through the samples: deterministic, and it sees every part of them.
    const size_t count = std::min(n, p.trainSamples);
    if (*p.kind == ApproximateKind::IvfPq && count < ApproximateIndexParams::kMinPqRows)
        throw Error("approximate index: IVF-PQ needs at least " + std::to_string(ApproximateIndexParams::kMinPqRows) +
                    " training vectors, got " + std::to_string(count) +
                    " (use IVF-Flat for so few)");
    std::vector<float> train(count * dim);
    for (size_t s = 0; s < count; ++s) {
        const size_t row = static_cast<size_t>(double(s) * double(n) / double(count));
        std::copy_n(samples + row * dim, dim, train.data() + s * dim);
    }
    for (float v : train)
        if (!std::isfinite(v))
            throw Error("approximate index: a vector holds NaN or infinity");
    l2NormalizeRows(train.data(), count, dim);
    const size_t lists = std::min(p.lists, count);

    auto impl = std::make_unique<Impl>();
    impl->kind = *p.kind;
    impl->dim = dim;
    impl->trainedRows = std::max(expectedRows, n);
    impl->store = HalfVectorStore(dim);
    impl->storagePath = m_impl ? m_impl->storagePath : std::string();
    impl->spillRows = m_impl ? m_impl->spillRows : HalfVectorStore::kSpillRows;
    if (impl->kind == ApproximateKind::IvfPq && !impl->storagePath.empty())
        impl->store.setSpillPrefix(impl->storagePath, impl->spillRows);
    try {
        // k-means assigns by matrix products (OpenBLAS threads), see OmpThreads.
        const auto threads = OmpThreads::single();
        ApproximateIndexParams q = p;
        q.lists = lists;
        impl->index = newFaissIndex(impl->kind, dim, q);
        if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(impl->index.get())) {
            ivfpq->pq.cp.seed = 1234;
            ivfpq->pq.cp.min_points_per_centroid = 1;
        }
        if (p.coarseGroups > 1 && lists >= 2 * p.coarseGroups) {
            impl->assignGroups = std::clamp<size_t>(p.assignGroups, 1, p.coarseGroups);
            impl->cellsPerVector = p.cellsPerVector;
            trainCoarseTwoLevel(*impl, train.data(), count, lists, p);
        } else {
            impl->index->cp.niter = static_cast<int>(std::max<size_t>(1, p.trainIterations));
            impl->index->cp.max_points_per_centroid = static_cast<int>(count / lists + 1);
            impl->index->cp.min_points_per_centroid = 1;  // no "please provide more points" warning
            impl->index->cp.seed = 1234;
            impl->index->cp.verbose = false;
            impl->index->train(static_cast<int64_t>(count), train.data());
        }
    } catch (const faiss::FaissException& e) {
        throw Error("approximate index: " + faissMessage(e));
    } catch (const std::bad_alloc&) {
        throw Error("approximate index: out of memory while training");
    }
    m_impl = std::move(impl);
    m_probes = p.probes;
    m_rerank = m_impl->kind == ApproximateKind::IvfPq ? p.rerank : 0;
    m_groupProbes = p.groupProbes;
}

void ApproximateIndex::setStoragePath(const std::string& indexPath, size_t rowsPerSegment)
{
    if (!m_impl)
        m_impl = std::make_unique<Impl>();
    m_impl->storagePath = indexPath;
    m_impl->spillRows = rowsPerSegment;
    if (m_impl->kind == ApproximateKind::IvfPq)
        m_impl->store.setSpillPrefix(indexPath, rowsPerSegment);
}

void ApproximateIndex::add(const int64_t* ids, const float* vectors, size_t n, const int64_t* tags)
{
    if (!isBuilt())
        throw Error("approximate index: add before train");
    if (n == 0)
        return;
    Impl& im = *m_impl;
    const size_t d = im.dim;
    if (im.rowIds.size() + n > UINT32_MAX)
        throw Error("approximate index: more than 4G rows");
    // Checks first, so that a rejected batch changes nothing.
    std::vector<int64_t> sorted(ids, ids + n);
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        throw Error("approximate index: an id is repeated in one add");
    for (int64_t id : sorted)
        if (id == kDeadRow || im.contains(id))
            throw Error("approximate index: id " + std::to_string(id) + " is already stored");
    std::vector<float> data(vectors, vectors + n * d);
    for (float v : data)
        if (!std::isfinite(v))
            throw Error("approximate index: a vector holds NaN or infinity");
    l2NormalizeRows(data.data(), n, d);

    const size_t first = im.rowIds.size();
    std::vector<faiss::Index::idx_t> rows(n);
    std::iota(rows.begin(), rows.end(), static_cast<faiss::Index::idx_t>(first));
    try {
        const OmpThreads threads(n);
        // Assignment is one BLAS matrix product (its own threads, see OmpThreads).
        const size_t per = im.kind == ApproximateKind::IvfPq ? im.cellsPerVector : 1;
        std::vector<faiss::Index::idx_t> lists(n * per);
        {
            const auto blasOnly = OmpThreads::single();
            assignCells(im, data.data(), n, lists.data(), per);
        }
        if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(im.index.get()))
            addPqCodes(*ivfpq, data.data(), rows.data(), lists.data(), n, per);
        else
            im.index->add_core(static_cast<int64_t>(n), data.data(), rows.data(), lists.data());
    } catch (const faiss::FaissException& e) {
        throw Error("approximate index: " + faissMessage(e));
    }
    if (im.kind == ApproximateKind::IvfPq)
        im.store.append(data.data(), n);
    im.rowIds.insert(im.rowIds.end(), ids, ids + n);
    if (tags)
        im.rowTags.insert(im.rowTags.end(), tags, tags + n);
    else
        im.rowTags.resize(im.rowTags.size() + n, 0);
    const size_t oldLive = im.liveRows.size();
    for (size_t i = 0; i < n; ++i)
        im.liveRows.push_back(static_cast<uint32_t>(first + i));
    // New rows usually come in id order after the old ones: sort the new part, then merge.
    std::sort(im.liveRows.begin() + static_cast<std::ptrdiff_t>(oldLive), im.liveRows.end(),
              [&](uint32_t a, uint32_t b) { return im.rowIds[a] < im.rowIds[b]; });
    std::inplace_merge(im.liveRows.begin(), im.liveRows.begin() + static_cast<std::ptrdiff_t>(oldLive),
                       im.liveRows.end(), [&](uint32_t a, uint32_t b) { return im.rowIds[a] < im.rowIds[b]; });
}

size_t ApproximateIndex::remove(const int64_t* ids, size_t n)
{
    if (!isBuilt() || n == 0)
        return 0;
    Impl& im = *m_impl;
    std::vector<uint8_t> bitmap((im.rowIds.size() + 7) / 8, 0);
    size_t found = 0;
    for (size_t i = 0; i < n; ++i) {
        const auto it = im.lowerBound(ids[i]);
        if (it == im.liveRows.end() || im.rowIds[*it] != ids[i])
            continue;
        const uint32_t row = *it;
        if (!(bitmap[row / 8] & (1u << (row % 8)))) {
            bitmap[row / 8] |= static_cast<uint8_t>(1u << (row % 8));
            ++found;
        }
    }
    if (found == 0)
        return 0;
    try {
        const OmpThreads threads(im.rowIds.size() / 16);  // a pass over every list
        faiss::IDSelectorBitmap selector(im.rowIds.size(), bitmap.data());
        im.index->remove_ids(selector);
    } catch (const faiss::FaissException& e) {
        throw Error("approximate index: " + faissMessage(e));
    }
    auto isRemoved = [&](uint32_t row) { return (bitmap[row / 8] >> (row % 8)) & 1u; };
    im.liveRows.erase(std::remove_if(im.liveRows.begin(), im.liveRows.end(), isRemoved), im.liveRows.end());
    for (size_t row = 0; row < im.rowIds.size(); ++row)
        if (isRemoved(static_cast<uint32_t>(row)))
            im.rowIds[row] = kDeadRow;
    im.dead += found;
    return found;
}

bool ApproximateIndex::isBuilt() const
{
    return m_impl && m_impl->index;
}

ApproximateKind ApproximateIndex::kind() const
{
    return isBuilt() ? m_impl->kind : ApproximateKind::IvfFlat;
}

size_t ApproximateIndex::size() const
{
    return isBuilt() ? m_impl->liveRows.size() : 0;
}

size_t ApproximateIndex::cellsPerVector() const
{
    return isBuilt() ? static_cast<size_t>(m_impl->cellsPerVector) : 1;
}

size_t ApproximateIndex::dim() const
{
    return isBuilt() ? m_impl->dim : 0;
}

size_t ApproximateIndex::lists() const
{
    return isBuilt() ? m_impl->index->nlist : 0;
}

bool ApproximateIndex::contains(int64_t id) const
{
    return isBuilt() && m_impl->contains(id);
}

std::vector<std::pair<int64_t, int64_t>> ApproximateIndex::entries() const
{
    std::vector<std::pair<int64_t, int64_t>> out;
    if (!isBuilt())
        return out;
    out.reserve(m_impl->liveRows.size());
    for (uint32_t row : m_impl->liveRows)
        out.emplace_back(m_impl->rowIds[row], m_impl->rowTags[row]);
    return out;
}

size_t ApproximateIndex::trainedRows() const
{
    return isBuilt() ? m_impl->trainedRows : 0;
}

size_t ApproximateIndex::deadRows() const
{
    return isBuilt() ? m_impl->dead : 0;
}

bool ApproximateIndex::wantsRetrain(size_t adding, size_t removing) const
{
    if (!isBuilt())
        return true;
    const size_t live = size() + adding - std::min(removing, size());
    const size_t trained = m_impl->trainedRows, dead = m_impl->dead + removing;
    return live > 2 * trained || (live * 4 < trained && trained > 1000) || dead > std::max<size_t>(live, 1000);
}

void ApproximateIndex::setSearchThreads(size_t threads)
{
    // FAISS parallelises one query only over its probed lists (parallel_mode 1); mode 0 splits
    // queries, which for a single query means one thread.
    if (isBuilt())
        m_impl->index->parallel_mode = threads == 1 ? 0 : 1;
}

size_t ApproximateIndex::coarseGroups() const
{
    return isBuilt() ? m_impl->groups() : 0;
}

std::vector<int64_t> ApproximateIndex::probedCells(const float* query, size_t probes) const
{
    if (!isBuilt())
        throw Error("approximate index: not built");
    const std::vector<float> q = l2Normalized(query, m_impl->dim);
    std::vector<faiss_idx> cells;
    std::vector<float> scores;
    rankCells(*m_impl, q.data(), std::clamp<size_t>(probes ? probes : m_probes, 1, lists()), m_groupProbes, cells,
              scores);
    return {cells.begin(), cells.end()};
}

std::vector<int64_t> ApproximateIndex::cellsOf(const std::vector<int64_t>& ids) const
{
    const auto all = cellsHolding(ids);
    std::vector<int64_t> out(ids.size(), -1);
    for (size_t i = 0; i < ids.size(); ++i)
        if (!all[i].empty())
            out[i] = all[i].front();
    return out;
}

std::vector<std::vector<int64_t>> ApproximateIndex::cellsHolding(const std::vector<int64_t>& ids) const
{
    std::vector<std::vector<int64_t>> out(ids.size());
    if (!isBuilt())
        return out;
    const Impl& im = *m_impl;
    // Rows asked for -> their slots in `out`; one pass over all lists, in cell order.
    std::vector<std::pair<int64_t, size_t>> wanted;
    for (size_t i = 0; i < ids.size(); ++i) {
        const auto it = im.lowerBound(ids[i]);
        if (it != im.liveRows.end() && im.rowIds[*it] == ids[i])
            wanted.emplace_back(static_cast<int64_t>(*it), i);
    }
    std::sort(wanted.begin(), wanted.end());
    for (size_t l = 0; l < im.index->nlist; ++l) {
        const size_t n = im.index->invlists->list_size(l);
        if (n == 0)
            continue;
        faiss::InvertedLists::ScopedIds rows(im.index->invlists, l);
        for (size_t i = 0; i < n; ++i) {
            auto it = std::lower_bound(wanted.begin(), wanted.end(), std::make_pair(static_cast<int64_t>(rows[i]), size_t(0)));
            for (; it != wanted.end() && it->first == rows[i]; ++it)
                out[it->second].push_back(static_cast<int64_t>(l));
        }
    }
    return out;
}

size_t ApproximateIndex::memoryBytes() const
{
    if (!isBuilt())
        return 0;
    const Impl& im = *m_impl;
    size_t bytes = im.rowIds.capacity() * 8 + im.rowTags.capacity() * 8 + im.liveRows.capacity() * 4 +
                   im.store.heapBytes();
    const auto* invlists = im.index->invlists;
    for (size_t l = 0; l < im.index->nlist; ++l)
        bytes += invlists->list_size(l) * (invlists->code_size + sizeof(faiss::Index::idx_t));
    bytes += im.index->nlist * im.dim * sizeof(float);  // centroids
    bytes += im.groupCentroids.capacity() * sizeof(float) + im.groupStart.capacity() * sizeof(uint64_t);
    if (im.kind == ApproximateKind::IvfPq) {
        const auto* pq = dynamic_cast<const faiss::IndexIVFPQ*>(im.index.get());
        if (pq)
            bytes += pq->pq.centroids.size() * sizeof(float) + pq->precomputed_table.size() * sizeof(float);
    }
    return bytes;
}

std::vector<SearchHit> ApproximateIndex::search(const float* query, size_t k, size_t probes,
                                                const SearchFilter& filter) const
{
    if (!isBuilt())
        throw Error("approximate index: not built");
    const Impl& im = *m_impl;
    const size_t d = im.dim;
    for (size_t i = 0; i < d; ++i)
        if (!std::isfinite(query[i]))
            throw Error("approximate index: the query holds NaN or infinity");
    const std::vector<float> q = l2Normalized(query, d);
    k = std::min(k, size());
    if (k == 0)
        return {};
    const bool rescore = im.kind == ApproximateKind::IvfPq;
    // One extra so that excluding the query image still leaves k; IVF-PQ fetches its re-rank depth.
    size_t fetch = k + (filter.excludeId ? 1 : 0);
    if (rescore)
        fetch = std::max(fetch, m_rerank);
    fetch = std::min(fetch, size());

    const size_t nprobe = std::clamp<size_t>(probes ? probes : m_probes, 1, lists());
    std::vector<faiss::Index::idx_t> lists;
    std::vector<float> coarse;
    rankCells(im, q.data(), nprobe, m_groupProbes, lists, coarse);
    if (!rescore) {
        try {
            return scanFlatLists(*im.index, im.rowIds, q.data(), k, lists, filter);
        } catch (const faiss::FaissException& e) {
            throw Error("approximate index: " + faissMessage(e));
        }
    }
    FilterSelector selector(filter, im.rowIds);
    faiss::SearchParametersIVF sp;
    sp.nprobe = lists.size();
    sp.sel = filter.isEmpty() ? nullptr : &selector;
    // A vector stored in several cells can come back once per cell (with different PQ scores):
    // fetch that many more, then keep each row once.
    fetch *= rescore ? std::max<size_t>(1, im.cellsPerVector) : 1;
    std::vector<float> scores(fetch);
    std::vector<faiss::Index::idx_t> rows(fetch);
    try {
        im.index->search_preassigned(1, q.data(), static_cast<int64_t>(fetch), lists.data(), coarse.data(),
                                     scores.data(), rows.data(), false, &sp);
    } catch (const faiss::FaissException& e) {
        throw Error("approximate index: " + faissMessage(e));
    }
    if (im.cellsPerVector > 1) {
        // Duplicates of one row are adjacent once sorted by row; keep the first (best PQ score).
        std::vector<size_t> order(fetch);
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rows[a] < rows[b]; });
        for (size_t i = fetch; i-- > 1;)  // backwards: each comparison sees its neighbour unchanged
            if (rows[order[i]] >= 0 && rows[order[i]] == rows[order[i - 1]])
                rows[order[i]] = -1;
    }
    std::vector<SearchHit> hits;
    hits.reserve(fetch);
    for (size_t i = 0; i < fetch; ++i) {
        const auto row = rows[i];
        if (row < 0 || static_cast<size_t>(row) >= im.rowIds.size() || im.rowIds[row] == kDeadRow)
            continue;
        const int64_t id = im.rowIds[row];
        if (!filter.accepts(id))
            continue;
        float score = scores[i];
        if (rescore)
            dotRowsHalfAnyCpu(im.store.row(static_cast<size_t>(row)), 1, d, q.data(), &score);
        hits.push_back({id, score});
    }
    std::sort(hits.begin(), hits.end(), betterHit);
    if (hits.size() > k)
        hits.resize(k);
    return hits;
}

void ApproximateIndex::save(const std::string& path)
{
    if (!isBuilt())
        throw Error(path, "approximate index: not built, nothing to save");
    Impl& im = *m_impl;
    std::vector<HalfVectorStore::SegmentInfo> segments;
    if (im.kind == ApproximateKind::IvfPq)
        segments = im.store.persist(path);  // rows first: the index file never names a missing one

    FileHeader header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.version = kFormatVersion;
    header.kind = static_cast<uint32_t>(im.kind);
    header.dim = static_cast<uint32_t>(im.dim);
    header.rows = im.rowIds.size();
    header.live = im.liveRows.size();
    header.trainedRows = im.trainedRows;
    header.probes = m_probes;
    header.rerank = m_rerank;
    header.segments = segments.size();
    header.groups = static_cast<uint32_t>(im.groups());
    header.groupProbes = m_groupProbes;

    AtomicFileWriter file(path);
    HashingFileWriter out(file);
    out.write(&header, sizeof header);
    out.write(im.rowIds.data(), im.rowIds.size() * sizeof(int64_t));
    out.write(im.rowTags.data(), im.rowTags.size() * sizeof(int64_t));
    out.write(segments.data(), segments.size() * sizeof(HalfVectorStore::SegmentInfo));
    if (im.groups()) {
        out.write(&im.assignGroups, sizeof im.assignGroups);
        out.write(&im.cellsPerVector, sizeof im.cellsPerVector);
    }
    out.write(im.groupStart.data(), im.groupStart.size() * sizeof(uint64_t));
    out.write(im.groupCentroids.data(), im.groupCentroids.size() * sizeof(float));
    const size_t before = out.written();
    try {
        FaissSink sink(out);
        faiss::write_index(im.index.get(), &sink);
    } catch (const faiss::FaissException& e) {
        throw Error(path, "cannot serialise the approximate index: " + faissMessage(e));
    }
    const uint64_t faissBytes = out.written() - before;
    out.write(&faissBytes, sizeof faissBytes);
    const uint64_t checksum = out.hash();
    out.write(&checksum, sizeof checksum);
    out.flush();
    file.commit();
    HalfVectorStore::removeUnreferenced(path, segments);
}

ApproximateIndex ApproximateIndex::load(const std::string& path)
{
    FileHeader header{};
    uint64_t faissBytes = 0;
    {
        InputFile in(path);
        if (!in.f)
            throw Error(path, "cannot open the approximate index");
        std::error_code ec;
        const uint64_t fileSize = std::filesystem::file_size(path, ec);
        const size_t got = std::fread(&header, 1, sizeof header, in.f);
        if (got >= sizeof kMagic && std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
            throw Error(path, "not a CosmoCLIP approximate index (move it away to let it be rebuilt)");
        if (ec || got != sizeof header)
            throw ApproximateIndexDamaged(path, "approximate index is truncated");
        if (header.version > kFormatVersion)
            throw Error(path, "approximate index format version " + std::to_string(header.version) +
                                  " was written by a newer CosmoCLIP (this one reads up to " +
                                  std::to_string(kFormatVersion) + ")");
        if (header.version < kOldestReadableVersion)
            throw ApproximateIndexDamaged(path, "approximate index format version " +
                                                    std::to_string(header.version) + " is outdated");
        if (fileSize < sizeof header + kTrailerBytes)
            throw ApproximateIndexDamaged(path, "approximate index is truncated");
        // The whole file is checked before FAISS parses it: a damaged length field could otherwise
        // make it allocate without bound.
        StreamHash hash;
        hash.update(&header, sizeof header);
        std::vector<uint8_t> buffer(size_t(4) << 20);
        uint8_t last8[8] = {};  // the last 8 hashed bytes: the FAISS byte count
        for (uint64_t left = fileSize - sizeof header - 8; left > 0;) {
            const size_t want = static_cast<size_t>(std::min<uint64_t>(left, buffer.size()));
            if (!in.read(buffer.data(), want))
                throw ApproximateIndexDamaged(path, "approximate index is truncated");
            hash.update(buffer.data(), want);
            left -= want;
            const size_t keep = std::min<size_t>(want, 8);
            std::memmove(last8, last8 + keep, 8 - keep);
            std::memcpy(last8 + 8 - keep, buffer.data() + want - keep, keep);
        }
        std::memcpy(&faissBytes, last8, 8);
        uint64_t stored = 0;
        if (!in.read(&stored, sizeof stored) || stored != hash.finish())
            throw ApproximateIndexDamaged(path, "approximate index is damaged (checksum mismatch)");
        // Format 4 adds the cells per vector after the assignment groups.
        const uint64_t groupBytes = header.groups ? (header.version >= 4 ? 16 : 8) + (uint64_t(header.groups) + 1) * 8 +
                                                        uint64_t(header.groups) * header.dim * 4
                                                  : 0;
        const uint64_t expected = sizeof header + header.rows * 16 +
                                  header.segments * sizeof(HalfVectorStore::SegmentInfo) + groupBytes + faissBytes +
                                  kTrailerBytes;
        if (expected != fileSize || header.kind > 1 || header.dim == 0 || header.live > header.rows ||
            (header.version < 3 && header.groups != 0))
            throw ApproximateIndexDamaged(path, "approximate index is damaged (inconsistent sizes)");
    }

    InputFile in(path);
    if (!in.f || std::fseek(in.f, static_cast<long>(sizeof header), SEEK_SET) != 0)
        throw Error(path, "cannot read the approximate index");
    auto impl = std::make_unique<Impl>();
    impl->kind = static_cast<ApproximateKind>(header.kind);
    impl->dim = header.dim;
    impl->trainedRows = header.trainedRows;
    impl->rowIds.resize(header.rows);
    impl->rowTags.resize(header.rows);
    std::vector<HalfVectorStore::SegmentInfo> segments(header.segments);
    if (!in.read(impl->rowIds.data(), header.rows * 8) || !in.read(impl->rowTags.data(), header.rows * 8) ||
        !in.read(segments.data(), segments.size() * sizeof(HalfVectorStore::SegmentInfo)))
        throw ApproximateIndexDamaged(path, "approximate index is truncated");
    if (header.groups) {
        impl->groupStart.resize(size_t(header.groups) + 1);
        impl->groupCentroids.resize(size_t(header.groups) * header.dim);
        if (!in.read(&impl->assignGroups, 8) || (header.version >= 4 && !in.read(&impl->cellsPerVector, 8)) ||
            !in.read(impl->groupStart.data(), impl->groupStart.size() * 8) ||
            !in.read(impl->groupCentroids.data(), impl->groupCentroids.size() * 4))
            throw ApproximateIndexDamaged(path, "approximate index is truncated");
    }
    try {
        faiss::FileIOReader reader(in.f);
        std::unique_ptr<faiss::Index> raw(faiss::read_index(&reader));
        auto* ivf = dynamic_cast<faiss::IndexIVF*>(raw.get());
        const bool rightType = impl->kind == ApproximateKind::IvfPq
                                   ? dynamic_cast<faiss::IndexIVFPQ*>(raw.get()) != nullptr
                                   : dynamic_cast<faiss::IndexIVFFlat*>(raw.get()) != nullptr;
        if (impl->cellsPerVector < 1 || impl->cellsPerVector > ApproximateIndexParams::kMaxCellsPerVector ||
            (impl->cellsPerVector > 1 && impl->kind != ApproximateKind::IvfPq))
            throw ApproximateIndexDamaged(path, "approximate index is damaged (cells per vector)");
        // Each live vector is in cellsPerVector cells (fewer only when the index has fewer cells).
        const uint64_t entries = static_cast<uint64_t>(ivf ? ivf->ntotal : 0);
        if (!ivf || !rightType || entries < header.live || entries > header.live * impl->cellsPerVector ||
            static_cast<uint32_t>(ivf->d) != header.dim)
            throw ApproximateIndexDamaged(path, "approximate index is damaged (the header does not match the FAISS index)");
        if (!dynamic_cast<faiss::IndexFlatIP*>(ivf->quantizer) || ivf->metric_type != faiss::METRIC_INNER_PRODUCT)
            throw ApproximateIndexDamaged(path, "approximate index is damaged (unexpected quantizer)");
        raw.release();
        impl->index.reset(ivf);
        if (header.groups && (!validGroupTable(impl->groupStart, impl->index->nlist) || impl->assignGroups == 0 ||
                              impl->assignGroups > header.groups))
            throw ApproximateIndexDamaged(path, "approximate index is damaged (coarse group table)");
    } catch (const faiss::FaissException& e) {
        throw ApproximateIndexDamaged(path, "approximate index is damaged: " + faissMessage(e));
    } catch (const std::bad_alloc&) {
        throw ApproximateIndexDamaged(path, "approximate index is damaged (absurd sizes)");
    }
    for (size_t row = 0; row < impl->rowIds.size(); ++row) {
        if (impl->rowIds[row] == kDeadRow)
            ++impl->dead;
        else
            impl->liveRows.push_back(static_cast<uint32_t>(row));
    }
    impl->sortLiveRows();
    if (impl->liveRows.size() != header.live)
        throw ApproximateIndexDamaged(path, "approximate index is damaged (row count)");
    if (impl->kind == ApproximateKind::IvfPq) {
        try {
            impl->store = HalfVectorStore::open(path, impl->dim, segments);
        } catch (const Error& e) {
            throw ApproximateIndexDamaged(path, std::string("approximate index is incomplete: ") + e.what());
        }
        if (impl->store.size() != header.rows)
            throw ApproximateIndexDamaged(path, "approximate index is damaged (vector store rows)");
    }
    ApproximateIndex out;
    out.m_impl = std::move(impl);
    out.m_probes = std::clamp<size_t>(header.probes, 1, out.m_impl->index->nlist);
    out.m_rerank = out.m_impl->kind == ApproximateKind::IvfPq ? std::max<size_t>(1, header.rerank) : 0;
    out.m_groupProbes = std::clamp<size_t>(header.groupProbes, 1, std::max<size_t>(1, header.groups));
    return out;
}

#else  // no FAISS

struct ApproximateIndex::Impl {};

bool ApproximateIndex::available()
{
    return false;
}

void ApproximateIndex::train(const float*, size_t, size_t, size_t, const ApproximateIndexParams&)
{
    throw Error(kNotAvailable);
}

void ApproximateIndex::add(const int64_t*, const float*, size_t, const int64_t*)
{
    throw Error(kNotAvailable);
}

size_t ApproximateIndex::remove(const int64_t*, size_t)
{
    throw Error(kNotAvailable);
}

void ApproximateIndex::setStoragePath(const std::string&, size_t) {}

bool ApproximateIndex::isBuilt() const
{
    return false;
}

ApproximateKind ApproximateIndex::kind() const
{
    return ApproximateKind::IvfFlat;
}

size_t ApproximateIndex::size() const
{
    return 0;
}

size_t ApproximateIndex::cellsPerVector() const
{
    return 1;
}

size_t ApproximateIndex::dim() const
{
    return 0;
}

size_t ApproximateIndex::lists() const
{
    return 0;
}

bool ApproximateIndex::contains(int64_t) const
{
    return false;
}

std::vector<std::pair<int64_t, int64_t>> ApproximateIndex::entries() const
{
    return {};
}

size_t ApproximateIndex::trainedRows() const
{
    return 0;
}

size_t ApproximateIndex::deadRows() const
{
    return 0;
}

bool ApproximateIndex::wantsRetrain(size_t, size_t) const
{
    return true;
}

void ApproximateIndex::setSearchThreads(size_t) {}

size_t ApproximateIndex::memoryBytes() const
{
    return 0;
}

size_t ApproximateIndex::coarseGroups() const
{
    return 0;
}

std::vector<int64_t> ApproximateIndex::probedCells(const float*, size_t) const
{
    throw Error(kNotAvailable);
}

std::vector<int64_t> ApproximateIndex::cellsOf(const std::vector<int64_t>& ids) const
{
    return std::vector<int64_t>(ids.size(), -1);
}

std::vector<std::vector<int64_t>> ApproximateIndex::cellsHolding(const std::vector<int64_t>& ids) const
{
    return std::vector<std::vector<int64_t>>(ids.size());
}

std::vector<SearchHit> ApproximateIndex::search(const float*, size_t, size_t, const SearchFilter&) const
{
    throw Error(kNotAvailable);
}

void ApproximateIndex::save(const std::string&)
{
    throw Error(kNotAvailable);
}

ApproximateIndex ApproximateIndex::load(const std::string& path)
{
    throw Error(path, kNotAvailable);
}

#endif

ApproximateIndex::ApproximateIndex() = default;
ApproximateIndex::~ApproximateIndex() = default;
ApproximateIndex::ApproximateIndex(ApproximateIndex&&) noexcept = default;
ApproximateIndex& ApproximateIndex::operator=(ApproximateIndex&&) noexcept = default;

void ApproximateIndex::build(const VectorIndex& exact, const ApproximateIndexParams& params)
{
    build(exact.data(), exact.ids().data(), exact.size(), exact.dim(), params);
}

void ApproximateIndex::build(const float* vectors, const int64_t* ids, size_t n, size_t dim,
                             const ApproximateIndexParams& params)
{
    train(vectors, n, dim, n, params);
    add(ids, vectors, n);
}

}  // namespace cosmoclip
