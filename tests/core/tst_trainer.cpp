// The fine-tuning engine end to end on a tiny random model and a synthetic shape dataset: resume
// after a cancel equals an uninterrupted run, NaN guard, frozen parameters, checkpoints that reload
// with the same embeddings, skipped files, WiSE-FT.
#include <ATen/ATen.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.h"
#include "image/clipinput.h"
#include "model/clipencoder.h"
#include "model/clipmodelloader.h"
#include "model/safetensorsfile.h"
#include "training/trainer.h"
#include "training/wiseft.h"
#include "trainingtestdata.h"
#include "trainingtestmodel.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

// Largest absolute difference between same-named tensors of two safetensors files (inf if the
// names differ).
double maxDifference(const std::string& a, const std::string& b) {
    const SafetensorsFile fa = SafetensorsFile::open(a);
    const SafetensorsFile fb = SafetensorsFile::open(b);
    if (fa.names() != fb.names()) return std::numeric_limits<double>::infinity();
    double worst = 0;
    for (const auto& name : fa.names())
        worst = std::max(worst, (fa.tensor(name, at::kFloat) - fb.tensor(name, at::kFloat)).abs().max().item<double>());
    return worst;
}

std::map<std::string, at::Tensor> parameters(const std::string& path) {
    std::map<std::string, at::Tensor> out;
    const LoadedClipModel loaded = ClipModelLoader::load(path);
    for (const auto& p : loaded.model->named_parameters(true)) out[p.key()] = p.value().detach().clone();
    return out;
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_base;
    std::vector<TrainingExample> m_train;
    std::vector<TrainingExample> m_val;

    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    TrainerOptions smallRun(const char* out) const {
        TrainerOptions o;
        o.epochs = 3;
        o.batchSize = 8;
        o.accumulation = 2;  // 3 batches per epoch: steps of 2 and 1 batches
        o.lr = 1e-3;
        o.warmupSteps = 2;
        o.seed = 7;
        o.threads = 1;  // a tiny model: OpenMP hand-offs would cost more than they save
        o.workers = 1;
        o.outDir = path(out);
        o.evalTemplates = {"a photo of a {}.", "{}"};
        return o;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_base = path("base");
        trainingtestdata::writeBaseModel(m_base);
        fs::create_directories(path("data"));
        const auto all = trainingtestdata::writeDataset(path("data"), 8);
        m_train.assign(all.begin(), all.begin() + 24);
        m_val.assign(all.begin() + 24, all.end());
        for (size_t i = 0; i < m_train.size(); i += 3) m_train[i].caption.clear();  // some label-only examples
    }

    void resumeAfterCancelEqualsUninterruptedTraining() {
        TrainingResult whole = Trainer(smallRun("whole")).run(m_train, m_val, m_base);
        QCOMPARE(whole.steps, int64_t{6});
        QCOMPARE(whole.epochs, 3);
        QVERIFY(!whole.cancelled);

        // Cancelled inside epoch 2 (after step 3 of 6), then resumed.
        std::atomic<bool> cancel{false};
        TrainerCallbacks stopAtStep3;
        stopAtStep3.onStep = [&](int64_t step, double loss, double lr) {
            QVERIFY(std::isfinite(loss) && lr > 0);
            if (step == 3) cancel = true;
        };
        const TrainingResult first = Trainer(smallRun("cancelled")).run(m_train, m_val, m_base, stopAtStep3, &cancel);
        QVERIFY(first.cancelled);
        QCOMPARE(first.steps, int64_t{3});
        QCOMPARE(first.epochs, 1);
        ClipEncoder usable(first.lastPath);  // the cancel left a loadable model
        QCOMPARE(usable.embedDim(), int64_t{32});
        TrainerOptions again = smallRun("cancelled");
        again.resume = true;
        const TrainingResult rest = Trainer(again).run(m_train, m_val, m_base);
        QCOMPARE(rest.steps, int64_t{6});
        QCOMPARE(rest.epochs, 3);

        // Cancelled at the end of epoch 1 (from the epoch callback), then resumed.
        std::atomic<bool> cancel2{false};
        TrainerCallbacks stopAfterEpoch1;
        stopAfterEpoch1.onEpoch = [&](const EpochMetrics& m) { cancel2 = m.epoch == 1; };
        const TrainingResult early = Trainer(smallRun("boundary")).run(m_train, m_val, m_base, stopAfterEpoch1, &cancel2);
        QVERIFY(early.cancelled);
        QCOMPARE(early.steps, int64_t{2});
        TrainerOptions again2 = smallRun("boundary");
        again2.resume = true;
        const TrainingResult rest2 = Trainer(again2).run(m_train, m_val, m_base);

        for (const char* out : {"cancelled", "boundary"}) {
            const std::string dir = path(out);
            const double weights = maxDifference(path("whole") + "/last/model.safetensors", dir + "/last/model.safetensors");
            const double moments =
                maxDifference(path("whole") + "/last/optimizer.safetensors", dir + "/last/optimizer.safetensors");
            qInfo("%s: largest weight difference %g, optimizer state %g", out, weights, moments);
            QVERIFY(weights <= 1e-6);
            QVERIFY(moments <= 1e-6);
        }
        for (const TrainingResult* r : {&rest, &rest2}) {
            QCOMPARE(r->history.size(), whole.history.size());
            for (size_t e = 0; e < whole.history.size(); ++e) {
                QVERIFY(std::abs(r->history[e].trainLoss - whole.history[e].trainLoss) < 1e-6);
                QVERIFY(std::abs(r->history[e].valLoss - whole.history[e].valLoss) < 1e-6);
                QCOMPARE(r->history[e].val.top1, whole.history[e].val.top1);
                QCOMPARE(r->history[e].step, whole.history[e].step);
            }
            QCOMPARE(r->best.epoch, whole.best.epoch);
        }
        // Resuming a finished run trains nothing more; resuming with another seed is refused.
        TrainerOptions done = smallRun("whole");
        done.resume = true;
        QCOMPARE(Trainer(done).run(m_train, m_val, m_base).steps, int64_t{6});
        done.seed = 8;
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(done).run(m_train, m_val, m_base));
    }

    void divergenceStopsWithTheStep() {
        TrainerOptions o = smallRun("nan");
        o.lr = 1e30;
        o.warmupSteps = 0;
        o.gradClip = 0;
        try {
            Trainer(o).run(m_train, m_val, m_base);
            QFAIL("no error");
        } catch (const Error& e) {
            const std::string message = e.what();
            qInfo("%s", e.what());
            QVERIFY(message.find("step") != std::string::npos);
            QVERIFY(message.find("NaN") != std::string::npos || message.find("not finite") != std::string::npos ||
                    message.find("infinite") != std::string::npos);
        }
    }

    void frozenParametersStayBitIdentical() {
        TrainerOptions o = smallRun("frozen");
        o.epochs = 1;
        o.freeze = FreezeOptions::parse("last:1");
        Trainer(o).run(m_train, m_val, m_base);
        const auto before = parameters(m_base);
        const auto after = parameters(path("frozen") + "/last");
        int frozen = 0, trained = 0;
        for (const auto& [name, value] : before) {
            const bool trainable = isTrainable(name, o.freeze, 2, 2);
            const bool same = at::equal(value, after.at(name));
            QVERIFY2(trainable ? (!same || value.dim() < 2) : same, name.c_str());
            (trainable ? trained : frozen) += 1;
        }
        QVERIFY(frozen > 20 && trained > 10);
    }

    void bestCheckpointReloadsWithTheSameEmbeddings() {
        TrainerOptions o = smallRun("best");
        o.epochs = 1;  // best == the model in memory after run()
        Trainer trainer(o);
        std::vector<EpochMetrics> streamed;
        TrainerCallbacks callbacks;
        callbacks.onEpoch = [&](const EpochMetrics& m) { streamed.push_back(m); };
        const TrainingResult result = trainer.run(m_train, m_val, m_base, callbacks);
        QCOMPARE(streamed.size(), size_t{1});
        QCOMPARE(result.best.epoch, 1);
        QCOMPARE(result.bestPath, path("best") + "/best");
        for (const char* file : {"config.json", "model.safetensors", "preprocessor_config.json", "vocab.json",
                                 "merges.txt", "training_metrics.json"})
            QVERIFY2(fs::exists(fs::path(result.bestPath) / file), file);
        const ClipEncoder memory = trainer.currentEncoder();
        const ClipEncoder reloaded(result.bestPath);
        const PreprocessConfig preprocess = reloaded.preprocess().toPreprocessConfig();
        std::vector<std::vector<float>> images;
        for (size_t i = 0; i < 4; ++i) images.push_back(clipInputFromFile(m_val[i].imagePath, preprocess));
        QVERIFY(memory.encodeImages(images) == reloaded.encodeImages(images));
        const BpeTokenizer tokenizer = BpeTokenizer::fromDirectory(result.bestPath);
        std::vector<std::vector<int32_t>> ids;
        for (const char* t : {"a photo of a red disc.", "a small blue cross"}) ids.push_back(tokenizer.encodeForContext(t, 16));
        QVERIFY(memory.encodeTexts(ids) == reloaded.encodeTexts(ids));
        // The metrics were streamed, returned and written the same.
        QCOMPARE(streamed[0].val.top1, result.best.val.top1);
        QVERIFY(std::isfinite(result.best.valLoss) && std::isfinite(result.best.trainLoss));
        QCOMPARE(result.best.val.n, m_val.size());
        QCOMPARE(result.best.val.classNames.size(), size_t{4});
    }

    void unreadableFilesAreSkippedAndReportedOnce() {
        std::vector<TrainingExample> train = m_train;
        train[1].imagePath = path("data/missing.png");
        TrainerOptions o = smallRun("skipped");
        o.epochs = 2;
        std::vector<std::string> notes;
        TrainerCallbacks callbacks;
        callbacks.onLog = [&](const std::string& note) { notes.push_back(note); };
        const TrainingResult result = Trainer(o).run(train, m_val, m_base, callbacks);
        QCOMPARE(result.epochs, 2);
        QCOMPARE(result.history[0].trainSamples, train.size() - 1);
        int reported = 0;
        for (const auto& note : notes) reported += note.find("missing.png") != std::string::npos;
        QCOMPARE(reported, 1);
    }

    void badSettingsAreRefused() {
        TrainerOptions o = smallRun("bad");
        o.device = "tpu";
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(o).run(m_train, m_val, m_base));
        o = smallRun("bad");
        o.outDir.clear();
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(o).run(m_train, m_val, m_base));
        o = smallRun("bad");
        o.batchSize = 1;
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(o).run(m_train, m_val, m_base));
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(smallRun("bad")).run(m_train, m_val, path("nowhere")));
        QVERIFY_THROWS_EXCEPTION(Error, Trainer(smallRun("bad")).currentEncoder());
        if (resolveTrainingDevice("auto") == "cpu") QVERIFY_THROWS_EXCEPTION(Error, resolveTrainingDevice("cuda"));
    }

    void wiseFtBlendsKeyByKey() {
        const std::string finetuned = path("best") + "/best";
        QVERIFY(fs::exists(finetuned));
        wiseFt(m_base, finetuned, 0.0, path("wise0"));
        wiseFt(m_base, finetuned, 1.0, path("wise1"));
        wiseFt(m_base, finetuned, 0.25, path("wise25"));
        const auto base = parameters(m_base);
        const auto tuned = parameters(finetuned);
        const auto zero = parameters(path("wise0"));
        const auto one = parameters(path("wise1"));
        const auto quarter = parameters(path("wise25"));
        for (const auto& [name, value] : base) {
            QVERIFY2(at::equal(zero.at(name), value), name.c_str());
            QVERIFY2(at::equal(one.at(name), tuned.at(name)), name.c_str());
            QVERIFY2(at::allclose(quarter.at(name), 0.75 * value + 0.25 * tuned.at(name), 1e-5, 1e-6), name.c_str());
        }
        QVERIFY(fs::exists(path("wise25") + "/vocab.json"));
        QVERIFY_THROWS_EXCEPTION(Error, wiseFt(m_base, finetuned, 1.5, path("wise-bad")));
        // Another architecture.
        const std::string other = path("other");
        ClipConfig wide = ClipConfig::tiny();
        wide.embedDim = 48;
        ClipFactory::writeRandomModel(wide, BpeTokenizer::fromDirectory(m_base), 3, other);
        try {
            wiseFt(m_base, other, 0.5, path("wise-bad"));
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("embedding size") != std::string::npos);
        }
        QVERIFY(!fs::exists(path("wise-bad")));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
