#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "image/clippreprocess.h"
#include "training/augmentation.h"

namespace cosmoclip {

class ImageCache;

/// One batch of CLIP inputs.
struct LoadedBatch {
    size_t index = 0;                 ///< batch number within the epoch
    std::vector<size_t> examples;     ///< example indices whose image decoded, in batch order
    std::vector<float> pixels;        ///< examples.size() x 3 x R x R
    std::vector<std::string> errors;  ///< "PATH: why" for files that failed to decode, each reported once
};

struct BatchLoaderOptions {
    size_t batchSize = 32;
    int workers = 2;      ///< background threads; 0 builds each batch in next()
    size_t prefetch = 4;  ///< batches built ahead of the consumer at most
    bool augment = true;  ///< false: plain CLIP preprocessing (resize, centre crop) of the cached image
    uint64_t seed = 0;
    uint64_t epoch = 0;
    size_t firstBatch = 0;  ///< start here (resuming inside an epoch)
    /// Data-parallel training: batch k is this rank's slice of the k-th batch of `order`, items
    /// [n * shard / shards, n * (shard + 1) / shards) of its n, so that the ranks' slices in rank
    /// order make up the single-process batch.
    size_t shard = 0;
    size_t shards = 1;
};

/// Cuts `order` (example indices) into consecutive batches and builds them in background threads:
/// decode through the cache (once per image), augment, normalise. Batches come out in order, at most
/// `prefetch` ahead of the consumer. Each sample's augmentation is drawn from
/// TrainingRandom::forKey(seed, epoch, example index), so the batches are the same whichever thread
/// builds them and wherever a run resumes. A file that fails to decode is left out of its batch
/// and reported in LoadedBatch::errors. The destructor stops and joins the workers.
class BatchLoader final {
public:
    BatchLoader(ImageCache& cache, std::vector<size_t> order, const PreprocessConfig& config,
                const AugmentOptions& augment, const BatchLoaderOptions& options);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    size_t batches() const { return m_batches; }
    /// The next batch, or nothing after the last. Rethrows an unexpected worker error.
    std::optional<LoadedBatch> next();

private:
    LoadedBatch build(size_t batch) const;
    void work();

    ImageCache& m_cache;
    std::vector<size_t> m_order;
    PreprocessConfig m_config;
    AugmentOptions m_augment;
    BatchLoaderOptions m_options;
    size_t m_batches = 0;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::map<size_t, LoadedBatch> m_ready;
    std::map<size_t, std::exception_ptr> m_failed;
    size_t m_nextToBuild = 0;
    size_t m_nextToHand = 0;
    bool m_stop = false;
    std::vector<std::thread> m_threads;
};

}  // namespace cosmoclip
