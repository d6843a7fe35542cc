#include "catalog/catalog.h"

#include <chrono>
#include <filesystem>
#include <unordered_map>

#include "catalog/catalogschema.h"
#include "catalog/catalogsql.h"
#include "catalog/sqlitedatabase.h"
#include "catalog/sqlitestatement.h"
#include "catalog/sqlitetransaction.h"
#include "common/error.h"
#include "common/sha256.h"

namespace fs = std::filesystem;

namespace cosmoclip {
namespace {

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void bindImage(SqliteStatement& s, const ImageRecord& r) {
    s.bind(1, r.path);
    if (r.contentHash.empty()) s.bindNull(2); else s.bind(2, r.contentHash);
    s.bind(3, r.fileSize).bind(4, r.mtimeNs).bind(5, r.format).bind(6, r.hdu);
    s.bind(7, r.width).bind(8, r.height).bind(9, r.planes).bind(10, r.bitpix);
    s.bind(11, r.object).bind(12, r.telescope).bind(13, r.instrument).bind(14, r.filter).bind(15, r.dateObs);
    s.bind(16, r.exptime).bind(17, r.ra).bind(18, r.dec);
    s.bind(19, imageStatusName(r.status));
    if (r.error.empty()) s.bindNull(20); else s.bind(20, r.error);
    s.bind(21, r.indexedAt).bind(22, r.credit);
}

ImageRecord readImage(const SqliteStatement& s) {
    ImageRecord r;
    r.id = s.int64(0);
    r.path = s.text(1);
    r.contentHash = s.text(2);
    r.fileSize = s.int64(3);
    r.mtimeNs = s.int64(4);
    r.format = s.text(5);
    r.hdu = s.text(6);
    r.width = static_cast<int>(s.int64(7));
    r.height = static_cast<int>(s.int64(8));
    r.planes = static_cast<int>(s.int64(9));
    r.bitpix = static_cast<int>(s.int64(10));
    r.object = s.optionalText(11);
    r.telescope = s.optionalText(12);
    r.instrument = s.optionalText(13);
    r.filter = s.optionalText(14);
    r.dateObs = s.optionalText(15);
    r.exptime = s.optionalReal(16);
    r.ra = s.optionalReal(17);
    r.dec = s.optionalReal(18);
    r.status = parseImageStatus(s.text(19));
    r.error = s.text(20);
    r.indexedAt = s.int64(21);
    r.credit = s.optionalText(22);
    return r;
}

ModelRecord readModel(const SqliteStatement& s) {
    ModelRecord m;
    m.id = s.int64(0);
    m.identity = s.text(1);
    m.name = s.text(2);
    m.path = s.text(3);
    m.weightsSize = s.int64(4);
    m.weightsMtimeNs = s.int64(5);
    m.configHash = s.text(6);
    m.embedDim = static_cast<int>(s.int64(7));
    m.imageSize = static_cast<int>(s.int64(8));
    m.addedAt = s.int64(9);
    return m;
}

int64_t mtimeNs(const fs::path& path) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(fs::last_write_time(path).time_since_epoch()).count();
}

/// Rows of (image id, float32 blob) as one matrix; every blob must have the same size.
EmbeddingMatrix readEmbeddingRows(SqliteStatement& s, const std::string& path) {
    EmbeddingMatrix out;
    while (s.step()) {
        size_t bytes = 0;
        const void* blob = s.blob(1, &bytes);
        const int dim = static_cast<int>(bytes / sizeof(float));
        if (out.dim == 0) out.dim = dim;
        if (dim != out.dim) {
            const int64_t id = s.int64(0);
            s.reset();
            throw Error(path, "embedding of image " + std::to_string(id) + " has a different size");
        }
        out.imageIds.push_back(s.int64(0));
        const auto* values = static_cast<const float*>(blob);
        out.vectors.insert(out.vectors.end(), values, values + dim);
    }
    s.reset();
    return out;
}

}  // namespace

const char* imageStatusName(ImageStatus status) {
    switch (status) {
    case ImageStatus::Pending: return "pending";
    case ImageStatus::Ok: return "ok";
    case ImageStatus::Failed: return "failed";
    case ImageStatus::Removed: return "removed";
    }
    return "pending";
}

ImageStatus parseImageStatus(const std::string& name) {
    if (name == "ok") return ImageStatus::Ok;
    if (name == "failed") return ImageStatus::Failed;
    if (name == "removed") return ImageStatus::Removed;
    return ImageStatus::Pending;
}

struct Catalog::Impl {
    SqliteDatabase db;
    int version = 0;
    // Prepared once per connection: indexing runs the same few statements thousands of times.
    std::unordered_map<const char*, SqliteStatement> statements;

