#include "training/trainingbenchmark.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include <ATen/ATen.h>

#include "common/error.h"
#include "model/clipencoder.h"
#include "model/clipmodel.h"
#include "training/contrastiveloss.h"
#include "training/distributedgroup.h"
#include "training/distributedreducer.h"
#include "training/trainer.h"
#include "training/trainingoptimizer.h"
#include "training/trainingtensors.h"

namespace cosmoclip {

TrainingBenchmarkResult benchmarkTraining(const TrainingBenchmarkOptions& options) {
    if (options.batch < 2 || options.steps < 1 || options.tokens < 2 || options.tokens > options.config.text.contextLength)
        throw Error("training benchmark", "needs a batch >= 2, steps >= 1 and 2..context tokens");
    const at::Device device(resolveTrainingDevice(options.device));
    const bool autocast = device.is_cuda() && options.mixedPrecision;
    setCpuThreads(options.threads);
    retainTrainingMemory();
    at::manual_seed(0);
    ClipModel model(options.config);
    model->to(device);
    model->train();
    TrainingOptimizer optimizer(*model, options.freeze, 1e-5, 0.2);
    // Data-parallel: this rank's slice of the batch, as BatchLoader cuts it.
    DistributedGroup* group = options.group.get();
    const int ranks = group ? group->size() : 1;
    std::vector<int64_t> rowsPerRank;
    for (int k = 0; k < ranks; ++k)
        rowsPerRank.push_back(options.batch * (k + 1) / ranks - options.batch * k / ranks);
    const int64_t rows = rowsPerRank[static_cast<size_t>(group ? group->rank() : 0)];
    if (rows < 1) throw Error("training benchmark", "the batch must be at least the number of ranks");
    std::unique_ptr<DistributedReducer> reducer;
    if (group) reducer = std::make_unique<DistributedReducer>(*group, optimizer.trainable());
    const int64_t r = options.config.vision.imageSize;
    const int64_t vocab = options.config.text.vocabSize;
    const at::Tensor images = at::randn({rows, 3, r, r}).to(device);
    // Distinct random captions: start token, random ids, end token (the largest id, argmax pooling).
    at::Tensor ids = at::randint(1, vocab - 2, {rows, options.tokens}, at::kLong);
    ids.select(1, 0).fill_(vocab - 2);
    ids.select(1, options.tokens - 1).fill_(vocab - 1);
    ids = ids.to(device);
    const auto step = [&] {
        if (reducer) reducer->prepareForward();
        at::Tensor imageFeatures;
        at::Tensor textFeatures;
        {
            const AutocastScope scope(autocast);
            imageFeatures = model->encodeImage(images);
            textFeatures = model->encodeText(ids);
        }
        if (group) {  // the whole batch's features, this rank's with their gradient
            const int64_t width = imageFeatures.size(1);
            const at::Tensor all = group->allGatherWithLocalGradient(
                at::cat({imageFeatures.to(at::kFloat), textFeatures.to(at::kFloat)}, 1), rowsPerRank);
            imageFeatures = all.narrow(1, 0, width);
            textFeatures = all.narrow(1, width, width);
            reducer->prepareForBackward();
        }
        contrastiveLoss(imageFeatures, textFeatures, model->logit_scale).backward();
        const auto before = std::chrono::steady_clock::now();
        optimizer.step(1.0);  // reads the gradient norm: synchronises a CUDA device every step
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    };
    TrainingBenchmarkResult result;
    try {
        for (int i = 0; i < std::max(1, options.warmupSteps); ++i) step();
        if (group) group->barrier();  // the ranks start timing together
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpuStart = std::clock();
        double optimizerSeconds = 0.0;
        for (int i = 0; i < options.steps; ++i) optimizerSeconds += step();
        result.optimizerSecondsPerStep = optimizerSeconds / options.steps;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.secondsPerStep = seconds / options.steps;
        result.cpuSecondsPerStep = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC / options.steps;
        result.samplesPerSecond = static_cast<double>(options.batch) / result.secondsPerStep;
    } catch (const c10::Error& e) {
        throw Error("training benchmark", e.msg().substr(0, e.msg().find('\n')));
    }
    result.steps = options.steps;
    result.threads = at::get_num_threads();
    result.device = device.str();
    return result;
}

}  // namespace cosmoclip
