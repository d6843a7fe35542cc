#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalogrecords.h"
#include "catalog/filescanner.h"
#include "image/image.h"
#include "image/stretch.h"

namespace cosmoclip {

class Catalog;
class ClipEncoder;

struct IndexOptions {
    int decodeThreads = 0;   ///< image decoding + preprocessing workers; 0 = one per core beyond the first
    size_t batchSize = 32;   ///< images per model call and per committed transaction
    LoadOptions load;        ///< which HDU, size limits
    std::optional<StretchKind> stretch;  ///< default: the viewer's default for each image
    /// Only files for which this returns true are indexed; the others are left alone entirely (neither
    /// counted nor marked removed). Distributed indexing selects one shard's files with it.
    std::function<bool(const std::string& path)> select;
    /// Files another catalog already holds unchanged with this model's embedding: counted as unchanged
    /// and not read. A shard run skips what the main catalog has with it.
    std::function<bool(const std::string& path, int64_t size, int64_t mtimeNs)> indexedElsewhere;
};

struct IndexProgress {
    size_t done = 0;   ///< files finished (embedded, failed or found unchanged)
    size_t total = 0;  ///< files found by the scan
    std::string path;  ///< the last file finished
};

struct IndexReport {
    size_t added = 0;      ///< new files, and files an import named that are read for the first time
    size_t updated = 0;    ///< changed content, moved files, or embedded anew for this model
    size_t unchanged = 0;
    size_t removed = 0;
    std::vector<ScanFailure> failed;
    size_t total = 0;      ///< images in the catalog with status ok after the run
    bool cancelled = false;
};

/// Adds image files to a catalog and embeds them with one model, incrementally: files whose path, size
/// and mtime match the catalog and that have an embedding for this model are skipped; a new path
/// whose content hash matches a vanished file is that file moved (captions, labels and embeddings
/// kept); vanished files under the indexed folders are marked removed. Decoding runs on worker
/// threads while the model embeds the previous batch; each batch is committed in one transaction, so
/// a crash loses at most the batch in flight and the next run resumes. A file that cannot be read is
/// recorded with its error and skipped.
class Indexer final {
public:
    using ProgressCallback = std::function<void(const IndexProgress&)>;

    Indexer(Catalog& catalog, const ClipEncoder& encoder, const ModelRecord& model, IndexOptions options = {});

    /// The catalog's record for the model at `modelPath` loaded in `encoder` (added when new).
    static ModelRecord registerModel(Catalog& catalog, const std::string& modelPath, const ClipEncoder& encoder);

    IndexReport run(const std::vector<std::string>& roots, const ProgressCallback& onProgress = {},
                    const std::atomic<bool>* cancel = nullptr);

private:
    Catalog& m_catalog;
    const ClipEncoder& m_encoder;
    ModelRecord m_model;
    IndexOptions m_options;
};

}  // namespace cosmoclip
