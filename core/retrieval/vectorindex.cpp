#include "retrieval/vectorindex.h"

#include "common/error.h"
#include "retrieval/halfprecision.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/vectormath.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <queue>
#include <string>
#include <thread>

namespace cosmoclip {

namespace {

// Rows scored per kernel call: the scores stay in L1 while the heap looks at them.
constexpr size_t kBlockRows = 256;
// Below this many rows per thread, starting a thread costs more than it saves.
constexpr size_t kMinRowsPerThread = 16384;
// An allowed-id set smaller than size / kSubsetRatio is scored id by id instead of scanning.
constexpr size_t kSubsetRatio = 8;

size_t defaultThreads()
{
    return std::max(1u, std::thread::hardware_concurrency());
}

// A bounded top-k: a heap whose front is the worst kept hit.
class TopK {
public:
    explicit TopK(size_t k) : m_k(k) { m_heap.reserve(k); }

    void offer(int64_t id, float score)
    {
        if (m_heap.size() < m_k) {
            m_heap.push_back({id, score});
            std::push_heap(m_heap.begin(), m_heap.end(), betterHit);
            return;
        }
        if (!betterHit({id, score}, m_heap.front()))
            return;
        std::pop_heap(m_heap.begin(), m_heap.end(), betterHit);
        m_heap.back() = {id, score};
        std::push_heap(m_heap.begin(), m_heap.end(), betterHit);
    }
    /// Scores below this cannot enter (a cheap first test before offer(); equal ones may, by id).
    float floor() const
    {
        return m_heap.size() < m_k ? -INFINITY : m_heap.front().score;
    }
    std::vector<SearchHit> take() { return std::move(m_heap); }

private:
    size_t m_k;
    std::vector<SearchHit> m_heap;
};

std::vector<SearchHit> mergeTopK(std::vector<std::vector<SearchHit>> parts, size_t k)
{
    std::vector<SearchHit> all;
    for (auto& part : parts)
        all.insert(all.end(), part.begin(), part.end());
    const size_t keep = std::min(k, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(keep), all.end(),
                      betterHit);
    all.resize(keep);
    return all;
}

}  // namespace

struct VectorIndex::HalfScanPart {
    std::vector<float> topApprox;                     // this range's k best half scores
    std::vector<std::pair<float, size_t>> candidates; // (half score, row) near or above them
};

VectorIndex::VectorIndex(size_t dim, size_t threads)
    : m_dim(dim), m_threads(threads == 0 ? defaultThreads() : threads),
      m_halfEnabled(halfPrecisionAvailable())
{
    if (dim == 0)
        throw Error("vector index: dimension must be positive");
}

void VectorIndex::reserve(size_t rows)
{
    m_data.reserve(rows * m_dim);
    if (m_halfEnabled)
        m_half.reserve(rows * m_dim);
    m_ids.reserve(rows);
    m_rowOfId.reserve(rows);
}

void VectorIndex::clear()
{
    m_data.clear();
    m_half.clear();
    m_ids.clear();
    m_rowOfId.clear();
}

void VectorIndex::setThreads(size_t threads)
{
    m_threads = threads == 0 ? defaultThreads() : threads;
}

void VectorIndex::setHalfPrecisionScan(bool enabled)
{
    m_halfEnabled = enabled && halfPrecisionAvailable();
    if (!m_halfEnabled) {
        decltype(m_half)().swap(m_half);
        return;
    }
    m_half.resize(m_data.size());
    floatToHalf(m_data.data(), m_half.data(), m_data.size());
}

bool VectorIndex::usesHalfPrecisionScan() const
{
    return m_halfEnabled && halfPrecisionAvailable() && m_ids.size() >= kHalfScanMinRows;
}

void VectorIndex::checkFinite(const float* vector) const
{
    for (size_t d = 0; d < m_dim; ++d)
        if (!std::isfinite(vector[d]))
            throw Error("vector index: a vector holds NaN or infinity at component " +
                        std::to_string(d));
}

void VectorIndex::add(int64_t id, const float* vector)
{
    add(&id, vector, 1);
}

void VectorIndex::add(const int64_t* ids, const float* vectors, size_t n)
{
    // Validate everything first, so that a rejected row leaves the index as it was.
    std::unordered_map<int64_t, size_t> batch;
    for (size_t i = 0; i < n; ++i) {
        if (m_rowOfId.count(ids[i]) || !batch.emplace(ids[i], i).second)
            throw Error("vector index: id " + std::to_string(ids[i]) + " is already stored");
        checkFinite(vectors + i * m_dim);
    }
    const size_t first = m_ids.size();
    m_data.insert(m_data.end(), vectors, vectors + n * m_dim);
    l2NormalizeRows(m_data.data() + first * m_dim, n, m_dim);
    if (m_halfEnabled && !halfPrecisionAvailable())
        setHalfPrecisionScan(false);  // the SIMD kernels were switched off: drop the copy
    if (m_halfEnabled) {
        m_half.resize(m_data.size());
        floatToHalf(m_data.data() + first * m_dim, m_half.data() + first * m_dim, n * m_dim);
    }
    for (size_t i = 0; i < n; ++i) {
        m_ids.push_back(ids[i]);
        m_rowOfId.emplace(ids[i], first + i);
    }
}

bool VectorIndex::remove(int64_t id)
{
    const auto it = m_rowOfId.find(id);
    if (it == m_rowOfId.end())
        return false;
    const size_t row = it->second;
    const size_t last = m_ids.size() - 1;
    if (row != last) {
        std::copy_n(m_data.begin() + static_cast<std::ptrdiff_t>(last * m_dim), m_dim,
                    m_data.begin() + static_cast<std::ptrdiff_t>(row * m_dim));
        if (!m_half.empty())
            std::copy_n(m_half.begin() + static_cast<std::ptrdiff_t>(last * m_dim), m_dim,
                        m_half.begin() + static_cast<std::ptrdiff_t>(row * m_dim));
        m_ids[row] = m_ids[last];
        m_rowOfId[m_ids[row]] = row;
    }
    m_rowOfId.erase(id);
    m_ids.pop_back();
    m_data.resize(last * m_dim);
    if (!m_half.empty())
        m_half.resize(last * m_dim);
    return true;
}

const float* VectorIndex::vector(int64_t id) const
{
    const auto it = m_rowOfId.find(id);
    return it == m_rowOfId.end() ? nullptr : rowAt(it->second);
}

std::vector<SearchHit> VectorIndex::searchRows(const float* q, size_t begin, size_t end, size_t k,
                                               const SearchFilter& filter) const
{
    TopK top(k);
    float scores[kBlockRows];
    const bool filtered = !filter.isEmpty();
    for (size_t b = begin; b < end; b += kBlockRows) {
        const size_t n = std::min(kBlockRows, end - b);
        dotRows(rowAt(b), n, m_dim, q, scores);
        for (size_t i = 0; i < n; ++i) {
            // ">=" keeps score ties for offer() to break by id.
            if (scores[i] >= top.floor() && (!filtered || filter.accepts(m_ids[b + i])))
                top.offer(m_ids[b + i], scores[i]);
        }
    }
    return top.take();
}

std::vector<SearchHit> VectorIndex::searchSubset(const float* q, size_t k,
                                                 const SearchFilter& filter) const
{
    TopK top(k);
    for (int64_t id : *filter.allowedIds) {
        const auto it = m_rowOfId.find(id);
        if (it == m_rowOfId.end() || !filter.accepts(id))
            continue;
        // dot() rounds exactly as the scan kernel does, so both paths rank alike.
        top.offer(id, dot(rowAt(it->second), q, m_dim));
    }
    return mergeTopK({top.take()}, k);
}

template <class Part, class Fn>
std::vector<Part> VectorIndex::runInThreads(Fn&& fn) const
{
    const size_t rows = m_ids.size();
    const size_t threads = std::clamp<size_t>(rows / kMinRowsPerThread, 1, m_threads);
    if (threads == 1)
        return {fn(size_t(0), rows)};
    // Ranges aligned to kBlockRows keep the kernels on full blocks.
    const size_t perThread = (rows / threads + kBlockRows - 1) / kBlockRows * kBlockRows;
    std::vector<Part> parts(threads);
    std::vector<std::exception_ptr> errors(threads);
    auto run = [&](size_t t) {
        try {
            const size_t begin = std::min(rows, t * perThread);
            const size_t end = t + 1 == threads ? rows : std::min(rows, begin + perThread);
            parts[t] = fn(begin, end);
        } catch (...) {
            errors[t] = std::current_exception();  // a throwing predicate must not kill the process
        }
    };
    std::vector<std::thread> workers;
    workers.reserve(threads - 1);
    for (size_t t = 1; t < threads; ++t)
        workers.emplace_back(run, t);
    run(0);
    for (auto& w : workers)
        w.join();
    for (const auto& e : errors)
        if (e)
            std::rethrow_exception(e);
    return parts;
}

VectorIndex::HalfScanPart VectorIndex::searchRowsHalf(const float* q, size_t begin, size_t end,
                                                      size_t k, double window,
                                                      const SearchFilter& filter) const
{
    HalfScanPart part;
    std::priority_queue<float, std::vector<float>, std::greater<float>> top;  // k best, worst on top
    double floor = -INFINITY;
    size_t pruneAt = std::max<size_t>(4096, 8 * k);
    float scores[kBlockRows];
    const bool filtered = !filter.isEmpty();
    for (size_t b = begin; b < end; b += kBlockRows) {
        const size_t n = std::min(kBlockRows, end - b);
        dotRowsHalf(m_half.data() + b * m_dim, n, m_dim, q, scores);
        for (size_t i = 0; i < n; ++i) {
            const float s = scores[i];
            if (double(s) < floor - window || (filtered && !filter.accepts(m_ids[b + i])))
                continue;
            part.candidates.push_back({s, b + i});
            if (top.size() < k) {
                top.push(s);
            } else if (s > top.top()) {
                top.pop();
                top.push(s);
            }
            if (top.size() == k)
                floor = top.top();
        }
        if (part.candidates.size() > pruneAt) {
            std::erase_if(part.candidates, [&](const auto& c) { return double(c.first) < floor - window; });
            pruneAt = std::max(pruneAt, 2 * part.candidates.size());
        }
    }
    for (; !top.empty(); top.pop())
        part.topApprox.push_back(top.top());
    return part;
}

std::vector<SearchHit> VectorIndex::searchHalf(const float* q, size_t k,
                                               const SearchFilter& filter) const
{
    // A true top-k row scores at most `bound` below its float32 score in half precision, and the
    // k-th best float32 score is at least the k-th best half score minus `bound`; so every row of
    // the float32 top-k has a half score >= (k-th best half score) - 2 * bound.
    const double window = 2.0 * halfDotErrorBound(m_dim);
    auto parts = runInThreads<HalfScanPart>([&](size_t begin, size_t end) {
        return searchRowsHalf(q, begin, end, k, window, filter);
    });
    std::vector<float> best;
    for (const auto& p : parts)
        best.insert(best.end(), p.topApprox.begin(), p.topApprox.end());
    double kth = -INFINITY;
    if (best.size() >= k) {
        std::nth_element(best.begin(), best.begin() + static_cast<std::ptrdiff_t>(k - 1), best.end(),
                         std::greater<float>());
        kth = best[k - 1];
    }
    TopK top(k);
    for (const auto& p : parts)
        for (const auto& [approx, row] : p.candidates)
            if (double(approx) >= kth - window)
                top.offer(m_ids[row], dot(rowAt(row), q, m_dim));  // bit-equal to the float32 scan
    return mergeTopK({top.take()}, k);
}

std::vector<SearchHit> VectorIndex::search(const float* query, size_t k,
                                           const SearchFilter& filter) const
{
    checkFinite(query);
    std::vector<float> q = l2Normalized(query, m_dim);
    if (l2Norm(q.data(), m_dim) == 0.0)
        throw Error("vector index: the query vector is all zeros");
    k = std::min(k, m_ids.size());  // also keeps reserve(k) sane for k = SIZE_MAX
    if (k == 0)
        return {};
    if (filter.allowedIds && filter.allowedIds->size() * kSubsetRatio < m_ids.size())
        return searchSubset(q.data(), k, filter);
    if (usesHalfPrecisionScan())
        return searchHalf(q.data(), k, filter);
    return mergeTopK(runInThreads<std::vector<SearchHit>>([&](size_t begin, size_t end) {
                         return searchRows(q.data(), begin, end, k, filter);
                     }),
                     k);
}

std::vector<SearchHit> VectorIndex::searchDistinct(const float* query, size_t k, float threshold,
                                                   const SearchFilter& filter) const
{
    size_t fetch = std::max<size_t>(k * 4, 32);
    for (;;) {
        std::vector<SearchHit> hits = search(query, fetch, filter);
        const bool exhausted = hits.size() < fetch;
        std::vector<SearchHit> distinct = collapseNearDuplicates(hits, *this, threshold);
        if (distinct.size() >= k || exhausted) {
            if (distinct.size() > k)
                distinct.resize(k);
            return distinct;
        }
        fetch *= 4;
    }
}

}  // namespace cosmoclip
