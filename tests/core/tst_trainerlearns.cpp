// Fine-tuning actually learns: a tiny random CLIP trained on the synthetic shape dataset's train split
// goes from chance to near-perfect zero-shot top-1 on the held-out test split, evaluated the way
// `cosmoclip eval` does it (ClipEncoder on the saved best checkpoint, prompt ensembling, metrics).
#include <filesystem>

#include "image/clipinput.h"
#include "model/clipencoder.h"
#include "retrieval/promptensemble.h"
#include "tokenizer/bpetokenizer.h"
#include "training/datasplit.h"
#include "training/evaluation.h"
#include "training/trainer.h"
#include "trainingtestdata.h"
#include "trainingtestmodel.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

EvalMetrics evaluate(const std::string& model, const std::vector<TrainingExample>& examples) {
    ClipEncoderOptions options;
    options.threads = 1;
    options.normalize = true;
    const ClipEncoder encoder(model, options);
    const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(model);
    const EvalTexts texts = evalTexts(examples, CaptionStyle::PhotoOf);
    const PreprocessConfig preprocess = encoder.preprocess().toPreprocessConfig();
    std::vector<std::vector<float>> inputs;
    for (const auto& e : examples) inputs.push_back(clipInputFromFile(e.imagePath, preprocess));
    const auto tokens = [&](const std::vector<std::string>& strings) {
        std::vector<std::vector<int32_t>> ids;
        for (const auto& s : strings) ids.push_back(tokenizer.encodeForContext(s, 16));
        return ids;
    };
    std::vector<std::string> prompts;
    for (const auto& c : texts.classNames) prompts.push_back(fillTemplate("a photo of a {}.", c));
    const auto dim = static_cast<size_t>(encoder.embedDim());
    const std::vector<float> images = encoder.encodeImages(inputs);
    const std::vector<float> classes =
        ensembleClassEmbeddings(encoder.encodeTexts(tokens(prompts)), texts.classNames.size(), 1, dim);
    const std::vector<float> captions = encoder.encodeTexts(tokens(texts.captions));
    return evaluateEmbeddings(texts, {dim, images, classes, captions});
}

}  // namespace

class TestTrainerLearns : public QObject {
    Q_OBJECT

private slots:
    void zeroShotAccuracyRisesFromChanceToNearOne() {
        QTemporaryDir dir;
        const std::string base = dir.filePath("base").toStdString();
        trainingtestdata::writeBaseModel(base);
        fs::create_directories(dir.filePath("data").toStdString());
        // Label-only examples: every caption is "a photo of a {label}.", so a batch holds several
        // copies of each text, which the soft targets treat as positives rather than negatives.
        const auto all = trainingtestdata::writeDataset(dir.filePath("data").toStdString(), 30, false);
        std::vector<TrainingExample> split[3];
        for (const auto& e : all) split[static_cast<int>(splitOf(e.contentHash, {0.6, 0.2, 0.2}))].push_back(e);
        qInfo("train %zu, val %zu, test %zu", split[0].size(), split[1].size(), split[2].size());
        QVERIFY(split[0].size() > 50 && split[1].size() > 10 && split[2].size() > 10);

        const EvalMetrics before = evaluate(base, split[2]);
        TrainerOptions o;
        o.epochs = 12;
        o.batchSize = 16;
        o.lr = 1e-3;
        o.warmupSteps = 5;
        o.weightDecay = 0.05;
        o.seed = 3;
        o.threads = 1;
        o.workers = 1;
        o.outDir = dir.filePath("run").toStdString();
        std::vector<double> losses;
        TrainerCallbacks callbacks;
        callbacks.onStep = [&](int64_t, double loss, double) { losses.push_back(loss); };
        callbacks.onEpoch = [](const EpochMetrics& m) {
            qInfo("epoch %d: train loss %.3f, val loss %.3f, val top-1 %.2f, i2t R@1 %.2f", m.epoch, m.trainLoss,
                  m.valLoss, m.val.top1, m.val.i2tRecall[0]);
        };
        const TrainingResult result = Trainer(o).run(split[0], split[1], base, callbacks);
        const EvalMetrics after = evaluate(result.bestPath, split[2]);
        qInfo("test top-1: %.3f before, %.3f after (best epoch %d)", before.top1, after.top1, result.best.epoch);
        QVERIFY(before.top1 < 0.5);  // chance is 0.25
        QVERIFY(after.top1 >= 0.9);
        QVERIFY(result.history.back().trainLoss < 0.6 * result.history.front().trainLoss);
        QVERIFY(result.best.val.top1 >= 0.9);
        QVERIFY(losses.size() == static_cast<size_t>(result.steps));
    }
};

QTEST_APPLESS_MAIN(TestTrainerLearns)
#include "tst_trainerlearns.moc"
