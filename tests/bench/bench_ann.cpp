// The approximate index on catalogs beyond memory (issue 9): N synthetic 512-d vectors stored as
// binary16 (tests/core/syntheticembeddings.h: CLIP-like clusters; queries from the same
// distribution, not in the set), indexed as CatalogSearch does it (train on an even stride, add in
// chunks of 65536, binary16 rows spilled to segment files beside the index, save, load).
// Usage: bench_ann [--sizes 1000000,10000000] [--dim 512] [--queries 200] [--kind auto|ivf-flat|ivf-pq]
//                  [--probes a,b] [--rerank a,b] [--lists L] [--pq BYTES] [--groups G] [--assign-groups T]
//                  [--group-probes a,b]
//                  [--store-dir DIR] [--brute-queries 5]
//                  [--no-save] [--compare-fastscan] [--compare-hnsw MAX_N]
//                  [--train-samples S] [--cells-per-vector C] [--coverage-only]
//                  [--data-cache DIR] [--reuse-index]
// Prints per size: generation and ground-truth times, data statistics, brute force per query (the
// peer: a binary16 scan of the whole set on 1 and 2 threads, the cheapest scan that fits at 10M;
// at <= 2M also VectorIndex's exact float32 search), the index's train/add/save/load times, its
// memory (heap, and the binary16 store on disk), peak RSS (VmHWM), and for each probes x re-rank
// setting: the coarse coverage (share of the true top 10 whose cell is probed: the most any re-rank
// can find), recall@10 against exact float32 ground truth over all queries, median and p95 ms per
// single query on 1 and 2 threads, and the fastest brute force / ours on 1 thread.
// --compare-fastscan adds FAISS IVF-PQ fast-scan (4-bit, same code bytes) with the same re-rank;
// --compare-hnsw adds FAISS HNSW32 (flat storage) at sizes up to MAX_N: what the choice of IVF-PQ
// rests on (README "Approximate index").
// --coverage-only trains the cells but adds only the true top 10 of each query and prints the coarse
// coverage: tuning the quantizer at 10M without the half-hour add. --data-cache DIR keeps the
// generated binary16 vectors (and the ground truth) in DIR and maps them on later runs.
// --reuse-index keeps the saved index in --store-dir and, when it is there, loads it instead of
// building (query measurements on a quiet machine after a long build).
// Goal (issue 9): <= 20 ms per query at recall@10 >= 0.95 at 10M on this machine (2 cores).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <queue>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../core/syntheticembeddings.h"
#include "benchargs.h"
#include "retrieval/approximateindex.h"
#include "retrieval/halfprecision.h"
#include "retrieval/hugepageallocator.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

#ifdef COSMOCLIP_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVFPQFastScan.h>
#include <omp.h>
#endif

using namespace cosmoclip;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

struct Options {
    std::vector<size_t> sizes = {1000000};
    size_t dim = 512;
    size_t queries = 200;
    size_t lists = 0;
    size_t pq = 0;
    std::vector<size_t> probes;   // empty: the index's default only
    std::vector<size_t> rerank;   // empty: the index's default only
    std::vector<size_t> groupProbes;  // two-level quantizer: empty: the index's default only
    size_t groups = 0;            // ApproximateIndexParams::coarseGroups (0 auto, 1 flat)
    size_t assignGroups = 0;      // ApproximateIndexParams::assignGroups (0 auto)
    std::string kind = "auto";
    std::string storeDir;
    size_t bruteQueries = 5;
    bool save = true;
    bool fastScan = false;
    size_t hnswMax = 0;
    size_t trainSamples = 0;      // ApproximateIndexParams::trainSamples (0 auto)
    size_t cellsPerVector = 0;    // ApproximateIndexParams::cellsPerVector (0 auto)
    bool coverageOnly = false;
    bool reuseIndex = false;
    std::string dataCache;
};

double seconds(Clock::time_point a)
{
    return std::chrono::duration<double>(Clock::now() - a).count();
}

double gib(double bytes)
{
    return bytes / double(1ull << 30);
}

double peakRssGiB()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / (1024.0 * 1024.0);  // kB
    return -1.0;
}

struct Latency {
    double median = 0, p95 = 0;
};
Latency latency(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    if (ms.empty())
        return {};
    return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)]};
}

/// The generated set: binary16 rows on the heap, or mapped read-only from a --data-cache file (page
/// cache: the kernel can drop it under memory pressure instead of the process being killed).
class HalfMatrix {
public:
    explicit HalfMatrix(size_t count = 0) : m_size(count) {}
    ~HalfMatrix() { release(); }
    HalfMatrix(const HalfMatrix&) = delete;
    HalfMatrix& operator=(const HalfMatrix&) = delete;

