#include "training/batchloader.h"

#include <algorithm>

#include "image/clippreprocess.h"
#include "training/imagecache.h"
#include "training/trainingrandom.h"

namespace cosmoclip {

BatchLoader::BatchLoader(ImageCache& cache, std::vector<size_t> order, const PreprocessConfig& config,
                         const AugmentOptions& augment, const BatchLoaderOptions& options)
    : m_cache(cache), m_order(std::move(order)), m_config(config), m_augment(augment), m_options(options) {
    m_options.batchSize = std::max<size_t>(1, m_options.batchSize);
    m_options.prefetch = std::max<size_t>(1, m_options.prefetch);
    m_batches = (m_order.size() + m_options.batchSize - 1) / m_options.batchSize;
    m_nextToBuild = m_nextToHand = std::min(m_options.firstBatch, m_batches);
    for (int i = 0; i < m_options.workers; ++i) m_threads.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    for (auto& t : m_threads) t.join();
}

LoadedBatch BatchLoader::build(size_t batch) const {
    LoadedBatch out;
    out.index = batch;
    size_t begin = batch * m_options.batchSize;
    size_t end = std::min(m_order.size(), begin + m_options.batchSize);
    if (m_options.shards > 1) {
        const size_t n = end - begin;
        end = begin + n * (m_options.shard + 1) / m_options.shards;
        begin += n * m_options.shard / m_options.shards;
    }
    const size_t perImage = 3 * static_cast<size_t>(m_config.size) * static_cast<size_t>(m_config.size);
    out.pixels.reserve((end - begin) * perImage);
    for (size_t i = begin; i < end; ++i) {
        const size_t example = m_order[i];
        std::string error;
        const auto image = m_cache.get(example, &error);
        if (!error.empty()) out.errors.push_back(error);
        if (!image) continue;
        out.examples.push_back(example);
        if (m_options.augment) {
            out.pixels.resize(out.pixels.size() + perImage);
            TrainingRandom random = TrainingRandom::forKey(m_options.seed, m_options.epoch, example);
            augmentedClipInput(*image, m_config, m_augment, random, out.pixels.data() + out.pixels.size() - perImage);
        } else {
            const std::vector<float> input = preprocessForClip(*image, m_config);
            out.pixels.insert(out.pixels.end(), input.begin(), input.end());
        }
    }
    return out;
}

void BatchLoader::work() {
    while (true) {
        size_t batch = 0;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] {
                return m_stop || m_nextToBuild >= m_batches || m_nextToBuild < m_nextToHand + m_options.prefetch;
            });
            if (m_stop || m_nextToBuild >= m_batches) return;
            batch = m_nextToBuild++;
        }
        std::exception_ptr failure;
        LoadedBatch built;
        try {
            built = build(batch);
        } catch (...) {  // handed to the consumer: nothing escapes a thread
            failure = std::current_exception();
        }
        {
            const std::lock_guard lock(m_mutex);
            if (failure) m_failed.emplace(batch, failure);
            else m_ready.emplace(batch, std::move(built));
        }
        m_changed.notify_all();
    }
}

std::optional<LoadedBatch> BatchLoader::next() {
    if (m_nextToHand >= m_batches) return std::nullopt;
    if (m_threads.empty()) return build(m_nextToHand++);
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_ready.count(m_nextToHand) || m_failed.count(m_nextToHand); });
    const size_t batch = m_nextToHand++;
    if (const auto failed = m_failed.find(batch); failed != m_failed.end()) std::rethrow_exception(failed->second);
    LoadedBatch out = std::move(m_ready.at(batch));
    m_ready.erase(batch);
    lock.unlock();
    m_changed.notify_all();
    return out;
}

}  // namespace cosmoclip