    Impl(const std::string& path, SqliteDatabase::Mode mode) : db(path, mode) {}

    SqliteStatement& statement(const char* sql) {
        auto it = statements.find(sql);
        if (it == statements.end()) it = statements.emplace(sql, db.prepare(sql)).first;
        it->second.reset();
        return it->second;
    }

    template <typename Read>
    auto collect(SqliteStatement& s, Read read) {
        std::vector<decltype(read(s))> out;
        while (s.step()) out.push_back(read(s));
        s.reset();
        return out;
    }
};

Catalog::Catalog(const std::string& path, Mode mode, int targetVersion) {
    const bool readOnly = mode == Mode::ReadOnly;
    if (readOnly && !fs::exists(path)) throw Error(path, "no such catalog");
    m_impl = std::make_unique<Impl>(path, readOnly ? SqliteDatabase::Mode::ReadOnly : SqliteDatabase::Mode::ReadWrite);
    m_impl->version = readOnly ? checkSchema(m_impl->db) : migrateSchema(m_impl->db, targetVersion);
}

Catalog::~Catalog() = default;
Catalog::Catalog(Catalog&&) noexcept = default;
Catalog& Catalog::operator=(Catalog&&) noexcept = default;

const std::string& Catalog::path() const { return m_impl->db.path(); }
int Catalog::schemaVersion() const { return m_impl->version; }
SqliteDatabase& Catalog::database() { return m_impl->db; }

std::string Catalog::normalizePath(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(fs::path(path), ec);
    if (ec) absolute = fs::path(path);
    return absolute.lexically_normal().string();
}

std::optional<ImageRecord> Catalog::imageByPath(const std::string& path) {
    auto& s = m_impl->statement(sql::kImageByPath);
    s.bind(1, path);
    std::optional<ImageRecord> out;
    if (s.step()) out = readImage(s);
    s.reset();
    return out;
}

std::optional<ImageRecord> Catalog::imageById(int64_t id) {
    auto& s = m_impl->statement(sql::kImageById);
    s.bind(1, id);
    std::optional<ImageRecord> out;
    if (s.step()) out = readImage(s);
    s.reset();
    return out;
}

std::vector<ImageRecord> Catalog::imagesByHash(const std::string& contentHash) {
    auto& s = m_impl->statement(sql::kImagesByHash);
    s.bind(1, contentHash);
    return m_impl->collect(s, readImage);
}

std::vector<ImageRecord> Catalog::imagesUnder(const std::string& folder) {
    std::string prefix = folder;
    if (prefix.empty() || prefix.back() != '/') prefix += '/';
    auto& s = m_impl->statement(sql::kImagesUnderFolder);
    s.bind(1, folder).bind(2, prefix);
    return m_impl->collect(s, readImage);
}

std::vector<ImageRecord> Catalog::allImages() {
    auto& s = m_impl->statement(sql::kAllImages);
    return m_impl->collect(s, readImage);
}

int64_t Catalog::countImages(ImageStatus status) {
    auto& s = m_impl->statement(sql::kCountImagesByStatus);
    s.bind(1, imageStatusName(status));
    s.step();
    const int64_t n = s.int64(0);
    s.reset();
    return n;
}

int64_t Catalog::insertImage(const ImageRecord& image) {
    auto& s = m_impl->statement(sql::kInsertImage);
    bindImage(s, image);
    s.run();
    return m_impl->db.lastInsertId();
}

void Catalog::updateImage(const ImageRecord& image) {
    auto& s = m_impl->statement(sql::kUpdateImage);
    bindImage(s, image);
    s.bind(23, image.id);
    s.run();
}

void Catalog::markRemoved(int64_t imageId) {
    m_impl->statement(sql::kMarkImageRemoved).bind(1, imageId).bind(2, nowSeconds()).run();
}

