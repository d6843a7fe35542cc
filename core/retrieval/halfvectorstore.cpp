#include "retrieval/halfvectorstore.h"

#include "common/atomicfilewriter.h"
#include "common/error.h"
#include "retrieval/halfprecision.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <utility>

#if defined(__unix__) || defined(__APPLE__)
#define COSMOCLIP_HAVE_MMAP 1
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace fs = std::filesystem;

namespace cosmoclip {

namespace {

// Segment file: this header, then rows x dim binary16 values (the row count follows from the size).
constexpr char kMagic[8] = {'C', 'C', 'L', 'I', 'P', 'F', '1', '6'};
constexpr uint32_t kVersion = 1;
struct SegmentHeader {
    char magic[8];
    uint32_t version;
    uint32_t dim;
    uint64_t tag;
    uint8_t reserved[40];
};
static_assert(sizeof(SegmentHeader) == 64, "rows start 64 bytes in");

uint64_t newTag()
{
    static std::random_device device;
    static std::mt19937_64 rng((uint64_t(device()) << 32) ^ device() ^
                               uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()));
    uint64_t tag = 0;
    while (tag == 0)
        tag = rng();
    return tag;
}

/// A whole file mapped read-only (POSIX), or read into memory elsewhere.
class MappedFile {
public:
    MappedFile() = default;
    explicit MappedFile(const std::string& path)
    {
#ifdef COSMOCLIP_HAVE_MMAP
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw Error(path, std::string("cannot open the vector store: ") + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
            ::close(fd);
            throw Error(path, "vector store segment is empty or unreadable");
        }
        m_size = static_cast<size_t>(st.st_size);
        void* p = ::mmap(nullptr, m_size, PROT_READ, MAP_SHARED, fd, 0);
        ::close(fd);  // the mapping keeps the file
        if (p == MAP_FAILED)
            throw Error(path, std::string("cannot map the vector store: ") + std::strerror(errno));
        // Re-scoring touches a few hundred scattered rows per query: read-ahead would only evict.
        ::madvise(p, m_size, MADV_RANDOM);
        m_data = static_cast<const uint8_t*>(p);
#else
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw Error(path, "cannot open the vector store");
        m_copy.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        m_size = m_copy.size();
        m_data = reinterpret_cast<const uint8_t*>(m_copy.data());
#endif
    }
    ~MappedFile() { release(); }
    MappedFile(MappedFile&& o) noexcept { *this = std::move(o); }
    MappedFile& operator=(MappedFile&& o) noexcept
    {
        if (this != &o) {
            release();
            m_data = std::exchange(o.m_data, nullptr);
            m_size = std::exchange(o.m_size, 0);
#ifndef COSMOCLIP_HAVE_MMAP
            m_copy = std::move(o.m_copy);
#endif
        }
        return *this;
    }
    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    void release()
    {
#ifdef COSMOCLIP_HAVE_MMAP
        if (m_data)
            ::munmap(const_cast<uint8_t*>(m_data), m_size);
#endif
        m_data = nullptr;
        m_size = 0;
    }
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
#ifndef COSMOCLIP_HAVE_MMAP
    std::string m_copy;
#endif
};

std::string hex16(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

}  // namespace

struct HalfVectorStore::Segment {
    uint64_t tag = 0;
    size_t firstRow = 0;
    size_t rows = 0;
    std::vector<uint16_t> heap;  // rows not written to a file yet
    MappedFile file;             // a persisted segment
    const uint16_t* mapped = nullptr;

