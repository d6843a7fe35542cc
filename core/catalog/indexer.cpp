#include "catalog/indexer.h"

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "catalog/catalog.h"
#include "catalog/headerkeys.h"
#include "catalog/sqlitetransaction.h"
#include "catalog/templatecaption.h"
#include "common/boundedqueue.h"
#include "common/sha256.h"
#include "image/clipinput.h"
#include "image/imageloader.h"
#include "model/clipencoder.h"
#include "retrieval/vectormath.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

struct FileStamp {
    int64_t size = -1;
    int64_t mtimeNs = -1;
};

std::optional<FileStamp> stampOf(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return std::nullopt;
    const auto time = fs::last_write_time(path, ec);
    if (ec) return std::nullopt;
    return FileStamp{static_cast<int64_t>(size),
                     std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count()};
}

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// A file that needs reading: new, changed, or lacking an embedding for this model.
struct WorkItem {
    std::string path;
    FileStamp stamp;
    std::optional<ImageRecord> existing;
};

/// What a decoding worker hands the model thread.
struct Prepared {
    ImageRecord record;
    std::vector<float> pixels;  ///< [3, R, R]; empty for failures and for moved files already embedded
    bool isNew = false;
    bool wasPending = false;  ///< known from an import but never read: counts as added
    bool moved = false;
};

/// Catalog entries whose files have vanished, by content hash: a new path with the same bytes is the
/// same image moved. Workers claim entries under a lock, so two copies cannot take one entry.
class VanishedFiles {
public:
    struct Entry {
        ImageRecord record;
        bool embedded = false;
    };
    void add(Entry entry) { m_byHash.emplace(entry.record.contentHash, std::move(entry)); }
    std::optional<Entry> claim(const std::string& hash) {
        std::lock_guard lock(m_mutex);
        auto it = m_byHash.find(hash);
        if (it == m_byHash.end()) return std::nullopt;
        Entry e = std::move(it->second);
        m_byHash.erase(it);
        return e;
    }

private:
    std::mutex m_mutex;
    std::unordered_multimap<std::string, Entry> m_byHash;
};

class IndexRun {
public:
    IndexRun(Catalog& catalog, const ClipEncoder& encoder, const ModelRecord& model, const IndexOptions& options,
             const Indexer::ProgressCallback& onProgress, const std::atomic<bool>* cancel)
        : m_catalog(catalog), m_encoder(encoder), m_model(model), m_options(options), m_onProgress(onProgress),
          m_cancel(cancel), m_preprocess(encoder.preprocess().toPreprocessConfig()) {}

    IndexReport run(const std::vector<std::string>& roots);

private:
    bool cancelled() const { return m_cancel && m_cancel->load(); }
    void plan(const ScanResult& scan);
    void collectVanished();
    Prepared prepare(const WorkItem& item);
    void pipeline();
    void commitBatch(std::vector<Prepared>& batch);
    void markRemoved(const ScanResult& scan);
    void progress(const std::string& path) {
        ++m_done;
        if (m_onProgress) m_onProgress({m_done, m_total, path});
    }

    Catalog& m_catalog;
    const ClipEncoder& m_encoder;
    ModelRecord m_model;
    IndexOptions m_options;
    const Indexer::ProgressCallback& m_onProgress;
    const std::atomic<bool>* m_cancel;
    PreprocessConfig m_preprocess;

    std::vector<WorkItem> m_work;
    VanishedFiles m_vanished;
    IndexReport m_report;
    size_t m_done = 0;
    size_t m_total = 0;
};

void IndexRun::plan(const ScanResult& scan) {
    for (const auto& path : scan.files) {
        const auto stamp = stampOf(path);
        if (!stamp) {
            m_report.failed.push_back({path, "cannot read the file's size and time"});
            continue;
        }
        if (m_options.indexedElsewhere && m_options.indexedElsewhere(path, stamp->size, stamp->mtimeNs)) {
            ++m_report.unchanged;
            progress(path);
            continue;
        }
        auto existing = m_catalog.imageByPath(path);
        const bool sameFile = existing && existing->fileSize == stamp->size && existing->mtimeNs == stamp->mtimeNs;
        if (sameFile && existing->status == ImageStatus::Failed) {
            // Still the same unreadable file: report it again without decoding it again.
            m_report.failed.push_back({path, existing->error});
            progress(path);
        } else if (sameFile && existing->status == ImageStatus::Ok && m_catalog.hasEmbedding(existing->id, m_model.id)) {
            ++m_report.unchanged;
            progress(path);
        } else {
            m_work.push_back({path, *stamp, std::move(existing)});
        }
    }
}

