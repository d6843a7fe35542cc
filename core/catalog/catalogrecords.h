#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cosmoclip {

/// Where an image row stands. `pending` rows are known (annotated) but not yet read by the indexer.
enum class ImageStatus { Pending, Ok, Failed, Removed };
const char* imageStatusName(ImageStatus status);
ImageStatus parseImageStatus(const std::string& name);

/// One catalog image: the file's identity (path, size, mtime, SHA-256 of the bytes), what the loader
/// found, and the FITS header keys astronomers filter by.
struct ImageRecord {
    int64_t id = 0;
    std::string path;  ///< absolute, lexically normal
    std::string contentHash;
    int64_t fileSize = -1;
    int64_t mtimeNs = -1;
    std::string format;  ///< "fits", "png", "jpeg", "tiff"
    std::string hdu;     ///< the HDU that was embedded (FITS), else empty
    int width = 0;
    int height = 0;
    int planes = 0;
    int bitpix = 0;
    std::optional<std::string> object, telescope, instrument, filter, dateObs;
    std::optional<double> exptime, ra, dec;
    ImageStatus status = ImageStatus::Pending;
    std::string error;
    int64_t indexedAt = 0;
    std::optional<std::string> credit;
};

struct ModelRecord {
    int64_t id = 0;
    std::string identity;  ///< SHA-256 of the weights file: the same weights are the same model anywhere
    std::string name;
    std::string path;
    int64_t weightsSize = 0;
    int64_t weightsMtimeNs = 0;
    std::string configHash;
    int embedDim = 0;
    int imageSize = 0;
    int64_t addedAt = 0;
};

struct CaptionRecord {
    std::string text;
    std::string source;  ///< user, import, template, generated
    std::string model;
};

struct LabelRecord {
    std::string label;
    std::string source;  ///< user, import, zero-shot
    double probability = 1.0;
    std::optional<int64_t> modelId;
};

struct LabelProbability {
    std::string label;
    double probability = 0.0;
};

struct RunRecord {
    int64_t id = 0;
    std::string baseModel, outDir, options, status, message, best;
    int64_t startedAt = 0;
    std::optional<int64_t> finishedAt;
};

struct RunMetric {
    int epoch = 0;
    int64_t step = 0;
    std::string name;
    double value = 0.0;
};

/// Embeddings of one model, in one contiguous row-major matrix for search.
struct EmbeddingMatrix {
    std::vector<int64_t> imageIds;
    std::vector<float> vectors;  ///< imageIds.size() * dim
    int dim = 0;
};

}  // namespace cosmoclip