    /// Maps `file` when it holds exactly size() values; false otherwise (the heap copy stays).
    bool map(const std::string& file)
    {
        std::error_code ec;
        const size_t bytes = m_size * sizeof(uint16_t);
        if (file.size() <= 4 || fs::file_size(file, ec) != bytes || ec)
            return false;
        const int fd = ::open(file.c_str(), O_RDONLY);
        if (fd < 0)
            return false;
        void* map = ::mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            ::close(fd);
            return false;
        }
        std::vector<uint16_t, HugePageAllocator<uint16_t>>().swap(m_owned);
        m_map = static_cast<const uint16_t*>(map);
        m_fd = fd;
        return true;
    }
    /// Frees the heap copy, or unmaps the file and drops its pages from the page cache: a catalog's
    /// process has no copy of the generated set, and 10M rows of it would crowd out the index's own
    /// binary16 segments (queries would then wait for the disk).
    void release()
    {
        if (m_map) {
            ::munmap(const_cast<uint16_t*>(m_map), m_size * sizeof(uint16_t));
            ::posix_fadvise(m_fd, 0, 0, POSIX_FADV_DONTNEED);
            ::close(m_fd);
        }
        m_map = nullptr;
        m_fd = -1;
        std::vector<uint16_t, HugePageAllocator<uint16_t>>().swap(m_owned);
    }
    uint16_t* fill()  // the heap copy to generate into, allocated on first use
    {
        if (m_owned.size() != m_size)
            m_owned.resize(m_size);
        return m_owned.data();
    }
    const uint16_t* data() const { return m_map ? m_map : m_owned.data(); }
    size_t size() const { return m_size; }

private:
    std::vector<uint16_t, HugePageAllocator<uint16_t>> m_owned;
    const uint16_t* m_map = nullptr;
    int m_fd = -1;
    size_t m_size = 0;
};

// Rows [first, first + n) as float32.
void toFloat(const HalfMatrix& data, size_t dim, size_t first, size_t n, float* out)
{
    fromHalf(data.data() + first * dim, out, n * dim);
}

// Calls fn(rows, ids, m) for chunks of up to `chunk` rows of `data` as float32, ids = row numbers.
template <class Fn>
void forEachChunk(const HalfMatrix& data, size_t n, size_t dim, size_t chunk, Fn&& fn)
{
    std::vector<float> rows(chunk * dim);
    std::vector<int64_t> ids(chunk);
    for (size_t b = 0; b < n; b += chunk) {
        const size_t m = std::min(chunk, n - b);
        toFloat(data, dim, b, m, rows.data());
        for (size_t i = 0; i < m; ++i)
            ids[i] = static_cast<int64_t>(b + i);
        fn(rows.data(), ids.data(), m);
    }
}

// Splits [0, n) over `threads` threads.
template <class Fn>
void parallel(size_t threads, size_t n, Fn&& fn)
{
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] { fn(n * t / threads, n * (t + 1) / threads); });
    for (auto& th : pool)
        th.join();
}

struct TopK {
    explicit TopK(size_t k) : k(k) {}
    void offer(float score, int64_t id)
    {
        if (heap.size() < k) {
            heap.push({id, score});
        } else if (score > heap.top().score || (score == heap.top().score && id < heap.top().id)) {
            heap.pop();
            heap.push({id, score});
        }
    }
    std::vector<SearchHit> sorted()
    {
        std::vector<SearchHit> out;
        while (!heap.empty()) {
            out.push_back(heap.top());
            heap.pop();
        }
        std::sort(out.begin(), out.end(), betterHit);
        return out;
    }
    struct Worse {
        bool operator()(const SearchHit& a, const SearchHit& b) const { return betterHit(a, b); }
    };
    size_t k;
    std::priority_queue<SearchHit, std::vector<SearchHit>, Worse> heap;  // worst on top
};

// Exact float32 ground truth: blocks of rows (converted from binary16, L2-cache sized) against
// every query with the AVX2 dot kernel, queries split over 2 threads.
std::vector<std::vector<SearchHit>> groundTruth(const HalfMatrix& data, size_t n, size_t dim,
                                                const std::vector<float>& q, size_t nq)
{
    std::vector<std::vector<SearchHit>> truth(nq);
    parallel(2, nq, [&](size_t q0, size_t q1) {
        std::vector<TopK> tops(q1 - q0, TopK(10));
        const size_t block = 256;
        std::vector<float> rows(block * dim), scores(block);
        for (size_t b = 0; b < n; b += block) {
            const size_t m = std::min(block, n - b);
            toFloat(data, dim, b, m, rows.data());
            l2NormalizeRows(rows.data(), m, dim);
            for (size_t i = q0; i < q1; ++i) {
                dotRows(rows.data(), m, dim, q.data() + i * dim, scores.data());
                for (size_t r = 0; r < m; ++r)
                    tops[i - q0].offer(scores[r], static_cast<int64_t>(b + r));
            }
        }
        for (size_t i = q0; i < q1; ++i)
            truth[i] = tops[i - q0].sorted();
    });
    return truth;
}

