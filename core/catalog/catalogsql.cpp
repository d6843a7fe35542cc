#include "catalog/catalogsql.h"

namespace cosmoclip::sql {
namespace {

// Version 1: images with their file identity and FITS header keys, captions, labels, models and
// their embeddings. Embeddings are keyed by (image, model), so vectors of different models never mix.
constexpr const char* kSchemaV1 = R"SQL(
CREATE TABLE images (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  content_hash TEXT,
  file_size INTEGER NOT NULL DEFAULT -1,
  mtime_ns INTEGER NOT NULL DEFAULT -1,
  format TEXT,
  hdu TEXT,
  width INTEGER,
  height INTEGER,
  planes INTEGER,
  bitpix INTEGER,
  object TEXT,
  telescope TEXT,
  instrument TEXT,
  filter TEXT,
  date_obs TEXT,
  exptime REAL,
  ra REAL,
  dec REAL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ok', 'failed', 'removed')),
  error TEXT,
  indexed_at INTEGER
);
CREATE INDEX images_by_hash ON images(content_hash);
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  identity TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  weights_size INTEGER NOT NULL,
  weights_mtime_ns INTEGER NOT NULL,
  config_hash TEXT NOT NULL,
  embed_dim INTEGER NOT NULL CHECK (embed_dim > 0),
  image_size INTEGER NOT NULL,
  added_at INTEGER NOT NULL
);
CREATE TABLE embeddings (
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  vector BLOB NOT NULL,
  PRIMARY KEY (image_id, model_id)
);
CREATE INDEX embeddings_by_model ON embeddings(model_id);
CREATE TABLE captions (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('user', 'import', 'template', 'generated')),
  model TEXT,
  added_at INTEGER NOT NULL
);
CREATE INDEX captions_by_image ON captions(image_id);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('user', 'import', 'zero-shot')),
  probability REAL NOT NULL DEFAULT 1.0,
  model_id INTEGER REFERENCES models(id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL
);
CREATE INDEX labels_by_image ON labels(image_id);
CREATE INDEX labels_by_label ON labels(label);
)SQL";

// Version 2: fine-tuning runs and their per-epoch metrics; image credits (the demo catalog's
// photographers and observatories, shown in the app).
constexpr const char* kSchemaV2 = R"SQL(
ALTER TABLE images ADD COLUMN credit TEXT;
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  base_model TEXT NOT NULL,
  out_dir TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'failed')),
  message TEXT,
  best TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE run_metrics (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  step INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (run_id, epoch, step, name)
);
)SQL";

constexpr const char* kMigrationList[] = {kSchemaV1, kSchemaV2};

}  // namespace

std::span<const char* const> migrations() { return kMigrationList; }

// WAL: the GUI reads while an indexing job writes. synchronous=NORMAL is durable across application
// crashes (kill -9) in WAL mode; only a power cut can lose the last commits, never consistency.
const char* const kPragmasReadWrite =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
const char* const kPragmasReadOnly = "PRAGMA foreign_keys = ON;";
// 'CCLP': marks a file as a CosmoCLIP catalog, so that opening another program's database fails clearly.
const char* const kApplicationId = "PRAGMA application_id";
const char* const kSetApplicationId = "PRAGMA application_id = 1128483920";
const char* const kCountTables = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";

#define COSMOCLIP_IMAGE_COLUMNS                                                                        \
    "id, path, content_hash, file_size, mtime_ns, format, hdu, width, height, planes, bitpix, object, " \
    "telescope, instrument, filter, date_obs, exptime, ra, dec, status, error, indexed_at, credit"

const char* const kImageColumns = COSMOCLIP_IMAGE_COLUMNS;
const char* const kImageByPath = "SELECT " COSMOCLIP_IMAGE_COLUMNS " FROM images WHERE path = ?1";
const char* const kImageById = "SELECT " COSMOCLIP_IMAGE_COLUMNS " FROM images WHERE id = ?1";
const char* const kImagesByHash = "SELECT " COSMOCLIP_IMAGE_COLUMNS " FROM images WHERE content_hash = ?1 ORDER BY id";
// Folder prefix match on the path; ?2 is the prefix + "/" escaped for GLOB-free comparison.
const char* const kImagesUnderFolder =
    "SELECT " COSMOCLIP_IMAGE_COLUMNS " FROM images WHERE path = ?1 OR substr(path, 1, length(?2)) = ?2 ORDER BY path";
const char* const kInsertImage =
    "INSERT INTO images (path, content_hash, file_size, mtime_ns, format, hdu, width, height, planes, bitpix, "
    "object, telescope, instrument, filter, date_obs, exptime, ra, dec, status, error, indexed_at, credit) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";
const char* const kUpdateImage =
    "UPDATE images SET path = ?1, content_hash = ?2, file_size = ?3, mtime_ns = ?4, format = ?5, hdu = ?6, "
    "width = ?7, height = ?8, planes = ?9, bitpix = ?10, object = ?11, telescope = ?12, instrument = ?13, "
    "filter = ?14, date_obs = ?15, exptime = ?16, ra = ?17, dec = ?18, status = ?19, error = ?20, "
    "indexed_at = ?21, credit = ?22 WHERE id = ?23";
const char* const kUpdateImagePath = "UPDATE images SET path = ?1 WHERE id = ?2";
const char* const kMarkImageRemoved = "UPDATE images SET status = 'removed', indexed_at = ?2 WHERE id = ?1";
const char* const kMarkImageFailed = "UPDATE images SET status = 'failed', error = ?2, indexed_at = ?3 WHERE id = ?1";
const char* const kAllImages = "SELECT " COSMOCLIP_IMAGE_COLUMNS " FROM images ORDER BY path";
const char* const kCountImagesByStatus = "SELECT count(*) FROM images WHERE status = ?1";