ModelRecord Catalog::ensureModel(const std::string& modelPath, const std::string& weightsPath,
                                 const std::string& configHash, int embedDim, int imageSize) {
    std::error_code ec;
    const int64_t size = static_cast<int64_t>(fs::file_size(weightsPath, ec));
    if (ec) throw Error(weightsPath, "cannot read the model weights: " + ec.message());
    const int64_t mtime = mtimeNs(weightsPath);
    const std::string path = normalizePath(modelPath);
    // The weights hash is the identity; hashing 600 MB each run would be slow, so a row whose file
    // still has the recorded size and mtime is trusted.
    auto& byPath = m_impl->statement(sql::kModelByPath);
    byPath.bind(1, path);
    for (const ModelRecord& m : m_impl->collect(byPath, readModel)) {
        if (m.weightsSize == size && m.weightsMtimeNs == mtime && m.configHash == configHash) return m;
    }
    ModelRecord record;
    record.identity = Sha256::fileHex(weightsPath) + ":" + configHash.substr(0, 16);
    record.name = fs::path(path).filename().string();
    record.path = path;
    record.weightsSize = size;
    record.weightsMtimeNs = mtime;
    record.configHash = configHash;
    record.embedDim = embedDim;
    record.imageSize = imageSize;
    record.addedAt = nowSeconds();
    auto& byIdentity = m_impl->statement(sql::kModelByIdentity);
    byIdentity.bind(1, record.identity);
    std::optional<ModelRecord> known;
    if (byIdentity.step()) known = readModel(byIdentity);
    byIdentity.reset();
    if (known) {
        // Same weights moved or touched: keep the id (and its embeddings), update where they live.
        m_impl->statement(sql::kUpdateModelFile).bind(1, known->id).bind(2, record.name).bind(3, path)
            .bind(4, size).bind(5, mtime).run();
        record.id = known->id;
        record.addedAt = known->addedAt;
        return record;
    }
    auto& insert = m_impl->statement(sql::kInsertModel);
    insert.bind(1, record.identity).bind(2, record.name).bind(3, record.path).bind(4, size).bind(5, mtime)
        .bind(6, configHash).bind(7, embedDim).bind(8, imageSize).bind(9, record.addedAt);
    insert.run();
    record.id = m_impl->db.lastInsertId();
    return record;
}

std::vector<ModelRecord> Catalog::models() {
    auto& s = m_impl->statement(sql::kAllModels);
    return m_impl->collect(s, readModel);
}

std::optional<ModelRecord> Catalog::modelByIdentity(const std::string& identity) {
    auto& s = m_impl->statement(sql::kModelByIdentity);
    s.bind(1, identity);
    auto found = m_impl->collect(s, readModel);
    if (found.empty()) return std::nullopt;
    return found.front();
}

ModelRecord Catalog::adoptModel(const ModelRecord& other) {
    if (auto known = modelByIdentity(other.identity)) return *known;
    ModelRecord record = other;
    auto& insert = m_impl->statement(sql::kInsertModel);
    insert.bind(1, record.identity).bind(2, record.name).bind(3, record.path).bind(4, record.weightsSize)
        .bind(5, record.weightsMtimeNs).bind(6, record.configHash).bind(7, record.embedDim).bind(8, record.imageSize)
        .bind(9, record.addedAt);
    insert.run();
    record.id = m_impl->db.lastInsertId();
    return record;
}

void Catalog::putEmbedding(int64_t imageId, int64_t modelId, const float* vector, int dim) {
    m_impl->statement(sql::kPutEmbedding).bind(1, imageId).bind(2, modelId)
        .bindBlob(3, vector, static_cast<size_t>(dim) * sizeof(float)).run();
}

bool Catalog::hasEmbedding(int64_t imageId, int64_t modelId) {
    auto& s = m_impl->statement(sql::kHasEmbedding);
    s.bind(1, imageId).bind(2, modelId);
    const bool found = s.step();
    s.reset();
    return found;
}

std::vector<float> Catalog::embedding(int64_t imageId, int64_t modelId) {
    auto& s = m_impl->statement(sql::kEmbedding);
    s.bind(1, imageId).bind(2, modelId);
    std::vector<float> out;
    if (s.step()) out = s.floats(0);
    s.reset();
    return out;
}

EmbeddingMatrix Catalog::embeddings(int64_t modelId) {
    auto& s = m_impl->statement(sql::kEmbeddingsOfModel);
    s.bind(1, modelId);
    return readEmbeddingRows(s, path());
}

std::vector<std::pair<int64_t, int64_t>> Catalog::embeddingStamps(int64_t modelId) {
    auto& s = m_impl->statement(sql::kEmbeddingStampsOfModel);
    s.bind(1, modelId);
    return m_impl->collect(s, [](const SqliteStatement& r) { return std::make_pair(r.int64(0), r.int64(1)); });
}

EmbeddingMatrix Catalog::embeddingsAfter(int64_t modelId, int64_t afterImageId, size_t limit) {
    auto& s = m_impl->statement(sql::kEmbeddingsOfModelAfter);
    s.bind(1, modelId).bind(2, afterImageId).bind(3, static_cast<int64_t>(std::min<size_t>(limit, INT64_MAX)));
    return readEmbeddingRows(s, path());
}