// Brute force the cheapest way that fits at 10M: one binary16 pass over every row.
std::vector<SearchHit> bruteHalf(const HalfMatrix& data, size_t n, size_t dim, const float* q, size_t threads)
{
    std::vector<std::vector<SearchHit>> parts(threads);
    std::vector<std::thread> pool;
    for (size_t t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            const size_t begin = n * t / threads, end = n * (t + 1) / threads, block = 4096;
            std::vector<float> scores(block);
            TopK top(10);
            for (size_t b = begin; b < end; b += block) {
                const size_t m = std::min(block, end - b);
                dotRowsHalfAnyCpu(data.data() + b * dim, m, dim, q, scores.data());
                for (size_t r = 0; r < m; ++r)
                    top.offer(scores[r], static_cast<int64_t>(b + r));
            }
            parts[t] = top.sorted();
        });
    for (auto& th : pool)
        th.join();
    TopK all(10);
    for (const auto& p : parts)
        for (const auto& h : p)
            all.offer(h.score, h.id);
    return all.sorted();
}

double recallOf(const std::vector<std::vector<SearchHit>>& truth, const std::vector<std::vector<SearchHit>>& got)
{
    size_t found = 0, total = 0;
    for (size_t i = 0; i < truth.size(); ++i)
        for (const auto& t : truth[i]) {
            ++total;
            found += std::any_of(got[i].begin(), got[i].end(), [&](const SearchHit& h) { return h.id == t.id; });
        }
    return total ? double(found) / double(total) : 0.0;
}

template <class Search>
void measure(const char* label, size_t nq, size_t dim, const std::vector<float>& q,
             const std::vector<std::vector<SearchHit>>& truth, double bruteMs, Search&& search,
             const std::function<void(size_t)>& setThreads)
{
    std::vector<std::vector<SearchHit>> got(nq);
    Latency lat[2];
    for (size_t threads : {1, 2}) {
        setThreads(threads);
        for (size_t i = 0; i < std::min<size_t>(nq, 5); ++i)  // warm-up: caches, mapped pages
            search(q.data() + i * dim);
        std::vector<double> ms;
        for (size_t i = 0; i < nq; ++i) {
            const auto t0 = Clock::now();
            got[i] = search(q.data() + i * dim);
            ms.push_back(1000.0 * seconds(t0));
        }
        lat[threads - 1] = latency(ms);
    }
    std::printf("  %-40s recall@10 %.4f | 1 thread: median %.2f ms, p95 %.2f ms | 2 threads: median %.2f ms, "
                "p95 %.2f ms | brute force / ours (1 thread) %.0fx\n",
                label, recallOf(truth, got), lat[0].median, lat[0].p95, lat[1].median, lat[1].p95,
                bruteMs / std::max(1e-6, lat[0].median));
    std::fflush(stdout);
}

// Reads every file of `dir` whose name starts with `prefix` (the index and its segments) once.
double warmStore(const fs::path& dir, const std::string& prefix)
{
    double bytes = 0;
    std::vector<char> buffer(size_t(1) << 24);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().filename().string().rfind(prefix, 0) != 0)
            continue;
        std::ifstream in(e.path(), std::ios::binary);
        while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0)
            bytes += double(in.gcount());
    }
    return bytes;
}

/// Reads `bytes` from `file` into `out` when the file exists with exactly that size.
bool readCache(const std::string& file, void* out, size_t bytes)
{
    std::error_code ec;
    if (file.size() <= 4 || fs::file_size(file, ec) != bytes || ec)
        return false;
    std::ifstream in(file, std::ios::binary);
    in.read(static_cast<char*>(out), static_cast<std::streamsize>(bytes));
    if (!in)
        return false;
    std::printf("read %s (%.2f GiB)\n", file.c_str(), gib(double(bytes)));
    return true;
}

void writeCache(const std::string& file, const void* data, size_t bytes)
{
    if (file.size() <= 4)
        return;
    const std::string part = file + ".part";
    std::ofstream out(part, std::ios::binary);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    out.close();
    std::error_code ec;
    if (out)
        fs::rename(part, file, ec);
    if (!out || ec) {
        fs::remove(part, ec);
        std::fprintf(stderr, "bench_ann: could not write the cache %s\n", file.c_str());
    }
}