#undef COSMOCLIP_IMAGE_COLUMNS

#define COSMOCLIP_MODEL_COLUMNS \
    "id, identity, name, path, weights_size, weights_mtime_ns, config_hash, embed_dim, image_size, added_at"
const char* const kModelByIdentity = "SELECT " COSMOCLIP_MODEL_COLUMNS " FROM models WHERE identity = ?1";
const char* const kModelByPath = "SELECT " COSMOCLIP_MODEL_COLUMNS " FROM models WHERE path = ?1 ORDER BY id DESC";
const char* const kInsertModel =
    "INSERT INTO models (identity, name, path, weights_size, weights_mtime_ns, config_hash, embed_dim, "
    "image_size, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const char* const kUpdateModelFile =
    "UPDATE models SET name = ?2, path = ?3, weights_size = ?4, weights_mtime_ns = ?5 WHERE id = ?1";
const char* const kAllModels = "SELECT " COSMOCLIP_MODEL_COLUMNS " FROM models ORDER BY id";
#undef COSMOCLIP_MODEL_COLUMNS

const char* const kPutEmbedding =
    "INSERT INTO embeddings (image_id, model_id, vector) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (image_id, model_id) DO UPDATE SET vector = excluded.vector";
const char* const kHasEmbedding = "SELECT 1 FROM embeddings WHERE image_id = ?1 AND model_id = ?2";
const char* const kEmbedding = "SELECT vector FROM embeddings WHERE image_id = ?1 AND model_id = ?2";
// Only images still present take part in search and training.
const char* const kEmbeddingsOfModel =
    "SELECT e.image_id, e.vector FROM embeddings e JOIN images i ON i.id = e.image_id "
    "WHERE e.model_id = ?1 AND i.status = 'ok' ORDER BY e.image_id";
const char* const kEmbeddingStampsOfModel =
    "SELECT e.image_id, i.indexed_at FROM embeddings e JOIN images i ON i.id = e.image_id "
    "WHERE e.model_id = ?1 AND i.status = 'ok' ORDER BY e.image_id";
const char* const kEmbeddingsOfModelAfter =
    "SELECT e.image_id, e.vector FROM embeddings e JOIN images i ON i.id = e.image_id "
    "WHERE e.model_id = ?1 AND i.status = 'ok' AND e.image_id > ?2 ORDER BY e.image_id LIMIT ?3";
const char* const kCountEmbeddingsOfModel = "SELECT count(*) FROM embeddings WHERE model_id = ?1";

const char* const kInsertCaption =
    "INSERT INTO captions (image_id, text, source, model, added_at) VALUES (?1, ?2, ?3, ?4, ?5)";
const char* const kDeleteCaptionsBySource = "DELETE FROM captions WHERE image_id = ?1 AND source = ?2";
// Best caption first: the user's own words, then imported, generated, and template captions last.
const char* const kCaptionsOfImage =
    "SELECT text, source, model FROM captions WHERE image_id = ?1 ORDER BY "
    "CASE source WHEN 'user' THEN 0 WHEN 'import' THEN 1 WHEN 'generated' THEN 2 ELSE 3 END, id";
const char* const kInsertLabel =
    "INSERT INTO labels (image_id, label, source, probability, model_id, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
const char* const kDeleteLabelsBySource = "DELETE FROM labels WHERE image_id = ?1 AND source = ?2";
const char* const kDeleteLabelsBySourceAndModel =
    "DELETE FROM labels WHERE image_id = ?1 AND source = ?2 AND model_id IS ?3";
// Ground truth first (user, then imported), then zero-shot results by probability.
const char* const kLabelsOfImage =
    "SELECT label, source, probability, model_id FROM labels WHERE image_id = ?1 ORDER BY "
    "CASE source WHEN 'user' THEN 0 WHEN 'import' THEN 1 ELSE 2 END, probability DESC, id";
const char* const kDistinctLabels =
    "SELECT label, count(DISTINCT image_id) FROM labels WHERE source IN ('user', 'import') GROUP BY label ORDER BY label";

const char* const kImageIdsWithLabel = "SELECT DISTINCT image_id FROM labels WHERE label = ?1 ORDER BY image_id";
// Images to embed when a catalog meets a new model: known, readable, without a vector of this model.
const char* const kImagesWithoutEmbedding =
    "SELECT path FROM images i WHERE status IN ('ok', 'pending') AND NOT EXISTS "
    "(SELECT 1 FROM embeddings e WHERE e.image_id = i.id AND e.model_id = ?1) ORDER BY path";

const char* const kInsertRun =
    "INSERT INTO runs (base_model, out_dir, options, status, started_at) VALUES (?1, ?2, ?3, 'running', ?4)";
const char* const kFinishRun = "UPDATE runs SET status = ?2, message = ?3, best = ?4, finished_at = ?5 WHERE id = ?1";
const char* const kInsertRunMetric =
    "INSERT INTO run_metrics (run_id, epoch, step, name, value) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (run_id, epoch, step, name) DO UPDATE SET value = excluded.value";
const char* const kAllRuns =
    "SELECT id, base_model, out_dir, options, status, message, best, started_at, finished_at FROM runs ORDER BY id";
const char* const kRunMetrics =
    "SELECT epoch, step, name, value FROM run_metrics WHERE run_id = ?1 ORDER BY epoch, step, name";

}  // namespace cosmoclip::sql