    bool persisted() const { return mapped != nullptr; }
    const uint16_t* data() const { return mapped ? mapped : heap.data(); }
};

HalfVectorStore::HalfVectorStore(size_t dim) : m_dim(dim) {}
HalfVectorStore::~HalfVectorStore() = default;
HalfVectorStore::HalfVectorStore(HalfVectorStore&&) noexcept = default;
HalfVectorStore& HalfVectorStore::operator=(HalfVectorStore&&) noexcept = default;

size_t HalfVectorStore::segmentCount() const
{
    return m_segments.size();
}

size_t HalfVectorStore::heapBytes() const
{
    size_t bytes = 0;
    for (const auto& s : m_segments)
        bytes += s->heap.capacity() * sizeof(uint16_t);
    return bytes;
}

std::string HalfVectorStore::segmentPath(const std::string& prefix, uint64_t tag)
{
    return prefix + ".f16-" + hex16(tag);
}

void HalfVectorStore::append(const float* rows, size_t n)
{
    while (n > 0) {
        if (m_segments.empty() || m_segments.back()->persisted()) {
            auto s = std::make_unique<Segment>();
            s->tag = newTag();
            s->firstRow = m_rows;
            m_segments.push_back(std::move(s));
        }
        Segment& s = *m_segments.back();
        const size_t take = m_spillPrefix.empty() ? n : std::min(n, m_spillRows - s.rows);
        s.heap.resize((s.rows + take) * m_dim);
        toHalf(rows, s.heap.data() + s.rows * m_dim, take * m_dim);
        s.rows += take;
        m_rows += take;
        rows += take * m_dim;
        n -= take;
        if (!m_spillPrefix.empty() && s.rows == m_spillRows)
            writeHeap(m_spillPrefix);
    }
}

const HalfVectorStore::Segment& HalfVectorStore::segmentOf(size_t row) const
{
    // Few segments; the newest are the small ones, the first holds most rows.
    for (size_t i = m_segments.size(); i-- > 0;)
        if (row >= m_segments[i]->firstRow)
            return *m_segments[i];
    throw std::out_of_range("HalfVectorStore: row out of range");
}

const uint16_t* HalfVectorStore::row(size_t row) const
{
    const Segment& s = segmentOf(row);
    return s.data() + (row - s.firstRow) * m_dim;
}

void HalfVectorStore::writeHeap(const std::string& prefix)
{
    for (auto& seg : m_segments) {
        if (seg->persisted() || seg->rows == 0)
            continue;
        const std::string path = segmentPath(prefix, seg->tag);
        SegmentHeader header{};
        std::memcpy(header.magic, kMagic, sizeof kMagic);
        header.version = kVersion;
        header.dim = static_cast<uint32_t>(m_dim);
        header.tag = seg->tag;
        AtomicFileWriter writer(path);
        writer.write(&header, sizeof header);
        writer.write(seg->heap.data(), seg->rows * m_dim * sizeof(uint16_t));
        writer.commit();
        seg->file = MappedFile(path);
        seg->mapped = reinterpret_cast<const uint16_t*>(seg->file.data() + sizeof(SegmentHeader));
        std::vector<uint16_t>().swap(seg->heap);
    }
}

void HalfVectorStore::mergeSmallSegments(const std::string& prefix)
{
    // Updates append small segments at the end; once there are too many, copy that run of small
    // segments into one file (row numbers stay the same). Big (spilled) segments are never copied.
    size_t firstSmall = m_segments.size();
    while (firstSmall > 0 && m_segments[firstSmall - 1]->rows < m_spillRows)
        --firstSmall;
    if (m_segments.size() - firstSmall <= kMaxSmallSegments)
        return;
    auto merged = std::make_unique<Segment>();
    merged->tag = newTag();
    merged->firstRow = m_segments[firstSmall]->firstRow;
    for (size_t i = firstSmall; i < m_segments.size(); ++i) {
        const Segment& s = *m_segments[i];
        merged->heap.insert(merged->heap.end(), s.data(), s.data() + s.rows * m_dim);
        merged->rows += s.rows;
    }
    m_segments.resize(firstSmall);
    m_segments.push_back(std::move(merged));
    writeHeap(prefix);
}

std::vector<HalfVectorStore::SegmentInfo> HalfVectorStore::persist(const std::string& prefix)
{
    if (!m_spillPrefix.empty() && m_spillPrefix != prefix)
        throw Error(prefix, "vector store: rows were spilled beside " + m_spillPrefix + ", not here");
    writeHeap(prefix);
    mergeSmallSegments(prefix);
    std::vector<SegmentInfo> out;
    for (const auto& s : m_segments)
        out.push_back({s->tag, s->rows});
    return out;
}

HalfVectorStore HalfVectorStore::open(const std::string& prefix, size_t dim,
                                      const std::vector<SegmentInfo>& segments)
{
    HalfVectorStore store(dim);
    for (const auto& info : segments) {
        const std::string path = segmentPath(prefix, info.tag);
        auto s = std::make_unique<Segment>();
        s->tag = info.tag;
        s->rows = info.rows;
        s->firstRow = store.m_rows;
        s->file = MappedFile(path);
        SegmentHeader header{};
        if (s->file.size() < sizeof header)
            throw Error(path, "vector store segment is too short");
        std::memcpy(&header, s->file.data(), sizeof header);
        if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0)
            throw Error(path, "not a CosmoCLIP vector store segment");
        if (header.version != kVersion)
            throw Error(path, "vector store format version " + std::to_string(header.version) +
                                  " is not supported (expected " + std::to_string(kVersion) + ")");
        const size_t expected = sizeof header + info.rows * dim * sizeof(uint16_t);
        if (header.dim != dim || header.tag != info.tag || s->file.size() != expected)
            throw Error(path, "vector store segment does not match its index (damaged or from another build)");
        s->mapped = reinterpret_cast<const uint16_t*>(s->file.data() + sizeof header);
        store.m_rows += info.rows;
        store.m_segments.push_back(std::move(s));
    }
    return store;
}

void HalfVectorStore::removeUnreferenced(const std::string& prefix, const std::vector<SegmentInfo>& keep)
{
    const fs::path base(prefix);
    const fs::path folder = base.parent_path().empty() ? fs::path(".") : base.parent_path();
    const std::string stem = base.filename().string() + ".f16-";
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() != stem.size() + 16 || name.compare(0, stem.size(), stem) != 0)
            continue;  // also skips the writers' temporary files (longer names)
        const bool kept = std::any_of(keep.begin(), keep.end(), [&](const SegmentInfo& s) {
            return name.compare(stem.size(), 16, hex16(s.tag)) == 0;
        });
        if (!kept) {
            std::error_code ignored;
            fs::remove(it->path(), ignored);
        }
    }
}

}  // namespace cosmoclip
