// Query latency of the vector search against numpy, measured in the same run.
// Usage: bench_search [--sizes 10000,100000,1000000] [--dim 512] [--queries 30] [--threads N]
//                     [--no-approx] [--no-peer]
// For each size: N random normalised float32 vectors in a VectorIndex, `queries` random queries
// already embedded, k = 10; prints the median ms per query (all threads and one thread) and the
// ratio to numpy (M @ q + argpartition, tests/bench/search_peer.py, /usr/bin/python3), run right
// after ours at each size.
// At the largest size also the approximate index (FAISS IVF-Flat): build time, median latency and
// recall@10 against the exact results, on clustered vectors with queries near stored rows (closer
// to real embeddings; uniform random vectors have no cell structure, and IVF recall on them is
// low at any useful probe count).
// Goals (issue 4): <= 5 ms at 10k, <= 20 ms at 100k, <= 150 ms at 1M brute force, 2 cores.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "benchargs.h"
#include "retrieval/approximateindex.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

using namespace cosmoclip;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::vector<size_t> sizes = {10000, 100000, 1000000};
    size_t dim = 512;
    size_t queries = 30;
    size_t threads = 0;
    bool approx = true;
    bool approxUniform = false;
    bool peer = true;
};

// splitmix64: fast and good enough for benchmark vectors.
struct Rng {
    uint64_t state;
    uint64_t next()
    {
        uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    float uniform() { return static_cast<float>(next() >> 40) * (2.0f / 16777216.0f) - 1.0f; }
};

double seconds(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

// Random rows in chunks, so that no second full-size copy exists. `clusters` 0 = uniform; else
// each row is a random centre plus noise of about the same norm (cosine ~0.7 to its centre).
void fill(VectorIndex& index, size_t n, uint64_t seed, size_t clusters)
{
    const size_t dim = index.dim();
    Rng rng{seed};
    std::vector<float> centres(clusters * dim);
    for (auto& x : centres)
        x = rng.uniform();
    l2NormalizeRows(centres.data(), clusters, dim);
    const size_t chunk = 65536;
    std::vector<float> rows(chunk * dim);
    std::vector<int64_t> ids(chunk);
    index.reserve(n);
    for (size_t first = 0; first < n; first += chunk) {
        const size_t m = std::min(chunk, n - first);
        for (size_t i = 0; i < m; ++i) {
            float* row = rows.data() + i * dim;
            for (size_t d = 0; d < dim; ++d)
                row[d] = rng.uniform();
            if (clusters) {
                l2Normalize(row, dim);
                const float* c = centres.data() + (rng.next() % clusters) * dim;
                for (size_t d = 0; d < dim; ++d)
                    row[d] = c[d] + row[d];
            }
            ids[i] = static_cast<int64_t>(first + i);
        }
        index.add(ids.data(), rows.data(), m);
    }
}

std::vector<float> makeQueries(size_t count, size_t dim, uint64_t seed)
{
    Rng rng{seed};
    std::vector<float> q(count * dim);
    for (auto& x : q)
        x = rng.uniform();
    l2NormalizeRows(q.data(), count, dim);
    return q;
}

// Queries near stored rows (a perturbed stored vector), as a text query lands near its images.
std::vector<float> queriesNearRows(const VectorIndex& index, size_t count, uint64_t seed)
{
    Rng rng{seed};
    const size_t dim = index.dim();
    std::vector<float> q(count * dim);
    for (size_t i = 0; i < count; ++i) {
        const float* row = index.rowAt(rng.next() % index.size());
        for (size_t d = 0; d < dim; ++d)
            q[i * dim + d] = row[d] + 0.05f * rng.uniform();
    }
    l2NormalizeRows(q.data(), count, dim);
    return q;
}

template <class Search>
double medianMs(size_t queries, size_t dim, const std::vector<float>& q, Search&& search)
{
    search(q.data());  // warm-up: page in the matrix, start the threads' caches
    search(q.data() + dim);
    std::vector<double> t;
    for (size_t i = 0; i < queries; ++i) {
        const auto t0 = Clock::now();
        search(q.data() + i * dim);
        t.push_back(1000.0 * seconds(t0, Clock::now()));
    }
    return median(t);
}

double recallAt10(const VectorIndex& exact, const ApproximateIndex& approx, const std::vector<float>& q,
                  size_t queries)
{
    size_t found = 0, total = 0;
    for (size_t i = 0; i < queries; ++i) {
        const float* query = q.data() + i * exact.dim();
        const auto truth = exact.search(query, 10);
        const auto got = approx.search(query, 10);
        for (const auto& t : truth) {
            ++total;
            found += std::any_of(got.begin(), got.end(), [&](const SearchHit& h) { return h.id == t.id; });
        }
    }
    return total ? double(found) / double(total) : 0.0;
}

void benchApproximate(const VectorIndex& index, const char* what, const std::vector<float>& queries,
                      size_t count)
{
    ApproximateIndex approx;
    const auto t0 = Clock::now();
    approx.build(index);
    const double buildS = seconds(t0, Clock::now());
    const size_t defaultProbes = approx.defaultProbes();
    for (size_t probes : {std::max<size_t>(8, approx.lists() / 64), defaultProbes}) {
        approx.setDefaultProbes(probes);
        const double ms = medianMs(count, index.dim(), queries,
                                   [&](const float* q) { return approx.search(q, 10); });
        std::printf("  approximate (%s): %zu lists, %zu probes: build %.1f s, %.3f ms/query, recall@10 %.3f\n",
                    what, approx.lists(), probes, buildS, ms, recallAt10(index, approx, queries, count));
        std::fflush(stdout);
    }
}

// numpy's median ms per query at `n` vectors, or a negative value when the peer cannot run.
double runPeer(const Options& o, size_t n)
{
    const std::string cmd = "/usr/bin/python3 '" COSMOCLIP_SOURCE_DIR "/tests/bench/search_peer.py' " +
                            std::to_string(o.dim) + " " + std::to_string(o.queries) + " " + std::to_string(n);
    std::FILE* pipe = ::popen(cmd.c_str(), "r");
    if (!pipe)
        return -1.0;
    std::string out;
    char buf[4096];
    while (size_t got = std::fread(buf, 1, sizeof buf, pipe))
        out.append(buf, got);
    if (::pclose(pipe) != 0)
        return -1.0;
    try {
        const auto j = nlohmann::json::parse(out);
        static bool shown = false;
        if (!shown)
            std::printf("numpy %s (/usr/bin/python3)\n", j.at("numpy").get<std::string>().c_str());
        shown = true;
        return j.at("ms").at(std::to_string(n)).get<double>();
    } catch (const std::exception&) {
        return -1.0;
    }
}

Options parse(int argc, char** argv)
{
    Options o;
    bench::ArgReader args("bench_search", argc, argv);
    while (args.next()) {
        if (args.is("--sizes"))
            o.sizes = args.list();
        else if (args.is("--dim"))
            o.dim = args.number();
        else if (args.is("--queries"))
            o.queries = std::max<size_t>(2, args.number());
        else if (args.is("--threads"))
            o.threads = args.number();
        else if (args.is("--no-approx"))
            o.approx = false;
        else if (args.is("--approx-uniform"))
            o.approxUniform = true;
        else if (args.is("--no-peer"))
            o.peer = false;
        else
            args.usage("[--sizes a,b,c] [--dim D] [--queries Q] [--threads T] [--no-approx] [--approx-uniform] "
                       "[--no-peer]");
    }
    return o;
}

}  // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    std::printf("bench_search: dim %zu, %zu queries, k 10, AVX2 kernels %s\n", o.dim, o.queries,
                simdKernelsActive() ? "on" : "off");
    const size_t largest = *std::max_element(o.sizes.begin(), o.sizes.end());
    for (size_t n : o.sizes) {
        VectorIndex index(o.dim, o.threads);
        const auto t0 = Clock::now();
        fill(index, n, 1000 + n, 0);
        const double fillS = seconds(t0, Clock::now());
        const auto queries = makeQueries(o.queries, o.dim, 77);
        const double ms = medianMs(o.queries, o.dim, queries, [&](const float* q) { return index.search(q, 10); });
        index.setThreads(1);
        const double ms1 = medianMs(o.queries, o.dim, queries, [&](const float* q) { return index.search(q, 10); });
        index.setThreads(o.threads);
        const bool half = index.usesHalfPrecisionScan();
        const double bytes = double(n * o.dim) * (half ? 2.0 : 4.0);
        std::printf("%8zu vectors: exact %.3f ms/query (%zu threads), %.3f ms/query (1 thread); %s scan, %.1f GB/s; "
                    "filled in %.1f s\n",
                    n, ms, index.threads(), ms1, half ? "binary16 + float32 re-score" : "float32",
                    bytes / (ms * 1e6), fillS);
        if (half) {
            // The same index without the binary16 copy: what the float32 scan alone costs.
            index.setHalfPrecisionScan(false);
            const double ms32 = medianMs(o.queries, o.dim, queries, [&](const float* q) { return index.search(q, 10); });
            std::printf("%8zu vectors: exact %.3f ms/query with the float32 scan only (%zu threads)\n", n, ms32,
                        index.threads());
        }
        if (o.peer) {
            // Right after ours, so that both see the same load on a shared machine.
            const double peer = runPeer(o, n);
            if (peer > 0)
                std::printf("%8zu vectors: numpy %.3f ms/query; numpy/ours %.2fx\n", n, peer, peer / ms);
            else
                std::printf("numpy peer unavailable (needs /usr/bin/python3 with numpy)\n");
        }
        std::fflush(stdout);
        if (o.approx && o.approxUniform && n == largest && ApproximateIndex::available())
            benchApproximate(index, "uniform random, random queries", queries, o.queries);
    }
    if (o.approx && ApproximateIndex::available()) {
        VectorIndex clustered(o.dim, o.threads);
        fill(clustered, largest, 5, std::max<size_t>(16, largest / 1000));
        benchApproximate(clustered, "clustered, queries near stored rows",
                         queriesNearRows(clustered, o.queries, 9), o.queries);
    } else if (o.approx) {
        std::printf("approximate index not available in this build (no FAISS)\n");
    }

    return 0;
}