/// groundTruth(), kept in `stem`.truth-Q when a cache is given (queries are a pure function of Q).
std::vector<std::vector<SearchHit>> cachedGroundTruth(const std::string& stem, const HalfMatrix& data, size_t n,
                                                      size_t dim, const std::vector<float>& q, size_t nq)
{
    const std::string file = stem.empty() ? std::string() : stem + ".truth-" + std::to_string(nq);
    std::vector<SearchHit> flat(nq * 10);
    if (readCache(file, flat.data(), flat.size() * sizeof(SearchHit))) {
        std::vector<std::vector<SearchHit>> truth(nq);
        for (size_t i = 0; i < nq; ++i)
            truth[i].assign(flat.begin() + std::ptrdiff_t(i * 10), flat.begin() + std::ptrdiff_t(i * 10 + 10));
        return truth;
    }
    auto truth = groundTruth(data, n, dim, q, nq);
    if (std::all_of(truth.begin(), truth.end(), [](const auto& t) { return t.size() == 10; })) {
        for (size_t i = 0; i < nq; ++i)
            std::copy(truth[i].begin(), truth[i].end(), flat.begin() + std::ptrdiff_t(i * 10));
        writeCache(file, flat.data(), flat.size() * sizeof(SearchHit));
    }
    return truth;
}

/// The share of the true top 10 whose cell the query probes, per group probes x probes.
void printCoverage(const Options& o, ApproximateIndex& index, const std::vector<float>& q, size_t dim,
                   const std::vector<std::vector<SearchHit>>& truth, const test::SyntheticEmbeddings& gen)
{
    const std::vector<size_t> probesList = o.probes.empty() ? std::vector<size_t>{index.defaultProbes()} : o.probes;
    const std::vector<size_t> groupList =
        o.groupProbes.empty() || !index.coarseGroups() ? std::vector<size_t>{index.groupProbes()} : o.groupProbes;
    std::vector<int64_t> truthIds;
    for (const auto& t : truth)
        for (const auto& h : t)
            truthIds.push_back(h.id);
    const std::vector<std::vector<int64_t>> truthCells = index.cellsHolding(truthIds);
    // Neighbours from the query's own cluster and from others (sharing its attribute directions).
    std::vector<char> own(truthIds.size());
    size_t owned = 0;
    for (size_t i = 0, at = 0; i < truth.size(); ++i)
        for (size_t j = 0; j < truth[i].size(); ++j, ++at)
            owned += own[at] = gen.clusterOf(2, i) == gen.clusterOf(1, static_cast<uint64_t>(truthIds[at]));
    std::printf("  %.4f of the true top 10 are from the query's own cluster\n",
                double(owned) / double(std::max<size_t>(1, truthIds.size())));
    for (size_t groups : groupList)
        for (size_t probes : probesList) {
            index.setGroupProbes(groups);
            size_t covered = 0, coveredOwn = 0;
            for (size_t i = 0, at = 0; i < truth.size(); ++i) {
                const auto cells = index.probedCells(q.data() + i * dim, probes);
                for (size_t j = 0; j < truth[i].size(); ++j, ++at) {
                    bool hit = false;  // a vector stored in several cells is found through any of them
                    for (int64_t cell : truthCells[at])
                        hit = hit || std::find(cells.begin(), cells.end(), cell) != cells.end();
                    covered += hit;
                    coveredOwn += hit && own[at];
                }
            }
            std::printf("  coarse coverage, group probes %zu, probes %zu: %.4f of the true top 10 lie in probed cells "
                        "(own cluster %.4f, others %.4f)\n",
                        index.coarseGroups() ? groups : size_t(0), probes,
                        double(covered) / double(std::max<size_t>(1, truthIds.size())),
                        double(coveredOwn) / double(std::max<size_t>(1, owned)),
                        double(covered - coveredOwn) / double(std::max<size_t>(1, truthIds.size() - owned)));
        }
}

ApproximateIndexParams indexParams(const Options& o)
{
    ApproximateIndexParams params;
    if (o.kind != "auto")
        params.kind = parseApproximateKind(o.kind);
    params.lists = o.lists;
    params.pqSubquantizers = o.pq;
    params.coarseGroups = o.groups;
    params.assignGroups = o.assignGroups;
    params.trainSamples = o.trainSamples;
    params.cellsPerVector = o.cellsPerVector;
    return params;
}

