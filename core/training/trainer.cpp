#include "training/trainer.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <ATen/ATen.h>
#include <torch/cuda.h>

#include <nlohmann/json.hpp>

#include "common/atomicfile.h"
#include "common/error.h"
#include "model/clipmodel.h"
#include "model/clipmodelloader.h"
#include "tokenizer/bpetokenizer.h"
#include "training/batchloader.h"
#include "training/checkpointfolder.h"
#include "training/contrastiveloss.h"
#include "training/distributedgroup.h"
#include "training/distributedreducer.h"
#include "training/imagecache.h"
#include "training/lrschedule.h"
#include "training/trainingoptimizer.h"
#include "training/trainingrandom.h"
#include "training/trainingstate.h"
#include "training/trainingtensors.h"
#include "training/validation.h"

namespace fs = std::filesystem;

namespace cosmoclip {

namespace {

constexpr const char* kStateFile = "trainer_state.json";
constexpr const char* kOptimizerFile = "optimizer.safetensors";
constexpr const char* kMetricsFile = "training_metrics.json";

/// The training examples that have a text, with their captions and token ids.
struct TrainingSet {
    std::vector<TrainingExample> examples;
    std::vector<std::string> captions;
    std::vector<std::vector<int32_t>> tokens;
};

void writeJsonFile(const fs::path& path, const nlohmann::json& json) {
    const std::string text = json.dump(2) + "\n";
    writeFileAtomically(path.string(), text.data(), text.size());
}

PreprocessConfig trainingPreprocess(const LoadedClipModel& loaded) {
    try {
        return loaded.preprocess.toPreprocessConfig();
    } catch (const Error&) {  // a pipeline preprocessForClip cannot reproduce: train with OpenAI's
        return ClipPreprocessorConfig::forImageSize(loaded.config.vision.imageSize).toPreprocessConfig();
    }
}

std::string folderOf(const std::string& modelPath) {
    return fs::is_directory(modelPath) ? modelPath : fs::path(modelPath).parent_path().string();
}

/// A micro-batch of data-parallel training as all ranks see it after the all-gather: the decoded
/// examples of the single-process batch in order, and how many of them each rank holds.
struct GlobalBatch {
    std::vector<size_t> examples;
    std::vector<int64_t> rowsPerRank;
};

/// Backend failures (Gloo, NCCL, c10d) that the group can trace to a rank, not other LibTorch errors.
bool isCommunicationError(const std::string& message) {
    std::string lower = message.substr(0, message.find('\n'));
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* word : {"gloo", "nccl", "c10d", "connection", "timed out", "socket"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

void checkOptions(const TrainerOptions& o) {
    const auto bad = [](const std::string& what) { throw Error("fine-tuning", what); };
    if (o.epochs < 1) bad("epochs must be at least 1");
    if (o.batchSize < 2) bad("the batch size must be at least 2 (contrastive loss needs negatives)");
    if (o.accumulation < 1) bad("accumulation must be at least 1");
    if (!(o.lr >= 0.0) || !std::isfinite(o.lr)) bad("the learning rate must be a finite number >= 0");
    if (!(o.weightDecay >= 0.0)) bad("weight decay must be >= 0");
    if (o.warmupSteps < 0) bad("warmup steps must be >= 0");
    if (o.outDir.empty()) bad("no output folder");
    if (!(o.cacheScale >= 1.0)) bad("the cache scale must be at least 1");
    if (o.group && o.batchSize < o.group->size())
        bad("the batch size (" + std::to_string(o.batchSize) + ") must be at least the number of ranks (" +
            std::to_string(o.group->size()) + ")");
}

}  // namespace

std::string resolveTrainingDevice(const std::string& device) {
    if (device == "cpu") return device;
    if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
    if (device == "cuda" || device.rfind("cuda:", 0) == 0) {
        if (!torch::cuda::is_available())
            throw Error("--device " + device, "this LibTorch build or machine has no CUDA device (use cpu or auto)");
        try {
            const at::Device d(device);
            if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
                throw Error("--device " + device, "only " + std::to_string(torch::cuda::device_count()) +
                                                      " CUDA device(s) present");
        } catch (const c10::Error&) {
            throw Error("--device " + device, "not a device name (cpu, cuda, cuda:N or auto)");
        }
        return device;
    }
    throw Error("--device " + device, "unknown device; expected cpu, cuda, cuda:N or auto");
}

/// One call of Trainer::run: the model, data, optimizer and position of a run.
class TrainingRun final {
public:
    TrainingRun(const TrainerOptions& options, const TrainerCallbacks& callbacks, std::atomic<bool>* cancel)
        : m_options(options), m_callbacks(callbacks), m_cancel(cancel), m_group(options.group.get()) {}

    TrainingResult run(const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& val,
                       const std::string& basePath, LoadedClipModel& model);

private:
    void log(const std::string& message) const {
        if (m_callbacks.onLog) m_callbacks.onLog(message);
    }
    bool cancelled() const { return m_cancel && m_cancel->load(); }
    fs::path outDir() const { return fs::path(m_options.outDir); }
    /// Rank 0 of a data-parallel run, or a single process: validates, logs, writes checkpoints.
    bool isRoot() const { return !m_group || m_group->isRoot(); }

    void loadModel(const std::string& basePath);
    TrainingSet prepare(const std::vector<TrainingExample>& examples, const char* what) const;
    void checkResumable(const TrainingState& saved) const;
    void setUpTraining(const std::vector<TrainingExample>& val);
    void synchronizeRanks();
    void checkFinite(double loss, int epoch, size_t batch) const;
    bool trainEpoch(int epoch);
    double trainBatch(const LoadedBatch& batch, double scale, int epoch);
    void trainGroup(BatchLoader& loader, size_t groupEnd, double scale, int epoch, double& groupLoss,
                    size_t& groupSamples);
    bool trainGroupDistributed(BatchLoader& loader, size_t groupEnd, double scale, int epoch, double& groupLoss,
                               size_t& groupSamples);
    double trainShard(const LoadedBatch& local, const GlobalBatch& global, double scale, int epoch, bool sync);
    void awaitRoot(const std::string& phase);
    void finishEpoch(int epoch, double seconds, double lr);
    void saveTokenizer(const std::string& folder) const;
    void saveLast();
    void saveBest(const EpochMetrics& metrics);
    TrainingResult result(bool cancelled) const;

    TrainerOptions m_options;
    const TrainerCallbacks& m_callbacks;
    std::atomic<bool>* m_cancel;
    DistributedGroup* m_group;  // null: single process
    std::unique_ptr<DistributedReducer> m_reducer;

    at::Device m_device{at::kCPU};
    bool m_autocast = false;
    LoadedClipModel m_loaded;
    PreprocessConfig m_preprocess;
    std::string m_tokenizerDir;
    std::unique_ptr<BpeTokenizer> m_tokenizer;
    std::string m_resumeFolder;  // outDir/last (or .old) when resuming

    TrainingSet m_train;
    TrainingState m_state;
    std::unique_ptr<ImageCache> m_cache;
    std::unique_ptr<Validator> m_validator;
    std::unique_ptr<TrainingOptimizer> m_optimizer;
    LrSchedule m_schedule;
    size_t m_batchesPerEpoch = 0;
};

void TrainingRun::loadModel(const std::string& basePath) {
    if (m_options.resume && isRoot()) {  // other ranks get rank 0's state in synchronizeRanks()
        const std::string last = existingCheckpointFolder((outDir() / "last").string());
        if (!last.empty() && fs::is_regular_file(fs::path(last) / kStateFile)) m_resumeFolder = last;
        else log("nothing to resume in " + (outDir() / "last").string() + ": starting from " + basePath);
    }
    const std::string modelPath = m_resumeFolder.empty() ? basePath : m_resumeFolder;
    m_loaded = ClipModelLoader::load(modelPath);
    m_preprocess = trainingPreprocess(m_loaded);
    m_tokenizerDir = !m_resumeFolder.empty()          ? m_resumeFolder
                     : !m_options.tokenizerDir.empty() ? m_options.tokenizerDir
                                                       : folderOf(basePath);
    m_tokenizer = std::make_unique<BpeTokenizer>(BpeTokenizer::fromDirectory(m_tokenizerDir));
}

TrainingSet TrainingRun::prepare(const std::vector<TrainingExample>& examples, const char* what) const {
    TrainingSet set;
    const int context = static_cast<int>(m_loaded.config.text.contextLength);
    size_t textless = 0;
    for (const auto& e : examples) {
        std::string caption = captionFor(e, m_options.captionStyle);
        if (caption.empty()) {
            ++textless;
            continue;
        }
        set.tokens.push_back(m_tokenizer->encodeForContext(caption, context));
        set.captions.push_back(std::move(caption));
        set.examples.push_back(e);
    }
    if (textless)
        log(std::to_string(textless) + " " + what + " example(s) without caption or label left out");
    return set;
}

void TrainingRun::checkResumable(const TrainingState& saved) const {
    const std::string source = (fs::path(m_resumeFolder) / kStateFile).string();
    const auto differs = [&](const std::string& what) {
        throw Error(source, "the run was started with another " + what +
                                "; resume with the same settings or start a new output folder");
    };
    if (saved.seed != m_state.seed) differs("seed");
    if (saved.batchSize != m_state.batchSize) differs("batch size");
    if (saved.accumulation != m_state.accumulation) differs("gradient accumulation");
    if (saved.freeze != m_state.freeze) differs("freeze mode");
    if (saved.fingerprint != m_state.fingerprint) differs("training set");
    if (saved.epochs != m_state.epochs)
        log("epochs changed from " + std::to_string(saved.epochs) + " to " + std::to_string(m_state.epochs) +
            ": the learning-rate schedule changes with them");
}

void TrainingRun::setUpTraining(const std::vector<TrainingExample>& val) {
    m_state.seed = m_options.seed;
    m_state.batchSize = m_options.batchSize;
    m_state.accumulation = m_options.accumulation;
    m_state.epochs = m_options.epochs;
    m_state.freeze = m_options.freeze.name();
    m_state.fingerprint = trainingFingerprint(m_train.examples, m_options.captionStyle);
    if (!m_resumeFolder.empty()) {
        TrainingState saved = TrainingState::read((fs::path(m_resumeFolder) / kStateFile).string());
        checkResumable(saved);
        saved.epochs = m_options.epochs;
        m_state = std::move(saved);
        log("resuming from " + m_resumeFolder + " at epoch " + std::to_string(m_state.epoch + 1) + ", batch " +
            std::to_string(m_state.batch) + ", step " + std::to_string(m_state.step));
    }
    m_loaded.model->to(m_device);
    m_loaded.model->train();
    m_optimizer = std::make_unique<TrainingOptimizer>(*m_loaded.model, m_options.freeze, m_options.lr,
                                                      m_options.weightDecay);
    if (!m_resumeFolder.empty() && fs::is_regular_file(fs::path(m_resumeFolder) / kOptimizerFile))
        m_optimizer->load((fs::path(m_resumeFolder) / kOptimizerFile).string());
    log("training " + std::to_string(m_optimizer->trainableElements()) + " parameters (" +
        m_options.freeze.name() + ") on " + m_device.str() +
        (m_group ? ", rank " + std::to_string(m_group->rank()) + " of " + std::to_string(m_group->size()) + " (" +
                       m_group->backend() + ")"
                 : std::string()));

    const int cacheSide = static_cast<int>(std::lround(m_options.cacheScale * m_preprocess.size));
    m_cache = std::make_unique<ImageCache>(m_train.examples, cacheSide);
    if (!val.empty() && isRoot())
        m_validator = std::make_unique<Validator>(val, *m_tokenizer, m_options, m_preprocess,
                                                  m_loaded.config.text.contextLength, cacheSide);
    const auto batch = static_cast<size_t>(m_options.batchSize);
    const auto accumulation = static_cast<size_t>(m_options.accumulation);
    m_batchesPerEpoch = (m_train.examples.size() + batch - 1) / batch;
    const size_t stepsPerEpoch = (m_batchesPerEpoch + accumulation - 1) / accumulation;
    m_schedule = {m_options.lr, m_options.warmupSteps, static_cast<int64_t>(stepsPerEpoch) * m_options.epochs};
}

double TrainingRun::trainBatch(const LoadedBatch& batch, double scale, int epoch) {
    const auto n = static_cast<int64_t>(batch.examples.size());
    const int64_t r = m_preprocess.size;
    const at::Tensor pixels = at::from_blob(const_cast<float*>(batch.pixels.data()), {n, 3, r, r}, at::kFloat).to(m_device);
    const at::Tensor ids = tokenBatch(m_train.tokens, batch.examples).to(m_device);
    std::vector<std::string> captions;
    std::vector<std::string> labels;
    for (const size_t e : batch.examples) {
        captions.push_back(m_train.captions[e]);
        labels.push_back(m_options.labelPositives ? m_train.examples[e].label : std::string());
    }
    at::Tensor imageFeatures;
    at::Tensor textFeatures;
    {
        const AutocastScope scope(m_autocast);
        imageFeatures = m_loaded.model->encodeImage(pixels);
        textFeatures = m_loaded.model->encodeText(ids);
    }
    const at::Tensor loss =
        contrastiveLoss(imageFeatures, textFeatures, m_loaded.model->logit_scale, positivePairs(captions, labels));
    const double value = loss.item<double>();
    checkFinite(value, epoch, batch.index);
    (loss * scale).backward();
    return value;
}

void TrainingRun::checkFinite(double loss, int epoch, size_t batch) const {
    if (!std::isfinite(loss))
        throw Error("fine-tuning", std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite") +
                                       " at step " + std::to_string(m_state.step + 1) + " (epoch " +
                                       std::to_string(epoch + 1) + ", batch " + std::to_string(batch + 1) +
                                       "): training diverged; lower the learning rate");
}

void TrainingRun::synchronizeRanks() {
    // Every rank must cut the same batches from the same examples with the same settings.
    std::ostringstream setup;
    setup << m_state.fingerprint << " examples=" << m_train.examples.size() << " batch=" << m_options.batchSize
          << " accumulation=" << m_options.accumulation << " seed=" << m_options.seed << " epochs=" << m_options.epochs
          << " freeze=" << m_options.freeze.name() << " lr=" << m_options.lr << " wd=" << m_options.weightDecay
          << " warmup=" << m_options.warmupSteps << " clip=" << m_options.gradClip
          << " augment=" << m_options.augment.enabled << " caption=" << captionStyleName(m_options.captionStyle)
          << " labels=" << m_options.labelPositives;
    if (m_group->isRoot()) {
        m_group->publish("setup", setup.str());
    } else if (const std::string root = m_group->awaitRoot("setup"); root != setup.str()) {
        throw Error("rank " + std::to_string(m_group->rank()),
                    "another training set or other settings than rank 0 (rank 0: " + root + "; here: " + setup.str() +
                        "): start every rank with the same catalog and options");
    }
    // Rank 0's weights (its base model, or outDir/last when resuming), optimizer and position.
    for (auto& item : m_loaded.model->named_parameters(true)) m_group->broadcast(item.value());
    m_optimizer->synchronize(*m_group);
    at::Tensor position = at::tensor({static_cast<int64_t>(m_state.epoch), static_cast<int64_t>(m_state.batch),
                                      m_state.step, static_cast<int64_t>(m_state.epochSamples)},
                                     at::kLong);
    at::Tensor lossSum = at::tensor({m_state.epochLossSum}, at::kDouble);
    m_group->broadcast(position);
    m_group->broadcast(lossSum);
    m_state.epoch = static_cast<int>(position[0].item<int64_t>());
    m_state.batch = static_cast<size_t>(position[1].item<int64_t>());
    m_state.step = position[2].item<int64_t>();
    m_state.epochSamples = static_cast<size_t>(position[3].item<int64_t>());
    m_state.epochLossSum = lossSum[0].item<double>();
    m_reducer = std::make_unique<DistributedReducer>(*m_group, m_optimizer->trainable());
}

void TrainingRun::awaitRoot(const std::string& phase) {
    if (!m_group) return;
    if (m_group->isRoot()) m_group->publish(phase, "done");
    else m_group->awaitRoot(phase);
}

void TrainingRun::trainGroup(BatchLoader& loader, size_t groupEnd, double scale, int epoch, double& groupLoss,
                             size_t& groupSamples) {
    for (size_t b = m_state.batch; b < groupEnd; ++b) {
        const std::optional<LoadedBatch> batch = loader.next();
        for (const auto& error : batch->errors) log("skipped " + error);
        if (batch->examples.size() < 2) continue;  // no negatives: nothing to learn
        groupLoss += trainBatch(*batch, scale, epoch) * static_cast<double>(batch->examples.size());
        groupSamples += batch->examples.size();
    }
}

bool TrainingRun::trainGroupDistributed(BatchLoader& loader, size_t groupEnd, double scale, int epoch,
                                        double& groupLoss, size_t& groupSamples) {
    const int ranks = m_group->size();
    const auto micro = static_cast<int64_t>(groupEnd - m_state.batch);
    const int64_t maxLocal = (m_options.batchSize + ranks - 1) / ranks;
    std::vector<LoadedBatch> local;
    for (size_t b = m_state.batch; b < groupEnd; ++b) {
        local.push_back(*loader.next());
        for (const auto& error : local.back().errors) log("skipped " + error);
    }
    // One all-gather per optimizer step: each rank's cancel flag and, per micro-batch, how many of
    // its examples decoded and which, so that every rank knows the whole batch.
    const int64_t stride = 1 + maxLocal;
    at::Tensor mine = at::full({1, 1 + micro * stride}, -1, at::kLong);
    auto m = mine.accessor<int64_t, 2>();
    m[0][0] = cancelled() ? 1 : 0;
    for (int64_t k = 0; k < micro; ++k) {
        const auto& examples = local[static_cast<size_t>(k)].examples;
        m[0][1 + k * stride] = static_cast<int64_t>(examples.size());
        for (size_t i = 0; i < examples.size(); ++i)
            m[0][1 + k * stride + 1 + static_cast<int64_t>(i)] = static_cast<int64_t>(examples[i]);
    }
    const at::Tensor all = m_group->allGather(mine);
    auto a = all.accessor<int64_t, 2>();
    for (int r = 0; r < ranks; ++r)
        if (a[r][0] != 0) return false;  // some rank was cancelled: all stop before this step
    std::vector<GlobalBatch> global(static_cast<size_t>(micro));
    int64_t last = -1;  // the last micro-batch that trains: its backward all-reduces
    for (int64_t k = 0; k < micro; ++k) {
        GlobalBatch& g = global[static_cast<size_t>(k)];
        for (int r = 0; r < ranks; ++r) {
            const int64_t rows = a[r][1 + k * stride];
            g.rowsPerRank.push_back(rows);
            for (int64_t i = 0; i < rows; ++i) g.examples.push_back(static_cast<size_t>(a[r][1 + k * stride + 1 + i]));
        }
        if (g.examples.size() >= 2) last = k;
    }
    for (int64_t k = 0; k <= last; ++k) {
        const GlobalBatch& g = global[static_cast<size_t>(k)];
        if (g.examples.size() < 2) continue;  // no negatives: nothing to learn (decided alike on every rank)
        groupLoss += trainShard(local[static_cast<size_t>(k)], g, scale, epoch, k == last) *
                     static_cast<double>(g.examples.size());
        groupSamples += g.examples.size();
    }
    return true;
}

double TrainingRun::trainShard(const LoadedBatch& local, const GlobalBatch& global, double scale, int epoch, bool sync) {
    const auto n = static_cast<int64_t>(local.examples.size());
    const int64_t r = m_preprocess.size;
    m_reducer->prepareForward();
    at::Tensor pixels;
    at::Tensor ids;
    if (n > 0) {
        pixels = at::from_blob(const_cast<float*>(local.pixels.data()), {n, 3, r, r}, at::kFloat).to(m_device);
        ids = tokenBatch(m_train.tokens, local.examples).to(m_device);
    } else {
        // Nothing of this rank's share decoded: a stand-in whose features enter the loss with weight
        // 0, so that every parameter still gets its (zero) gradient for the all-reduce.
        pixels = at::zeros({1, 3, r, r}, at::TensorOptions(m_device));
        ids = tokenBatch(m_train.tokens, std::vector<size_t>{global.examples.front()}).to(m_device);
    }
    at::Tensor imageFeatures;
    at::Tensor textFeatures;
    {
        const AutocastScope scope(m_autocast);
        imageFeatures = m_loaded.model->encodeImage(pixels).to(at::kFloat);
        textFeatures = m_loaded.model->encodeText(ids).to(at::kFloat);
    }
    // Every rank's features, this rank's with their gradient (see allGatherWithLocalGradient): the
    // loss below is the single-process loss of the whole batch, on every rank.
    const int64_t width = imageFeatures.size(1);
    const at::Tensor both = at::cat({imageFeatures, textFeatures}, 1);
    const at::Tensor all = m_group->allGatherWithLocalGradient(n > 0 ? both : both.narrow(0, 0, 0), global.rowsPerRank);
    std::vector<std::string> captions;
    std::vector<std::string> labels;
    for (const size_t e : global.examples) {
        captions.push_back(m_train.captions[e]);
        labels.push_back(m_options.labelPositives ? m_train.examples[e].label : std::string());
    }
    at::Tensor loss = contrastiveLoss(all.narrow(1, 0, width), all.narrow(1, width, width), m_loaded.model->logit_scale,
                                      positivePairs(captions, labels));
    const double value = loss.item<double>();
    checkFinite(value, epoch, local.index);
    if (n == 0) loss = loss + 0.0 * (imageFeatures.sum() + textFeatures.sum());
    if (sync) m_reducer->prepareForBackward();
    (loss * scale).backward();
    return value;
}

bool TrainingRun::trainEpoch(int epoch) {
    BatchLoaderOptions loaderOptions;
    loaderOptions.batchSize = static_cast<size_t>(m_options.batchSize);
    loaderOptions.workers = m_options.workers;
    loaderOptions.prefetch = m_options.prefetch;
    loaderOptions.augment = m_options.augment.enabled;
    loaderOptions.seed = m_options.seed;
    loaderOptions.epoch = static_cast<uint64_t>(epoch);
    loaderOptions.firstBatch = m_state.batch;
    if (m_group) {
        loaderOptions.shard = static_cast<size_t>(m_group->rank());
        loaderOptions.shards = static_cast<size_t>(m_group->size());
    }
    BatchLoader loader(*m_cache, epochOrder(m_train.examples.size(), m_options.seed, static_cast<uint64_t>(epoch)),
                       m_preprocess, m_options.augment, loaderOptions);
    const auto accumulation = static_cast<size_t>(m_options.accumulation);
    double lr = m_schedule.at(m_state.step);
    while (m_state.batch < m_batchesPerEpoch) {
        const size_t groupEnd = std::min(m_batchesPerEpoch, m_state.batch + accumulation);
        const double scale = 1.0 / static_cast<double>(groupEnd - m_state.batch);
        double groupLoss = 0.0;
        size_t groupSamples = 0;
        if (m_group) {
            if (!trainGroupDistributed(loader, groupEnd, scale, epoch, groupLoss, groupSamples)) return false;
        } else {
            if (cancelled()) return false;
            trainGroup(loader, groupEnd, scale, epoch, groupLoss, groupSamples);
        }
        m_state.batch = groupEnd;
        if (groupSamples == 0) continue;
        lr = m_schedule.at(m_state.step);
        m_optimizer->setLr(lr);
        const double norm = m_optimizer->step(m_options.gradClip);
        if (!std::isfinite(norm))
            throw Error("fine-tuning", "the gradient norm is not finite at step " + std::to_string(m_state.step + 1) +
                                           " (epoch " + std::to_string(epoch + 1) +
                                           "): training diverged; lower the learning rate");
        ++m_state.step;
        m_state.epochLossSum += groupLoss;
        m_state.epochSamples += groupSamples;
        if (m_callbacks.onStep) m_callbacks.onStep(m_state.step, groupLoss / static_cast<double>(groupSamples), lr);
    }
    return true;
}

void TrainingRun::finishEpoch(int epoch, double seconds, double lr) {
    EpochMetrics m;
    m.epoch = epoch + 1;
    m.step = m_state.step;
    m.trainSamples = m_state.epochSamples;
    m.trainLoss = m_state.epochSamples ? m_state.epochLossSum / static_cast<double>(m_state.epochSamples)
                                       : std::numeric_limits<double>::quiet_NaN();
    m.lr = lr;
    m.valLoss = std::numeric_limits<double>::quiet_NaN();
    m.val.top1 = m.val.top5 = std::numeric_limits<double>::quiet_NaN();
    for (double& v : m.val.i2tRecall) v = std::numeric_limits<double>::quiet_NaN();
    for (double& v : m.val.t2iRecall) v = std::numeric_limits<double>::quiet_NaN();
    const auto started = std::chrono::steady_clock::now();
    if (m_validator) {
        ValidationResult v = m_validator->run(*m_loaded.model, m_device, m_autocast);
        for (const auto& error : v.errors) log("skipped " + error);
        m.valLoss = v.loss;
        m.val = std::move(v.metrics);
    }
    m.seconds = seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_state.history.push_back(m);
    m_state.epoch = epoch + 1;
    m_state.batch = 0;
    m_state.epochLossSum = 0.0;
    m_state.epochSamples = 0;
    if (isRoot()) {
        if (!m_state.best || m.betterThan(*m_state.best)) {
            m_state.best = m;
            saveBest(m);
        }
        saveLast();
        if (m_callbacks.onEpoch) m_callbacks.onEpoch(m);
    }
    awaitRoot("epoch " + std::to_string(epoch + 1));  // the others wait for validation and checkpoints
}

void TrainingRun::saveTokenizer(const std::string& folder) const {
    if (copyTokenizerFiles(m_tokenizerDir, folder) == 0) m_tokenizer->save(folder);
}

void TrainingRun::saveBest(const EpochMetrics& metrics) {
    replaceFolderAtomically((outDir() / "best").string(), [&](const std::string& folder) {
        ClipModelLoader::saveHuggingFace(*m_loaded.model, m_loaded.preprocess, folder);
        saveTokenizer(folder);
        writeJsonFile(fs::path(folder) / kMetricsFile, toJson(metrics));
    });
}

void TrainingRun::saveLast() {
    if (!isRoot()) return;
    replaceFolderAtomically((outDir() / "last").string(), [&](const std::string& folder) {
        ClipModelLoader::saveHuggingFace(*m_loaded.model, m_loaded.preprocess, folder);
        saveTokenizer(folder);
        m_optimizer->save((fs::path(folder) / kOptimizerFile).string());
        m_state.write((fs::path(folder) / kStateFile).string());
    });
}

TrainingResult TrainingRun::result(bool cancelled) const {
    TrainingResult r;
    r.epochs = static_cast<int>(m_state.history.size());
    r.steps = m_state.step;
    r.cancelled = cancelled;
    r.history = m_state.history;
    if (m_state.best) {
        r.best = *m_state.best;
        r.bestPath = (outDir() / "best").string();
    }
    r.lastPath = (outDir() / "last").string();
    return r;
}

TrainingResult TrainingRun::run(const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& val,
                                const std::string& basePath, LoadedClipModel& model) {
    checkOptions(m_options);
    std::string device = resolveTrainingDevice(m_options.device);
    if (m_group && device == "cuda") device += ":" + std::to_string(m_group->localRank());  // one GPU per rank
    m_device = at::Device(device);
    m_autocast = m_device.is_cuda() && m_options.mixedPrecision;
    setCpuThreads(m_options.threads);
    retainTrainingMemory();
    loadModel(basePath);
    m_train = prepare(train, "training");
    if (m_train.examples.size() < 2) throw Error("fine-tuning", "fewer than 2 training examples with a text");
    if (isRoot()) {
        std::error_code ec;
        fs::create_directories(outDir(), ec);
        if (ec) throw Error(outDir().string(), "cannot create the folder: " + ec.message());
    }
    setUpTraining(val);
    if (m_group) synchronizeRanks();
    bool stopped = false;
    for (int epoch = m_state.epoch; epoch < m_options.epochs && !stopped; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        if (!trainEpoch(epoch)) {
            saveLast();
            awaitRoot("cancel");
            stopped = true;
            log("cancelled at step " + std::to_string(m_state.step) + "; resume from " + (outDir() / "last").string());
            break;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        finishEpoch(epoch, seconds, m_schedule.at(std::max<int64_t>(0, m_state.step - 1)));
    }
    // The others' last awaitRoot() polls rank 0's store: without this, rank 0 could return and take its
    // store down before they read the final key, and a finished run would end in "rank 0 stopped
    // (connection lost)" on the other ranks (tst_distributed failed so about 1 run in 25).
    if (m_group) m_group->barrier();
    model = m_loaded;
    return result(stopped);
}

struct Trainer::Impl {
    TrainerOptions options;
    LoadedClipModel loaded;
};

Trainer::Trainer(TrainerOptions options) : m_impl(std::make_unique<Impl>()) {
    m_impl->options = std::move(options);
}

Trainer::~Trainer() = default;
Trainer::Trainer(Trainer&&) noexcept = default;
Trainer& Trainer::operator=(Trainer&&) noexcept = default;

const TrainerOptions& Trainer::options() const {
    return m_impl->options;
}

TrainingResult Trainer::run(const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& val,
                            const std::string& basePath, const TrainerCallbacks& callbacks,
                            std::atomic<bool>* cancel) {
    TrainingRun run(m_impl->options, callbacks, cancel);
    DistributedGroup* group = m_impl->options.group.get();
    // A backend failure (from a collective, or from the reducer inside backward) becomes the
    // group's diagnosis naming the rank; the other ranks learn why this one stops.
    const auto communicationFailure = [group](const std::string& what) {
        const std::string message = group->failure(what);
        group->publishFailure(message);
        return Error(message);
    };
    try {
        return run.run(train, val, basePath, m_impl->loaded);
    } catch (const Error& e) {  // ours, diagnosed already where it came from a collective
        if (group) group->publishFailure(e.what());
        throw;
    } catch (const c10::Error& e) {  // e.g. out of memory; msg() without the C++ backtrace
        if (group && isCommunicationError(e.msg())) throw communicationFailure(e.msg());
        const std::string message = e.msg().substr(0, e.msg().find('\n'));
        if (group) group->publishFailure(message);
        throw Error("fine-tuning", message);
    } catch (const std::exception& e) {  // Gloo's own exceptions reach backward() as they are
        if (group && isCommunicationError(e.what())) throw communicationFailure(e.what());
        if (group) group->publishFailure(e.what());
        throw;
    }
}

ClipEncoder Trainer::currentEncoder(const ClipEncoderOptions& options) const {
    const LoadedClipModel& from = m_impl->loaded;
    if (from.model.is_empty()) throw Error("fine-tuning", "no model yet: run() first");
    LoadedClipModel copy;
    copy.config = from.config;
    copy.preprocess = from.preprocess;
    copy.layout = from.layout;
    copy.weightsPath = from.weightsPath;
    copy.model = ClipModel(from.config, /*initialize=*/false);
    at::NoGradGuard noGrad;
    const auto source = from.model->named_parameters(true);
    for (auto& item : copy.model->named_parameters(true)) item.value().copy_(source[item.key()].to(at::kCPU));
    return ClipEncoder(std::move(copy), options);
}

}  // namespace cosmoclip