void IndexRun::collectVanished() {
    bool anyNew = false;
    for (const auto& w : m_work) anyNew = anyNew || !w.existing;
    if (!anyNew) return;
    for (auto& record : m_catalog.allImages()) {
        if (record.contentHash.empty() || record.status == ImageStatus::Failed) continue;
        std::error_code ec;
        if (record.status != ImageStatus::Removed && fs::exists(record.path, ec)) continue;
        const bool embedded = m_catalog.hasEmbedding(record.id, m_model.id);
        m_vanished.add({std::move(record), embedded});
    }
}

Prepared IndexRun::prepare(const WorkItem& item) {
    Prepared out;
    out.isNew = !item.existing;
    out.wasPending = item.existing && item.existing->status == ImageStatus::Pending;
    ImageRecord& r = out.record;
    if (item.existing) r = *item.existing;
    r.path = item.path;
    r.fileSize = item.stamp.size;
    r.mtimeNs = item.stamp.mtimeNs;
    r.indexedAt = nowSeconds();
    try {
        r.contentHash = Sha256::fileHex(item.path);
        if (out.isNew) {
            if (auto vanished = m_vanished.claim(r.contentHash)) {
                const std::string hash = r.contentHash;
                r = std::move(vanished->record);
                r.path = item.path;
                r.fileSize = item.stamp.size;
                r.mtimeNs = item.stamp.mtimeNs;
                r.indexedAt = nowSeconds();
                r.status = ImageStatus::Ok;
                out.isNew = false;
                out.moved = true;
                if (vanished->embedded) return out;  // same bytes, same model: the vector is still right
            }
        }
        LoadedImage loaded = loadImage(item.path, m_options.load);
        r.format = imageFormatName(loaded.format);
        r.hdu = loaded.selectedHdu >= 0 ? loaded.hdus[static_cast<size_t>(loaded.selectedHdu)].name : "";
        r.width = loaded.image.width;
        r.height = loaded.image.height;
        r.planes = loaded.image.planes;
        r.bitpix = loaded.image.bitpix;
        // Rasters have no header: keep what an import (e.g. the demo builder) stored about them.
        if (!loaded.header.empty()) fillHeaderKeys(r, loaded.header);
        out.pixels = clipInputFromImage(loaded.image, m_preprocess, m_options.stretch);
        r.status = ImageStatus::Ok;
        r.error.clear();
    } catch (const std::exception& e) {
        r.status = ImageStatus::Failed;
        r.error = e.what();
        out.pixels.clear();
        out.moved = false;
    }
    return out;
}

void IndexRun::commitBatch(std::vector<Prepared>& batch) {
    if (batch.empty()) return;
    // Embed first, outside the transaction: the write lock is held only for the quick inserts.
    std::vector<float> pixels;
    std::vector<Prepared*> toEmbed;
    for (auto& p : batch) {
        if (p.pixels.empty()) continue;
        pixels.insert(pixels.end(), p.pixels.begin(), p.pixels.end());
        toEmbed.push_back(&p);
    }
    std::vector<float> vectors = m_encoder.encodeImages(pixels.data(), toEmbed.size());
    const int dim = m_model.embedDim;
    // Stored normalised: search, zero-shot and evaluation all use cosine similarity.
    l2NormalizeRows(vectors.data(), toEmbed.size(), static_cast<size_t>(dim));

    SqliteTransaction transaction(m_catalog.database());
    size_t embedded = 0;
    for (auto& p : batch) {
        ImageRecord& r = p.record;
        if (p.isNew) r.id = m_catalog.insertImage(r); else m_catalog.updateImage(r);
        if (!p.pixels.empty()) {
            m_catalog.putEmbedding(r.id, m_model.id, vectors.data() + embedded * static_cast<size_t>(dim), dim);
            ++embedded;
        }
        if (r.status == ImageStatus::Ok && !p.moved) refreshTemplateCaption(m_catalog, r.id);
    }
    transaction.commit();

    for (auto& p : batch) {
        if (p.record.status == ImageStatus::Failed) m_report.failed.push_back({p.record.path, p.record.error});
        else if (p.isNew || p.wasPending) ++m_report.added;
        else ++m_report.updated;
        progress(p.record.path);
    }
    batch.clear();
}

