#include "retrieval/approximateindex.h"

#include "common/atomicfile.h"
#include "common/error.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

#ifdef COSMOCLIP_HAVE_FAISS
#include <faiss/IndexFlat.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_io.h>
#endif

namespace cosmoclip {

namespace {

constexpr char kNotAvailable[] = "approximate index not available in this build (built without FAISS)";

// File layout: this header, then FAISS's own serialisation of the IVF index.
constexpr char kMagic[8] = {'C', 'C', 'L', 'I', 'P', 'A', 'N', 'N'};
constexpr uint32_t kFormatVersion = 1;
struct FileHeader {
    char magic[8];
    uint32_t version;
    uint32_t dim;
    uint64_t count;
    uint64_t probes;
};

}  // namespace

#ifdef COSMOCLIP_HAVE_FAISS

struct ApproximateIndex::Impl {
    std::unique_ptr<faiss::IndexIVFFlat> index;
};

namespace {

// Lets FAISS ask our filter while it scans the inverted lists.
struct FilterSelector final : faiss::IDSelector {
    explicit FilterSelector(const SearchFilter& f) : filter(f) {}
    bool is_member(int64_t id) const override { return filter.accepts(id); }
    const SearchFilter& filter;
};

size_t autoLists(size_t n)
{
    // sqrt(N) / 2 cells: adding N vectors costs N x cells dot products, which dominates the build
    // on a small machine (1M vectors: 500 cells). FAISS wants ~39 training points per cell.
    const size_t byRoot = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(n)) / 2));
    return std::clamp<size_t>(byRoot, 1, std::max<size_t>(1, n / 39));
}

}  // namespace

bool ApproximateIndex::available()
{
    return true;
}

void ApproximateIndex::build(const float* vectors, const int64_t* ids, size_t n, size_t dim,
                             const ApproximateIndexParams& params)
{
    if (n == 0 || dim == 0)
        throw Error("approximate index: nothing to index");
    std::vector<float> data(vectors, vectors + n * dim);
    for (float v : data)
        if (!std::isfinite(v))
            throw Error("approximate index: a vector holds NaN or infinity");
    l2NormalizeRows(data.data(), n, dim);

    const size_t lists = std::min(n, params.lists ? params.lists : autoLists(n));
    const size_t samples =
        std::clamp<size_t>(params.trainSamples ? params.trainSamples : 64 * lists, lists, n);
    // An even stride through the rows: deterministic, and it sees every part of the catalog.
    std::vector<float> train(samples * dim);
    for (size_t s = 0; s < samples; ++s) {
        const size_t row = static_cast<size_t>(static_cast<double>(s) * static_cast<double>(n) /
                                                static_cast<double>(samples));
        std::copy_n(data.data() + row * dim, dim, train.data() + s * dim);
    }
    try {
        auto quantizer = std::make_unique<faiss::IndexFlatIP>(static_cast<int64_t>(dim));
        auto index = std::make_unique<faiss::IndexIVFFlat>(quantizer.get(), dim, lists,
                                                           faiss::METRIC_INNER_PRODUCT);
        index->own_fields = true;
        quantizer.release();
        index->cp.niter = static_cast<int>(std::max<size_t>(1, params.trainIterations));
        index->cp.max_points_per_centroid = static_cast<int>(samples / lists + 1);
        index->cp.seed = 1234;
        index->cp.verbose = false;
        index->train(static_cast<int64_t>(samples), train.data());
        index->add_with_ids(static_cast<int64_t>(n), data.data(), ids);
        m_impl = std::make_unique<Impl>();
        m_impl->index = std::move(index);
    } catch (const faiss::FaissException& e) {
        throw Error(std::string("approximate index: FAISS: ") + e.what());
    }
    m_probes = std::min(lists, params.probes ? params.probes : std::max<size_t>(16, lists / 16));
}

bool ApproximateIndex::isBuilt() const
{
    return m_impl && m_impl->index;
}

size_t ApproximateIndex::size() const
{
    return isBuilt() ? static_cast<size_t>(m_impl->index->ntotal) : 0;
}

size_t ApproximateIndex::dim() const
{
    return isBuilt() ? static_cast<size_t>(m_impl->index->d) : 0;
}

size_t ApproximateIndex::lists() const
{
    return isBuilt() ? m_impl->index->nlist : 0;
}