void Catalog::addCaption(int64_t imageId, const std::string& text, const std::string& source, const std::string& model) {
    auto& s = m_impl->statement(sql::kInsertCaption);
    s.bind(1, imageId).bind(2, text).bind(3, source);
    if (model.empty()) s.bindNull(4); else s.bind(4, model);
    s.bind(5, nowSeconds());
    s.run();
}

void Catalog::replaceCaptions(int64_t imageId, const std::string& source, const std::vector<std::string>& texts) {
    m_impl->statement(sql::kDeleteCaptionsBySource).bind(1, imageId).bind(2, source).run();
    for (const auto& text : texts) addCaption(imageId, text, source);
}

std::vector<CaptionRecord> Catalog::captions(int64_t imageId) {
    auto& s = m_impl->statement(sql::kCaptionsOfImage);
    s.bind(1, imageId);
    return m_impl->collect(s, [](const SqliteStatement& r) { return CaptionRecord{r.text(0), r.text(1), r.text(2)}; });
}

void Catalog::replaceLabels(int64_t imageId, const std::string& source, std::optional<int64_t> modelId,
                            const std::vector<LabelProbability>& labels) {
    auto& del = m_impl->statement(sql::kDeleteLabelsBySourceAndModel);
    del.bind(1, imageId).bind(2, source).bind(3, modelId);
    del.run();
    const int64_t now = nowSeconds();
    for (const auto& l : labels) {
        m_impl->statement(sql::kInsertLabel).bind(1, imageId).bind(2, l.label).bind(3, source)
            .bind(4, l.probability).bind(5, modelId).bind(6, now).run();
    }
}

std::vector<LabelRecord> Catalog::labels(int64_t imageId) {
    auto& s = m_impl->statement(sql::kLabelsOfImage);
    s.bind(1, imageId);
    return m_impl->collect(s, [](const SqliteStatement& r) {
        LabelRecord l{r.text(0), r.text(1), r.real(2), std::nullopt};
        if (!r.isNull(3)) l.modelId = r.int64(3);
        return l;
    });
}

std::vector<int64_t> Catalog::imageIdsWithLabel(const std::string& label) {
    auto& s = m_impl->statement(sql::kImageIdsWithLabel);
    s.bind(1, label);
    return m_impl->collect(s, [](const SqliteStatement& r) { return r.int64(0); });
}

std::vector<std::string> Catalog::pathsWithoutEmbedding(int64_t modelId) {
    auto& s = m_impl->statement(sql::kImagesWithoutEmbedding);
    s.bind(1, modelId);
    return m_impl->collect(s, [](const SqliteStatement& r) { return r.text(0); });
}

std::vector<std::pair<std::string, int64_t>> Catalog::groundTruthLabels() {
    auto& s = m_impl->statement(sql::kDistinctLabels);
    return m_impl->collect(s, [](const SqliteStatement& r) { return std::make_pair(r.text(0), r.int64(1)); });
}

int64_t Catalog::startRun(const std::string& baseModel, const std::string& outDir, const std::string& optionsJson) {
    m_impl->statement(sql::kInsertRun).bind(1, baseModel).bind(2, outDir).bind(3, optionsJson).bind(4, nowSeconds()).run();
    return m_impl->db.lastInsertId();
}

void Catalog::addRunMetric(int64_t runId, int epoch, int64_t step, const std::string& name, double value) {
    m_impl->statement(sql::kInsertRunMetric).bind(1, runId).bind(2, epoch).bind(3, step).bind(4, name).bind(5, value).run();
}

void Catalog::finishRun(int64_t runId, const std::string& status, const std::string& message, const std::string& bestJson) {
    m_impl->statement(sql::kFinishRun).bind(1, runId).bind(2, status).bind(3, message).bind(4, bestJson)
        .bind(5, nowSeconds()).run();
}

std::vector<RunRecord> Catalog::runs() {
    auto& s = m_impl->statement(sql::kAllRuns);
    return m_impl->collect(s, [](const SqliteStatement& r) {
        RunRecord run;
        run.id = r.int64(0);
        run.baseModel = r.text(1);
        run.outDir = r.text(2);
        run.options = r.text(3);
        run.status = r.text(4);
        run.message = r.text(5);
        run.best = r.text(6);
        run.startedAt = r.int64(7);
        if (!r.isNull(8)) run.finishedAt = r.int64(8);
        return run;
    });
}

std::vector<RunMetric> Catalog::runMetrics(int64_t runId) {
    auto& s = m_impl->statement(sql::kRunMetrics);
    s.bind(1, runId);
    return m_impl->collect(s, [](const SqliteStatement& r) {
        return RunMetric{static_cast<int>(r.int64(0)), r.int64(1), r.text(2), r.real(3)};
    });
}

}  // namespace cosmoclip
