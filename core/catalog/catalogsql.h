#pragma once

#include <span>

namespace cosmoclip::sql {

/// Every SQL statement of the catalog lives in catalogsql.cpp, so that the schema and the queries
/// against it can be read (and reviewed) in one place.

/// Forward migrations: kMigrations[i] takes a catalog from user_version i to i + 1.
std::span<const char* const> migrations();

// Connection setup.
extern const char* const kPragmasReadWrite;
extern const char* const kPragmasReadOnly;
extern const char* const kApplicationId;
extern const char* const kSetApplicationId;
extern const char* const kCountTables;

// images
extern const char* const kImageColumns;
extern const char* const kImageByPath;
extern const char* const kImageById;
extern const char* const kImagesByHash;
extern const char* const kImagesUnderFolder;
extern const char* const kInsertImage;
extern const char* const kUpdateImage;
extern const char* const kUpdateImagePath;
extern const char* const kMarkImageRemoved;
extern const char* const kMarkImageFailed;
extern const char* const kAllImages;
extern const char* const kCountImagesByStatus;

// models and embeddings
extern const char* const kModelByIdentity;
extern const char* const kModelByPath;
extern const char* const kInsertModel;
extern const char* const kUpdateModelFile;
extern const char* const kAllModels;
extern const char* const kPutEmbedding;
extern const char* const kHasEmbedding;
extern const char* const kEmbedding;
extern const char* const kEmbeddingsOfModel;
extern const char* const kEmbeddingStampsOfModel;
extern const char* const kEmbeddingsOfModelAfter;
extern const char* const kCountEmbeddingsOfModel;

// captions and labels
extern const char* const kInsertCaption;
extern const char* const kDeleteCaptionsBySource;
extern const char* const kCaptionsOfImage;
extern const char* const kInsertLabel;
extern const char* const kDeleteLabelsBySource;
extern const char* const kDeleteLabelsBySourceAndModel;
extern const char* const kLabelsOfImage;
extern const char* const kDistinctLabels;
extern const char* const kImageIdsWithLabel;
extern const char* const kImagesWithoutEmbedding;

// fine-tuning runs
extern const char* const kInsertRun;
extern const char* const kFinishRun;
extern const char* const kInsertRunMetric;
extern const char* const kAllRuns;
extern const char* const kRunMetrics;

}  // namespace cosmoclip::sql
