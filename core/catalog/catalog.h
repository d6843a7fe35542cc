#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalogrecords.h"

namespace cosmoclip {

class SqliteDatabase;

/// One CosmoCLIP catalog: a single SQLite file (WAL) holding images, captions, labels, models,
/// embeddings and fine-tuning runs. Opening migrates older schemas forward in one transaction.
/// One Catalog object per thread; several processes and threads may open the same file (readers
/// run while a writer commits). Every failure is a cosmoclip::Error naming the catalog file.
class Catalog final {
public:
    enum class Mode { ReadWrite, ReadOnly };
    static constexpr int kSchemaVersion = 2;

    /// ReadWrite creates the file when missing. `targetVersion` (tests only) stops migrating early.
    explicit Catalog(const std::string& path, Mode mode = Mode::ReadWrite, int targetVersion = kSchemaVersion);
    ~Catalog();
    Catalog(Catalog&&) noexcept;
    Catalog& operator=(Catalog&&) noexcept;

    const std::string& path() const;
    int schemaVersion() const;
    SqliteDatabase& database();

    // Images. Paths are stored absolute and lexically normal; callers pass them through normalizePath.
    static std::string normalizePath(const std::string& path);
    std::optional<ImageRecord> imageByPath(const std::string& path);
    std::optional<ImageRecord> imageById(int64_t id);
    std::vector<ImageRecord> imagesByHash(const std::string& contentHash);
    /// Images whose path is `folder` or lies below it (every status).
    std::vector<ImageRecord> imagesUnder(const std::string& folder);
    std::vector<ImageRecord> allImages();
    int64_t countImages(ImageStatus status);
    int64_t insertImage(const ImageRecord& image);
    void updateImage(const ImageRecord& image);
    void markRemoved(int64_t imageId);

    // Models and embeddings.
    /// The catalog's row for the model whose weights file is `weightsPath` (hashed only when its size
    /// or mtime changed since the last time), inserted when new.
    ModelRecord ensureModel(const std::string& modelPath, const std::string& weightsPath, const std::string& configHash,
                            int embedDim, int imageSize);
    std::vector<ModelRecord> models();
    std::optional<ModelRecord> modelByIdentity(const std::string& identity);
    /// This catalog's row for a model known from another catalog (a shard), matched by identity and
    /// inserted with the other catalog's description when new; the weights file need not be here.
    ModelRecord adoptModel(const ModelRecord& other);
    void putEmbedding(int64_t imageId, int64_t modelId, const float* vector, int dim);
    bool hasEmbedding(int64_t imageId, int64_t modelId);
    std::vector<float> embedding(int64_t imageId, int64_t modelId);
    /// Every embedding of `modelId` for images with status ok, by image id.
    EmbeddingMatrix embeddings(int64_t modelId);
    /// (image id, indexed_at) of those embeddings, by image id: what a persisted search index needs
    /// to tell which vectors it lacks, holds stale or should drop, without reading the vectors.
    std::vector<std::pair<int64_t, int64_t>> embeddingStamps(int64_t modelId);
    /// At most `limit` of those embeddings with image id > `afterImageId`, by image id: the vectors
    /// in chunks, for catalogs whose vectors do not fit in memory at once.
    EmbeddingMatrix embeddingsAfter(int64_t modelId, int64_t afterImageId, size_t limit);

    // Captions and labels.
    void addCaption(int64_t imageId, const std::string& text, const std::string& source, const std::string& model = {});
    void replaceCaptions(int64_t imageId, const std::string& source, const std::vector<std::string>& texts);
    std::vector<CaptionRecord> captions(int64_t imageId);
    void replaceLabels(int64_t imageId, const std::string& source, std::optional<int64_t> modelId,
                       const std::vector<LabelProbability>& labels);
    std::vector<LabelRecord> labels(int64_t imageId);
    /// Images carrying `label` from any source.
    std::vector<int64_t> imageIdsWithLabel(const std::string& label);
    /// Paths of images (ok or pending) that have no embedding of `modelId` yet.
    std::vector<std::string> pathsWithoutEmbedding(int64_t modelId);
    /// Ground-truth labels (user or import) with their image counts.
    std::vector<std::pair<std::string, int64_t>> groundTruthLabels();

    // Fine-tuning runs.
    int64_t startRun(const std::string& baseModel, const std::string& outDir, const std::string& optionsJson);
    void addRunMetric(int64_t runId, int epoch, int64_t step, const std::string& name, double value);
    void finishRun(int64_t runId, const std::string& status, const std::string& message, const std::string& bestJson);
    std::vector<RunRecord> runs();
    std::vector<RunMetric> runMetrics(int64_t runId);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cosmoclip