/// Trains `index` on an even stride of the rows, as CatalogSearch does.
void trainOnStride(ApproximateIndex& index, const uint16_t* data, size_t n, size_t dim,
                   const ApproximateIndexParams& params, size_t trainSamples)
{
    const size_t count = std::min(n, trainSamples);
    std::vector<float> samples(count * dim);
    for (size_t s = 0; s < count; ++s)
        fromHalf(data + static_cast<size_t>(double(s) * double(n) / double(count)) * dim, samples.data() + s * dim, dim);
    index.train(samples.data(), count, dim, n, params);
}

/// --coverage-only: the cells trained as for the real index, only the true neighbours added.
void coverageOnly(const Options& o, const uint16_t* data, size_t n, size_t dim, const std::vector<float>& q,
                  const std::vector<std::vector<SearchHit>>& truth, const test::SyntheticEmbeddings& gen)
{
    const ApproximateIndexParams params = indexParams(o);
    const ApproximateIndexParams resolved = params.resolve(n, dim);
    ApproximateIndex index;
    auto t0 = Clock::now();
    trainOnStride(index, data, n, dim, params, resolved.trainSamples);
    std::printf("%zu lists (%s), %zu cells per vector, %zu training samples: trained in %.1f s\n", index.lists(),
                index.coarseGroups() ? ("two-level, " + std::to_string(index.coarseGroups()) + " groups").c_str()
                                     : "flat quantizer",
                index.cellsPerVector(), std::min(n, resolved.trainSamples), seconds(t0));
    std::vector<int64_t> ids;
    for (const auto& t : truth)
        for (const auto& h : t)
            ids.push_back(h.id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    std::vector<float> rows(ids.size() * dim);
    for (size_t i = 0; i < ids.size(); ++i)
        fromHalf(data + static_cast<size_t>(ids[i]) * dim, rows.data() + i * dim, dim);
    index.add(ids.data(), rows.data(), ids.size());
    printCoverage(o, index, q, dim, truth, gen);
}

/// Trains and fills `index` as CatalogSearch does (then saves and reloads it unless --no-save) and
/// prints the build figures.
void buildIndex(const Options& o, std::unique_ptr<ApproximateIndex>& index, const HalfMatrix& data, size_t n,
                size_t dim, const ApproximateIndexParams& params, const ApproximateIndexParams& resolved,
                const std::string& path)
{
    const size_t chunk = 65536;
    auto t0 = Clock::now();
    index->setStoragePath(path);
    trainOnStride(*index, data.data(), n, dim, params, resolved.trainSamples);
    const double trainS = seconds(t0);
    t0 = Clock::now();
    forEachChunk(data, n, dim, chunk,
                 [&](const float* rows, const int64_t* ids, size_t m) { index->add(ids, rows, m); });
    const double addS = seconds(t0);
    std::printf("%s: %zu lists (%s, %zu cells per vector), %zu probes, %zu PQ bytes, re-rank %zu: train %.1f s, "
                "add %.1f s (build %.1f s); "
                "heap %.2f GiB, binary16 store %.2f GiB (files, mapped); peak RSS %.2f GiB\n",
                approximateKindName(index->kind()), index->lists(),
                index->coarseGroups() ? ("two-level, " + std::to_string(index->coarseGroups()) + " groups").c_str()
                                      : "flat quantizer",
                index->cellsPerVector(), index->defaultProbes(),
                index->kind() == ApproximateKind::IvfPq ? resolved.pqSubquantizers : size_t(0), index->rerankDepth(),
                trainS, addS, trainS + addS, gib(double(index->memoryBytes())),
                index->kind() == ApproximateKind::IvfPq ? gib(double(n) * dim * 2) : 0.0, peakRssGiB());
    std::fflush(stdout);
    if (o.save) {
        t0 = Clock::now();
        index->save(path);
        const double saveS = seconds(t0);
        t0 = Clock::now();
        index = std::make_unique<ApproximateIndex>(ApproximateIndex::load(path));
        std::printf("saved in %.1f s (%.2f GiB index file), loaded in %.1f s; heap after loading %.2f GiB\n", saveS,
                    gib(double(fs::file_size(path))), seconds(t0), gib(double(index->memoryBytes())));
    }
}

void benchSize(const Options& o, size_t n)
{
    const size_t dim = o.dim, nq = o.queries;
    const size_t clusters = std::max<size_t>(16, n / 250);
    std::printf("\n== %zu vectors x %zu (binary16, %zu clusters), %zu queries ==\n", n, dim, clusters, nq);
    const test::SyntheticEmbeddings gen(dim, clusters, 2024);

    auto t0 = Clock::now();
    const std::string cacheStem = o.dataCache.empty()
                                      ? std::string()
                                      : (fs::path(o.dataCache) / ("bench_ann-" + std::to_string(n) + "x" +
                                                                   std::to_string(dim))).string();
    std::vector<float> q(nq * dim);
    gen.rows(2, 0, nq, q.data());
    HalfMatrix data(n * dim);
    const size_t chunk = 65536;
    if (!cacheStem.empty() && data.map(cacheStem + ".f16")) {
        std::printf("mapped %s.f16\n", cacheStem.c_str());
    } else {
        for (size_t b = 0; b < n; b += chunk) {
            const size_t m = std::min(chunk, n - b);
            std::vector<float> rows(m * dim);
            parallel(2, m, [&](size_t r0, size_t r1) { gen.rows(1, b + r0, r1 - r0, rows.data() + r0 * dim); });
            toHalf(rows.data(), data.fill() + b * dim, m * dim);
        }
        writeCache(cacheStem + ".f16", data.data(), data.size() * sizeof(uint16_t));
        std::printf("generated in %.1f s (%.2f GiB binary16); peak RSS %.2f GiB\n", seconds(t0),
                    gib(double(data.size()) * 2), peakRssGiB());
    }
    std::fflush(stdout);

    t0 = Clock::now();
    const auto truth = cachedGroundTruth(cacheStem, data, n, dim, q, nq);
    double top1 = 0, top10 = 0;
    for (const auto& t : truth) {
        top1 += t.front().score;
        top10 += t.back().score;
    }
    std::printf("exact ground truth (float32, blocked scan, 2 threads) in %.1f s; mean cosine of the best "
                "match %.3f, of the 10th %.3f\n",
                seconds(t0), top1 / double(nq), top10 / double(nq));

    if (o.coverageOnly) {
        coverageOnly(o, data.data(), n, dim, q, truth, gen);
        return;
    }

    // The peer: brute force per query.
    double bruteMs[2] = {0, 0};
    for (size_t threads : {1, 2}) {
        std::vector<double> ms;
        for (size_t i = 0; i < o.bruteQueries; ++i) {
            const auto t1 = Clock::now();
            bruteHalf(data, n, dim, q.data() + i * dim, threads);
            ms.push_back(1000.0 * seconds(t1));
        }
        bruteMs[threads - 1] = latency(ms).median;
    }
    std::printf("brute force (binary16 scan of all rows): %.1f ms/query on 1 thread, %.1f ms on 2 threads\n",
                bruteMs[0], bruteMs[1]);
    double bruteBest = std::min(bruteMs[0], bruteMs[1]);  // the peer: the fastest brute force measured
    if (n <= 2000000) {
        VectorIndex exact(dim);
        exact.reserve(n);
        forEachChunk(data, n, dim, chunk,
                     [&](const float* rows, const int64_t* ids, size_t m) { exact.add(ids, rows, m); });
        std::vector<double> ms;
        for (size_t i = 0; i < std::max<size_t>(o.bruteQueries, 10); ++i) {
            const auto t1 = Clock::now();
            exact.search(q.data() + i * dim, 10);
            ms.push_back(1000.0 * seconds(t1));
        }
        std::printf("brute force (VectorIndex, exact float32, %zu threads): %.1f ms/query\n", exact.threads(),
                    latency(ms).median);
        bruteBest = std::min(bruteBest, latency(ms).median);
    }
    std::fflush(stdout);

    // The index, as CatalogSearch builds it.
    const ApproximateIndexParams params = indexParams(o);
    const ApproximateIndexParams resolved = params.resolve(n, dim);
    const fs::path dir = o.storeDir.empty() ? fs::temp_directory_path() : fs::path(o.storeDir);
    const std::string path = (dir / ("bench_ann-" + std::to_string(n) + ".ann")).string();
    t0 = Clock::now();
    auto index = std::make_unique<ApproximateIndex>();
    const bool reused = o.reuseIndex && fs::exists(path);
    if (reused) {
        // --reuse-index: the index a previous run kept (queries only: its build figures are in that run's output).
        index = std::make_unique<ApproximateIndex>(ApproximateIndex::load(path));
        std::printf("loaded %s in %.1f s (%zu lists, %zu cells per vector); heap %.2f GiB\n", path.c_str(), seconds(t0),
                    index->lists(), index->cellsPerVector(), gib(double(index->memoryBytes())));
    } else {
        buildIndex(o, index, data, n, dim, params, resolved, path);
    }

    // A catalog's process holds no second copy of the vectors: drop the generated matrix (unless a
    // comparison below needs it) and read the binary16 segments once, so that queries find them in
    // the page cache as a warmed-up application would (cold queries wait for the disk instead).
    if (!o.fastScan && o.hnswMax < n) {
        data.release();
        t0 = Clock::now();
        const double bytes = warmStore(dir, fs::path(path).filename().string());
        std::printf("freed the generated vectors; read %.2f GiB of binary16 segments into the page cache in %.1f s\n",
                    gib(bytes), seconds(t0));
    }

    const std::vector<size_t> probesList = o.probes.empty() ? std::vector<size_t>{index->defaultProbes()} : o.probes;
    const std::vector<size_t> rerankList = o.rerank.empty() ? std::vector<size_t>{index->rerankDepth()} : o.rerank;
    const std::vector<size_t> groupList =
        o.groupProbes.empty() || !index->coarseGroups() ? std::vector<size_t>{index->groupProbes()} : o.groupProbes;
    // Where recall is lost: the share of the true top 10 whose cell the query probes (the most the
    // re-rank can find), against the recall measured below.
    printCoverage(o, *index, q, dim, truth, gen);
    for (size_t groups : groupList)
        for (size_t probes : probesList)
            for (size_t rerank : rerankList) {
                if (index->kind() == ApproximateKind::IvfFlat && rerank != rerankList.front())
                    continue;
                index->setGroupProbes(groups);
                index->setDefaultProbes(probes);
                index->setRerankDepth(rerank);
                char label[96];
                std::snprintf(label, sizeof label, "%s groups %zu probes %zu re-rank %zu:",
                              approximateKindName(index->kind()), index->coarseGroups() ? groups : size_t(0), probes,
                              index->kind() == ApproximateKind::IvfPq ? rerank : size_t(0));
                measure(label, nq, dim, q, truth, bruteBest, [&](const float* x) { return index->search(x, 10); },
                        [&](size_t t) { index->setSearchThreads(t); });
            }
    std::printf("peak RSS %.2f GiB\n", peakRssGiB());
    index.reset();
    if (o.save && !o.reuseIndex) {  // --reuse-index keeps them for the next run
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.path().filename().string().rfind(fs::path(path).filename().string(), 0) == 0)
                fs::remove(e.path(), ec);
    }

#ifdef COSMOCLIP_HAVE_FAISS
    auto setOmp = [](size_t t) { omp_set_num_threads(static_cast<int>(t)); };
    if (o.fastScan) {
        // IVF-PQ fast-scan: 4-bit codes of the same byte size, SIMD look-ups; same cells, re-rank.
        const size_t lists = resolved.kind == ApproximateKind::IvfPq ? resolved.lists
                                                                       : ApproximateIndexParams{ApproximateKind::IvfPq}.resolve(n, dim).lists;
        auto* quantizer = new faiss::IndexFlatL2(static_cast<int64_t>(dim));
        faiss::IndexIVFPQFastScan fs4(quantizer, dim, lists, dim / 4, 4);
        fs4.own_fields = true;
        const size_t count = std::min(n, 40 * lists);
        std::vector<float> samples(count * dim);
        for (size_t s = 0; s < count; ++s)
            toFloat(data, dim, static_cast<size_t>(double(s) * double(n) / double(count)), 1, samples.data() + s * dim);
        t0 = Clock::now();
        fs4.cp.niter = 10;
        fs4.train(static_cast<int64_t>(count), samples.data());
        std::vector<float> rows(chunk * dim);
        for (size_t b = 0; b < n; b += chunk) {
            const size_t m = std::min(chunk, n - b);
            toFloat(data, dim, b, m, rows.data());
            fs4.add(static_cast<int64_t>(m), rows.data());
        }
        std::printf("FAISS IVF%zu,PQ%zux4fs: build %.1f s\n", lists, dim / 4, seconds(t0));
        for (size_t probes : probesList)
            for (size_t rerank : rerankList) {
                fs4.nprobe = probes;
                char label[96];
                std::snprintf(label, sizeof label, "fast-scan probes %zu re-rank %zu:", probes, rerank);
                measure(label, nq, dim, q, truth, bruteBest,
                        [&](const float* x) {
                            std::vector<float> d(rerank);
                            std::vector<faiss::Index::idx_t> l(rerank);
                            fs4.search(1, x, static_cast<int64_t>(rerank), d.data(), l.data());
                            std::vector<SearchHit> hits;
                            for (auto row : l)
                                if (row >= 0) {
                                    float s = 0;
                                    dotRowsHalfAnyCpu(data.data() + size_t(row) * dim, 1, dim, x, &s);
                                    hits.push_back({row, s});
                                }
                            std::sort(hits.begin(), hits.end(), betterHit);
                            hits.resize(std::min<size_t>(10, hits.size()));
                            return hits;
                        },
                        setOmp);
            }
        omp_set_num_threads(2);
    }
    if (n <= o.hnswMax) {
        faiss::IndexHNSWFlat hnsw(static_cast<int>(dim), 32, faiss::METRIC_INNER_PRODUCT);
        t0 = Clock::now();
        std::vector<float> rows(chunk * dim);
        for (size_t b = 0; b < n; b += chunk) {
            const size_t m = std::min(chunk, n - b);
            toFloat(data, dim, b, m, rows.data());
            l2NormalizeRows(rows.data(), m, dim);
            hnsw.add(static_cast<int64_t>(m), rows.data());
        }
        std::printf("FAISS HNSW32 (float32 vectors, %.2f GiB): build %.1f s; peak RSS %.2f GiB\n",
                    gib(double(n) * dim * 4 + double(n) * 64 * 4), seconds(t0), peakRssGiB());
        for (int ef : {32, 64, 128}) {
            char label[96];
            std::snprintf(label, sizeof label, "HNSW32 efSearch %d:", ef);
            hnsw.hnsw.efSearch = ef;  // FAISS 1.7.3 ignores SearchParametersHNSW::efSearch
            measure(label, nq, dim, q, truth, bruteBest,
                    [&](const float* x) {
                        std::vector<float> d(10);
                        std::vector<faiss::Index::idx_t> l(10);
                        const auto qn = l2Normalized(x, dim);
                        hnsw.search(1, qn.data(), 10, d.data(), l.data());
                        std::vector<SearchHit> hits;
                        for (size_t i = 0; i < 10; ++i)
                            if (l[i] >= 0)
                                hits.push_back({l[i], d[i]});
                        return hits;
                    },
                    setOmp);
        }
        omp_set_num_threads(2);
    }
#endif
}