std::vector<SearchHit> ApproximateIndex::search(const float* query, size_t k, size_t probes,
                                                const SearchFilter& filter) const
{
    if (!isBuilt())
        throw Error("approximate index: not built");
    const size_t d = dim();
    for (size_t i = 0; i < d; ++i)
        if (!std::isfinite(query[i]))
            throw Error("approximate index: the query holds NaN or infinity");
    std::vector<float> q = l2Normalized(query, d);
    k = std::min(k, size());
    if (k == 0)
        return {};
    // One extra so that excluding the query image still leaves k.
    const size_t fetch = std::min(size(), k + (filter.excludeId ? 1 : 0));

    FilterSelector selector(filter);
    faiss::SearchParametersIVF sp;
    sp.nprobe = std::min(lists(), probes ? probes : m_probes);
    sp.sel = filter.isEmpty() ? nullptr : &selector;
    std::vector<float> scores(fetch);
    std::vector<int64_t> labels(fetch);
    try {
        m_impl->index->search(1, q.data(), static_cast<int64_t>(fetch), scores.data(),
                              labels.data(), &sp);
    } catch (const faiss::FaissException& e) {
        throw Error(std::string("approximate index: FAISS: ") + e.what());
    }
    std::vector<SearchHit> hits;
    for (size_t i = 0; i < fetch; ++i)
        if (labels[i] >= 0 && filter.accepts(labels[i]))
            hits.push_back({labels[i], scores[i]});
    std::sort(hits.begin(), hits.end(), betterHit);
    if (hits.size() > k)
        hits.resize(k);
    return hits;
}

void ApproximateIndex::save(const std::string& path) const
{
    if (!isBuilt())
        throw Error(path, "approximate index: not built, nothing to save");
    faiss::VectorIOWriter writer;
    try {
        faiss::write_index(m_impl->index.get(), &writer);
    } catch (const faiss::FaissException& e) {
        throw Error(path, std::string("FAISS cannot serialise the index: ") + e.what());
    }
    FileHeader header{};
    std::memcpy(header.magic, kMagic, sizeof kMagic);
    header.version = kFormatVersion;
    header.dim = static_cast<uint32_t>(dim());
    header.count = size();
    header.probes = m_probes;
    std::vector<uint8_t> bytes(sizeof header + writer.data.size());
    std::memcpy(bytes.data(), &header, sizeof header);
    std::copy(writer.data.begin(), writer.data.end(), bytes.begin() + sizeof header);
    writeFileAtomically(path, bytes.data(), bytes.size());
}

ApproximateIndex ApproximateIndex::load(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path, "cannot open the approximate index");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    FileHeader header{};
    if (bytes.size() < sizeof header)
        throw Error(path, "not a CosmoCLIP approximate index (too short)");
    std::memcpy(&header, bytes.data(), sizeof header);
    if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
        throw Error(path, "not a CosmoCLIP approximate index");
    if (header.version != kFormatVersion)
        throw Error(path, "approximate index format version " + std::to_string(header.version) +
                              " is not supported (expected " + std::to_string(kFormatVersion) + ")");
    faiss::VectorIOReader reader;
    reader.data.assign(bytes.begin() + sizeof header, bytes.end());
    std::unique_ptr<faiss::Index> raw;
    try {
        raw.reset(faiss::read_index(&reader));
    } catch (const faiss::FaissException& e) {
        throw Error(path, std::string("damaged approximate index: ") + e.what());
    }
    auto* ivf = dynamic_cast<faiss::IndexIVFFlat*>(raw.get());
    if (!ivf || ivf->metric_type != faiss::METRIC_INNER_PRODUCT ||
        static_cast<uint64_t>(ivf->ntotal) != header.count || static_cast<uint32_t>(ivf->d) != header.dim)
        throw Error(path, "damaged approximate index (the header does not match the FAISS index)");
    raw.release();
    ApproximateIndex out;
    out.m_impl = std::make_unique<Impl>();
    out.m_impl->index.reset(ivf);
    out.m_probes = std::clamp<size_t>(header.probes, 1, ivf->nlist);
    return out;
}

#else  // no FAISS

struct ApproximateIndex::Impl {};

bool ApproximateIndex::available()
{
    return false;
}

void ApproximateIndex::build(const float*, const int64_t*, size_t, size_t,
                             const ApproximateIndexParams&)
{
    throw Error(kNotAvailable);
}

bool ApproximateIndex::isBuilt() const
{
    return false;
}

size_t ApproximateIndex::size() const
{
    return 0;
}

size_t ApproximateIndex::dim() const
{
    return 0;
}

size_t ApproximateIndex::lists() const
{
    return 0;
}

std::vector<SearchHit> ApproximateIndex::search(const float*, size_t, size_t,
                                                const SearchFilter&) const
{
    throw Error(kNotAvailable);
}

void ApproximateIndex::save(const std::string&) const
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

}  // namespace cosmoclip