void IndexRun::pipeline() {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const int threads = m_options.decodeThreads > 0 ? m_options.decodeThreads : static_cast<int>(std::max(1u, cores - 1));
    const size_t batchSize = std::max<size_t>(1, m_options.batchSize);
    BoundedQueue<Prepared> queue(2 * batchSize);
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    // Workers stop at the next file once the queue is closed (cancel, or an error on this thread).
    struct Joiner {
        BoundedQueue<Prepared>& queue;
        std::vector<std::thread>& workers;
        ~Joiner() {
            queue.close();
            for (auto& t : workers) t.join();
        }
    } joiner{queue, workers};
    std::atomic<int> running{threads};
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (size_t i; (i = next.fetch_add(1)) < m_work.size() && !cancelled();) {
                if (!queue.push(prepare(m_work[i]))) break;
            }
            if (running.fetch_sub(1) == 1) queue.close();
        });
    }
    std::vector<Prepared> batch;
    while (auto item = queue.pop()) {
        if (cancelled()) break;
        batch.push_back(std::move(*item));
        if (batch.size() >= batchSize) commitBatch(batch);
    }
    if (!cancelled()) commitBatch(batch);
}

void IndexRun::markRemoved(const ScanResult& scan) {
    std::unordered_set<std::string> present(scan.files.begin(), scan.files.end());
    std::vector<int64_t> gone;
    for (const auto& folder : scan.folders) {
        for (const auto& r : m_catalog.imagesUnder(folder)) {
            std::error_code ec;
            if (r.status != ImageStatus::Removed && !present.count(r.path) && !fs::exists(r.path, ec)) gone.push_back(r.id);
        }
    }
    for (const auto& f : scan.failures) {
        const auto r = m_catalog.imageByPath(Catalog::normalizePath(f.path));
        if (r && r->status != ImageStatus::Removed) gone.push_back(r->id);
    }
    if (gone.empty()) return;
    SqliteTransaction transaction(m_catalog.database());
    for (int64_t id : gone) m_catalog.markRemoved(id);
    transaction.commit();
    m_report.removed = gone.size();
}

IndexReport IndexRun::run(const std::vector<std::string>& roots) {
    ScanResult scan = scanImageFiles(roots);
    if (m_options.select) std::erase_if(scan.files, [&](const std::string& p) { return !m_options.select(p); });
    m_total = scan.files.size();
    m_report.failed = scan.failures;
    plan(scan);
    collectVanished();
    pipeline();
    m_report.cancelled = cancelled();
    if (!m_report.cancelled) markRemoved(scan);
    m_report.total = static_cast<size_t>(m_catalog.countImages(ImageStatus::Ok));
    return m_report;
}

}  // namespace

Indexer::Indexer(Catalog& catalog, const ClipEncoder& encoder, const ModelRecord& model, IndexOptions options)
    : m_catalog(catalog), m_encoder(encoder), m_model(model), m_options(std::move(options)) {}

ModelRecord Indexer::registerModel(Catalog& catalog, const std::string& modelPath, const ClipEncoder& encoder) {
    const std::string weights = encoder.weightsPath().empty() ? modelPath : encoder.weightsPath();
    return catalog.ensureModel(modelPath, weights, encoder.configHash(), static_cast<int>(encoder.embedDim()),
                               static_cast<int>(encoder.imageSize()));
}

IndexReport Indexer::run(const std::vector<std::string>& roots, const ProgressCallback& onProgress,
                         const std::atomic<bool>* cancel) {
    IndexRun run(m_catalog, m_encoder, m_model, m_options, onProgress, cancel);
    return run.run(roots);
}

}  // namespace cosmoclip