Options parse(int argc, char** argv)
{
    Options o;
    bench::ArgReader args("bench_ann", argc, argv);
    while (args.next()) {
        if (args.is("--sizes"))
            o.sizes = args.list();
        else if (args.is("--dim"))
            o.dim = args.number();
        else if (args.is("--queries"))
            o.queries = std::max<size_t>(10, args.number());
        else if (args.is("--kind"))
            o.kind = args.value();
        else if (args.is("--lists"))
            o.lists = args.number();
        else if (args.is("--pq"))
            o.pq = args.number();
        else if (args.is("--probes"))
            o.probes = args.list();
        else if (args.is("--rerank"))
            o.rerank = args.list();
        else if (args.is("--group-probes"))
            o.groupProbes = args.list();
        else if (args.is("--groups"))
            o.groups = args.number();
        else if (args.is("--assign-groups"))
            o.assignGroups = args.number();
        else if (args.is("--store-dir"))
            o.storeDir = args.value();
        else if (args.is("--brute-queries"))
            o.bruteQueries = std::max<size_t>(1, args.number());
        else if (args.is("--no-save"))
            o.save = false;
        else if (args.is("--compare-fastscan"))
            o.fastScan = true;
        else if (args.is("--compare-hnsw"))
            o.hnswMax = args.number();
        else if (args.is("--train-samples"))
            o.trainSamples = args.number();
        else if (args.is("--cells-per-vector"))
            o.cellsPerVector = args.number();
        else if (args.is("--reuse-index"))
            o.reuseIndex = true;
        else if (args.is("--coverage-only"))
            o.coverageOnly = true;
        else if (args.is("--data-cache"))
            o.dataCache = args.value();
        else
            args.usage("[--sizes a,b] [--dim D] [--queries Q] [--kind auto|ivf-flat|ivf-pq] [--lists L] [--pq BYTES] "
                       "[--probes a,b] [--rerank a,b] [--groups G] [--assign-groups T] [--group-probes a,b] [--store-dir DIR] "
                       "[--brute-queries N] [--no-save] [--compare-fastscan] [--compare-hnsw MAX_N] "
                       "[--train-samples S] [--cells-per-vector C] [--coverage-only] [--data-cache DIR] [--reuse-index]");
    }
    return o;
}

}  // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    if (!ApproximateIndex::available()) {
        std::printf("bench_ann: approximate index not available in this build (no FAISS)\n");
        return 0;
    }
    std::printf("bench_ann: dim %zu, %zu queries, k 10, AVX2 kernels %s, F16C %s, %u hardware threads\n", o.dim,
                o.queries, simdKernelsActive() ? "on" : "off", halfPrecisionAvailable() ? "on" : "off",
                std::thread::hardware_concurrency());
    try {
        for (size_t n : o.sizes)
            benchSize(o, n);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_ann: %s\n", e.what());
        return 1;
    }
    return 0;
}
