#include "training/trainer.h"

#include <chrono>
#include <cmath>
#include <filesystem>

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
        : m_options(options), m_callbacks(callbacks), m_cancel(cancel) {}

    TrainingResult run(const std::vector<TrainingExample>& train, const std::vector<TrainingExample>& val,
                       const std::string& basePath, LoadedClipModel& model);

private:
    void log(const std::string& message) const {
        if (m_callbacks.onLog) m_callbacks.onLog(message);
    }
    bool cancelled() const { return m_cancel && m_cancel->load(); }
    fs::path outDir() const { return fs::path(m_options.outDir); }

    void loadModel(const std::string& basePath);
    TrainingSet prepare(const std::vector<TrainingExample>& examples, const char* what) const;
    void checkResumable(const TrainingState& saved) const;
    void setUpTraining(const std::vector<TrainingExample>& val);
    bool trainEpoch(int epoch);
    double trainBatch(const LoadedBatch& batch, double scale, int epoch);
    void finishEpoch(int epoch, double seconds, double lr);
    void saveTokenizer(const std::string& folder) const;
    void saveLast();
    void saveBest(const EpochMetrics& metrics);
    TrainingResult result(bool cancelled) const;

    TrainerOptions m_options;
    const TrainerCallbacks& m_callbacks;
    std::atomic<bool>* m_cancel;

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
    if (m_options.resume) {
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
        m_options.freeze.name() + ") on " + m_device.str());

    const int cacheSide = static_cast<int>(std::lround(m_options.cacheScale * m_preprocess.size));
    m_cache = std::make_unique<ImageCache>(m_train.examples, cacheSide);
    if (!val.empty())
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
    if (!std::isfinite(value))
        throw Error("fine-tuning", std::string("the loss is ") + (std::isnan(value) ? "NaN" : "infinite") +
                                       " at step " + std::to_string(m_state.step + 1) + " (epoch " +
                                       std::to_string(epoch + 1) + ", batch " + std::to_string(batch.index + 1) +
                                       "): training diverged; lower the learning rate");
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
    BatchLoader loader(*m_cache, epochOrder(m_train.examples.size(), m_options.seed, static_cast<uint64_t>(epoch)),
                       m_preprocess, m_options.augment, loaderOptions);
    const auto accumulation = static_cast<size_t>(m_options.accumulation);
    double lr = m_schedule.at(m_state.step);
    while (m_state.batch < m_batchesPerEpoch) {
        if (cancelled()) return false;
        const size_t groupEnd = std::min(m_batchesPerEpoch, m_state.batch + accumulation);
        const double scale = 1.0 / static_cast<double>(groupEnd - m_state.batch);
        double groupLoss = 0.0;
        size_t groupSamples = 0;
        for (size_t b = m_state.batch; b < groupEnd; ++b) {
            const std::optional<LoadedBatch> batch = loader.next();
            for (const auto& error : batch->errors) log("skipped " + error);
            if (batch->examples.size() < 2) continue;  // no negatives: nothing to learn
            groupLoss += trainBatch(*batch, scale, epoch) * static_cast<double>(batch->examples.size());
            groupSamples += batch->examples.size();
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
    if (!m_state.best || m.betterThan(*m_state.best)) {
        m_state.best = m;
        saveBest(m);
    }
    saveLast();
    if (m_callbacks.onEpoch) m_callbacks.onEpoch(m);
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
    const std::string device = resolveTrainingDevice(m_options.device);
    m_device = at::Device(device);
    m_autocast = m_device.is_cuda() && m_options.mixedPrecision;
    setCpuThreads(m_options.threads);
    retainCpuAllocatorMemory();
    loadModel(basePath);
    m_train = prepare(train, "training");
    if (m_train.examples.size() < 2) throw Error("fine-tuning", "fewer than 2 training examples with a text");
    std::error_code ec;
    fs::create_directories(outDir(), ec);
    if (ec) throw Error(outDir().string(), "cannot create the folder: " + ec.message());
    setUpTraining(val);
    bool stopped = false;
    for (int epoch = m_state.epoch; epoch < m_options.epochs && !stopped; ++epoch) {
        const auto started = std::chrono::steady_clock::now();
        if (!trainEpoch(epoch)) {
            saveLast();
            stopped = true;
            log("cancelled at step " + std::to_string(m_state.step) + "; resume from " + (outDir() / "last").string());
            break;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        finishEpoch(epoch, seconds, m_schedule.at(std::max<int64_t>(0, m_state.step - 1)));
    }
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
    try {
        return run.run(train, val, basePath, m_impl->loaded);
    } catch (const c10::Error& e) {  // e.g. out of memory; msg() without the C++ backtrace
        throw Error("fine-tuning", e.msg().substr(0, e.msg().find('\n')));
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
