// The torch-free parts of core/training: splits, captions, metrics, evaluation over embeddings, the
// learning-rate schedule, freeze and weight-decay rules, epoch order, augmentations, the batch loader,
// metrics/state JSON and checkpoint folders.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numbers>
#include <set>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "training/augmentation.h"
#include "training/batchloader.h"
#include "training/checkpointfolder.h"
#include "training/datasplit.h"
#include "training/epochmetrics.h"
#include "training/evaluation.h"
#include "training/imagecache.h"
#include "training/lrschedule.h"
#include "training/metrics.h"
#include "training/parameterrules.h"
#include "training/trainingexample.h"
#include "training/trainingrandom.h"
#include "training/trainingstate.h"
#include "trainingtestdata.h"

using namespace cosmoclip;

namespace {
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
}

class TestTrainingData : public QObject {
    Q_OBJECT

private slots:
    // ---- splits ----
    void splitPositionMatchesTheDocumentedHash() {
        // Values from an independent Python implementation (FNV-1a 64 + splitmix64 finaliser, top 53 bits).
        QCOMPARE(splitPosition(""), 0.9576734252420561);
        QCOMPARE(splitPosition("abc"), 0.054024713354027254);
        QCOMPARE(splitPosition("6223427a13ffc1711f5721c3a44e4f159f163307513f6b42add8b469c0c1c2e5"),
                 0.44342282108319686);
        QVERIFY(splitOf("abc", {}) == Split::Train);
        QVERIFY(splitOf("", {}) == Split::Test);
        QVERIFY(splitOf("abc", {0.0, 0.5, 0.5}) == Split::Val);
        QVERIFY(splitOf("", {1.0, 0.0, 0.0}) == Split::Train);
    }

    void splitsAreStableAndFollowTheFractions() {
        const SplitFractions f{0.6, 0.25, 0.15};
        size_t counts[3] = {0, 0, 0};
        const size_t n = 20000;
        for (size_t i = 0; i < n; ++i) {
            const std::string hash = "sha-" + std::to_string(i * 7919);
            const Split s = splitOf(hash, f);
            QVERIFY(splitOf(hash, f) == s);  // pure function
            ++counts[static_cast<int>(s)];
        }
        QVERIFY(std::abs(counts[0] / double(n) - 0.6) < 0.015);
        QVERIFY(std::abs(counts[1] / double(n) - 0.25) < 0.015);
        QVERIFY(std::abs(counts[2] / double(n) - 0.15) < 0.015);
        // Growing the validation share only moves items out of test: train never changes.
        for (size_t i = 0; i < 2000; ++i) {
            const std::string hash = "sha-" + std::to_string(i);
            if (splitOf(hash, f) == Split::Train) QVERIFY(splitOf(hash, {0.6, 0.4, 0.0}) == Split::Train);
        }
    }

    void splitFractionsParse() {
        const SplitFractions f = SplitFractions::parse("0.7, 0.2,0.1");
        QCOMPARE(f.train, 0.7);
        QCOMPARE(f.val, 0.2);
        QCOMPARE(f.test, 0.1);
        for (const char* bad : {"0.7,0.3", "0.5,0.5,0.5", "a,0.5,0.5", "-0.1,0.6,0.5", "0.7,0.15,0.15,0", ""})
            QVERIFY_THROWS_EXCEPTION(Error, SplitFractions::parse(bad));
        QVERIFY(parseSplit("validation") == Split::Val);
        QCOMPARE(std::string(splitName(parseSplit("test"))), std::string("test"));
        QVERIFY_THROWS_EXCEPTION(Error, parseSplit("all"));
    }

    // ---- captions ----
    void captionsFollowTheStyle() {
        TrainingExample e{"x.png", "", "a spiral galaxy seen face-on", "galaxy", "h"};
        QCOMPARE(captionFor(e, CaptionStyle::PhotoOf), std::string("a spiral galaxy seen face-on"));
        QCOMPARE(captionFor(e, CaptionStyle::LabelCaption), std::string("galaxy: a spiral galaxy seen face-on"));
        e.caption.clear();
        QCOMPARE(captionFor(e, CaptionStyle::PhotoOf), std::string("a photo of a galaxy."));
        QCOMPARE(captionFor(e, CaptionStyle::LabelCaption), std::string("a photo of a galaxy."));
        e.label.clear();
        QCOMPARE(captionFor(e, CaptionStyle::PhotoOf), std::string());
        QCOMPARE(fillTemplate("a photo of a {}.", "nebula"), std::string("a photo of a nebula."));
        QCOMPARE(fillTemplate("{label} in the sky", "comet"), std::string("comet in the sky"));
        QCOMPARE(fillTemplate("sky:", "comet"), std::string("sky: comet"));
        QVERIFY(parseCaptionStyle("label-caption") == CaptionStyle::LabelCaption);
        QVERIFY_THROWS_EXCEPTION(Error, parseCaptionStyle("fancy"));
    }

    // ---- metrics ----
    void topKAgainstHandComputation() {
        // Row 1: class 1 is second; row 2: a tie between classes 0 and 1 goes to the lower index.
        const std::vector<float> scores = {0.9f, 0.1f, 0.5f,  //
                                           0.2f, 0.3f, 0.8f,  //
                                           0.5f, 0.5f, 0.1f};
        const std::vector<int64_t> truth = {0, 1, 1};
        const TopKAccuracy top1 = topKAccuracy(scores, 3, truth, 1);
        QCOMPARE(top1.accuracy, 1.0 / 3.0);
        QCOMPARE(top1.perClass[0], 1.0);
        QCOMPARE(top1.perClass[1], 0.0);
        QVERIFY(std::isnan(top1.perClass[2]));
        QCOMPARE(top1.perClassCount[1], size_t{2});
        QCOMPARE(topKAccuracy(scores, 3, truth, 2).accuracy, 1.0);
        const std::vector<float> withNaN = {kNaN, 0.2f};
        QCOMPARE(rankInRow(withNaN.data(), 2, 0), size_t{1});  // NaN ranks last
        QCOMPARE(rankInRow(withNaN.data(), 2, 1), size_t{0});
        QVERIFY_THROWS_EXCEPTION(Error, topKAccuracy(scores, 3, std::vector<int64_t>{0, 1, 3}, 1));
        QVERIFY_THROWS_EXCEPTION(Error, topKAccuracy(scores, 4, truth, 1));
        QVERIFY_THROWS_EXCEPTION(Error, topKAccuracy(scores, 3, truth, 0));
    }

    void recallCountsAnyRelevantTarget() {
        const std::vector<float> sims = {0.1f, 0.9f, 0.3f, 0.2f,  //
                                         0.4f, 0.3f, 0.2f, 0.1f,  //
                                         0.0f, 0.0f, 0.0f, 0.0f};
        const std::vector<std::vector<size_t>> relevant = {{2, 3}, {0}, {}};  // query 2: left out
        QCOMPARE(recallAtK(sims, 4, relevant, 1), 0.5);
        QCOMPARE(recallAtK(sims, 4, relevant, 2), 1.0);
        const std::vector<size_t> ranks = bestRelevantRanks(sims, 4, relevant);
        QCOMPARE(ranks[0], size_t{1});
        QCOMPARE(ranks[1], size_t{0});
        QVERIFY(std::isnan(recallAtK(sims, 4, {{}, {}, {}}, 1)));
        QVERIFY_THROWS_EXCEPTION(Error, recallAtK(sims, 4, {{4}, {}, {}}, 1));
        QVERIFY_THROWS_EXCEPTION(Error, recallAtK(sims, 3, relevant, 1));
    }

    void evaluationOfEmbeddingsAgainstHandComputation() {
        // i0 = (1,0) "a"/"x", i1 = (0,1) "b"/"y", i2 = (0.6,0.8) "a"/"x": i2 looks like class b.
        const std::vector<TrainingExample> examples = {
            {"0.png", "", "x", "a", "0"}, {"1.png", "", "y", "b", "1"}, {"2.png", "", "x", "a", "2"}};
        const EvalTexts texts = evalTexts(examples, CaptionStyle::PhotoOf);
        QCOMPARE(texts.classNames, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(texts.captions, (std::vector<std::string>{"x", "y"}));
        QCOMPARE(texts.imageCaption, (std::vector<int64_t>{0, 1, 0}));
        const std::vector<float> images = {1, 0, 0, 1, 0.6f, 0.8f};
        const std::vector<float> classes = {1, 0, 0, 1};
        const std::vector<float> captions = {1, 0, 0, 1};
        const EvalMetrics m = evaluateEmbeddings(texts, {2, images, classes, captions});
        QCOMPARE(m.n, size_t{3});
        QCOMPARE(m.top1, 2.0 / 3.0);
        QCOMPARE(m.top5, 1.0);
        QCOMPARE(m.perClassTop1[0], 0.5);
        QCOMPARE(m.perClassTop1[1], 1.0);
        QCOMPARE(m.i2tRecall[0], 2.0 / 3.0);
        QCOMPARE(m.i2tRecall[1], 1.0);
        QCOMPARE(m.t2iRecall[0], 1.0);  // caption x: i0 (relevant) ranks first
        const nlohmann::json j = toJson(m);
        QCOMPARE(j["per_class"]["a"].get<double>(), 0.5);
        QCOMPARE(j["i2t_recall@1"].get<double>(), 2.0 / 3.0);
        QVERIFY(j.contains("t2i_recall@10"));
        // Given classes: an unknown label counts as unlabelled.
        const EvalTexts only = evalTexts(examples, CaptionStyle::PhotoOf, {"b"});
        QCOMPARE(only.imageClass, (std::vector<int64_t>{-1, 0, -1}));
        QVERIFY_THROWS_EXCEPTION(Error, evaluateEmbeddings(texts, {2, std::vector<float>(4), classes, captions}));
    }

    // ---- schedule and parameter rules ----
    void scheduleWarmsUpThenFollowsTheCosine() {
        const LrSchedule s{1e-3, 10, 110};
        QCOMPARE(s.at(0), 1e-4);
        QCOMPARE(s.at(9), 1e-3);
        QCOMPARE(s.at(10), 1e-3);
        QVERIFY(std::abs(s.at(60) - 0.5e-3) < 1e-15);
        QVERIFY(s.at(109) > 0 && s.at(109) < 1e-6);
        QCOMPARE((LrSchedule{2e-5, 0, 1}.at(0)), 2e-5);
    }

    void freezeRulesAndWeightDecay() {
        const FreezeOptions text = FreezeOptions::parse("text");
        QVERIFY(!isTrainable("token_embedding.weight", text, 12, 12));
        QVERIFY(!isTrainable("transformer.resblocks.3.attn.in_proj_weight", text, 12, 12));
        QVERIFY(!isTrainable("text_projection", text, 12, 12));
        QVERIFY(isTrainable("visual.transformer.resblocks.3.attn.in_proj_weight", text, 12, 12));
        QVERIFY(isTrainable("logit_scale", text, 12, 12));
        const FreezeOptions last = FreezeOptions::parse("last:2");
        QCOMPARE(last.name(), std::string("last:2"));
        QVERIFY(isTrainable("visual.transformer.resblocks.10.mlp.c_fc.weight", last, 12, 12));
        QVERIFY(!isTrainable("visual.transformer.resblocks.9.mlp.c_fc.weight", last, 12, 12));
        QVERIFY(isTrainable("transformer.resblocks.11.ln_1.bias", last, 12, 12));
        QVERIFY(!isTrainable("transformer.resblocks.1.ln_1.bias", last, 12, 12));
        QVERIFY(isTrainable("visual.proj", last, 12, 12));
        QVERIFY(isTrainable("visual.ln_post.weight", last, 12, 12));
        QVERIFY(isTrainable("ln_final.bias", last, 12, 12));
        QVERIFY(!isTrainable("visual.conv1.weight", last, 12, 12));
        QVERIFY(!isTrainable("visual.class_embedding", last, 12, 12));
        QVERIFY(!isTrainable("positional_embedding", last, 12, 12));
        QVERIFY(isTrainable("anything", FreezeOptions::parse("full"), 12, 12));
        for (const char* bad : {"last:0", "last:", "last:x", "frozen"})
            QVERIFY_THROWS_EXCEPTION(Error, FreezeOptions::parse(bad));

        QVERIFY(hasWeightDecay("visual.conv1.weight", 4));
        QVERIFY(hasWeightDecay("token_embedding.weight", 2));
        QVERIFY(hasWeightDecay("transformer.resblocks.0.attn.in_proj_weight", 2));
        QVERIFY(!hasWeightDecay("transformer.resblocks.0.attn.in_proj_bias", 1));
        QVERIFY(!hasWeightDecay("logit_scale", 0));
        QVERIFY(!hasWeightDecay("positional_embedding", 2));
        QVERIFY(!hasWeightDecay("visual.positional_embedding", 2));
        QVERIFY(!hasWeightDecay("visual.class_embedding", 1));
    }

    // ---- randomness, augmentation, loading ----
    void epochOrderIsAKeyedPermutation() {
        const auto a = epochOrder(100, 7, 0);
        QCOMPARE(std::set<size_t>(a.begin(), a.end()).size(), size_t{100});
        QVERIFY(a == epochOrder(100, 7, 0));
        QVERIFY(a != epochOrder(100, 7, 1));
        QVERIFY(a != epochOrder(100, 8, 0));
        TrainingRandom r(1);
        for (int i = 0; i < 1000; ++i) {
            const double x = r.uniform();
            QVERIFY(x >= 0.0 && x < 1.0);
            QVERIFY(r.below(3) < 3);
        }
    }

    void augmentationIsDeterministicAndSkySafe() {
        const Raster8 image = trainingtestdata::picture(0, 3, 64);
        const PreprocessConfig config{32};
        AugmentOptions options;
        std::vector<float> a(3 * 32 * 32), b(a.size()), c(a.size());
        TrainingRandom r1 = TrainingRandom::forKey(5, 2, 9);
        TrainingRandom r2 = TrainingRandom::forKey(5, 2, 9);
        TrainingRandom r3 = TrainingRandom::forKey(5, 3, 9);
        augmentedClipInput(image, config, options, r1, a.data());
        augmentedClipInput(image, config, options, r2, b.data());
        augmentedClipInput(image, config, options, r3, c.data());
        QVERIFY(a == b);
        QVERIFY(a != c);
        // Values are normalised display values: (0..1 - mean) / std.
        for (const float v : a) QVERIFY(v > -1.8f && v < 2.2f);

        // Geometry only (full-frame crop, no jitter): each output is the plain resize turned by a
        // multiple of 90 degrees and/or flipped, never anything else.
        AugmentOptions geometric;
        geometric.cropScaleMin = geometric.cropScaleMax = 1.0;
        geometric.cropRatioMin = geometric.cropRatioMax = 1.0;
        geometric.brightness = geometric.contrast = geometric.stretch = 0.0;
        AugmentOptions none = geometric;
        none.flips = none.rotations = false;
        std::vector<float> plain(a.size());
        TrainingRandom r0(0);
        augmentedClipInput(image, config, none, r0, plain.data());
        for (uint64_t key = 0; key < 8; ++key) {
            TrainingRandom r = TrainingRandom::forKey(1, 0, key);
            std::vector<float> out(a.size());
            augmentedClipInput(image, config, geometric, r, out.data());
            bool matched = false;
            for (int flip = 0; flip < 2 && !matched; ++flip) {
                for (int turns = 0; turns < 4 && !matched; ++turns) {
                    bool same = true;
                    for (int y = 0; y < 32 && same; ++y)
                        for (int x = 0; x < 32 && same; ++x) {
                            int sx = flip ? 31 - x : x, sy = y;
                            for (int t = 0; t < turns; ++t) std::tie(sx, sy) = std::pair(sy, 31 - sx);
                            same = out[y * 32 + x] == plain[sy * 32 + sx];
                        }
                    matched = same;
                }
            }
            QVERIFY2(matched, qPrintable(QString("key %1").arg(key)));
        }
        Raster8 grey = image;
        grey.channels = 1;
        QVERIFY_THROWS_EXCEPTION(Error, augmentedClipInput(grey, config, options, r1, a.data()));
    }

    void batchLoaderIsOrderedDeterministicAndSkipsBadFiles() {
        QTemporaryDir dir;
        auto examples = trainingtestdata::writeDataset(dir.path().toStdString(), 3);
        examples[4].imagePath = dir.filePath("broken.png").toStdString();
        std::ofstream(examples[4].imagePath) << "not a png";
        const PreprocessConfig config{32};
        const auto order = epochOrder(examples.size(), 3, 1);
        const auto collect = [&](int workers, size_t firstBatch, std::vector<std::string>* errors) {
            ImageCache cache(examples, 64);
            BatchLoaderOptions o;
            o.batchSize = 5;
            o.workers = workers;
            o.prefetch = 2;
            o.seed = 3;
            o.epoch = 1;
            o.firstBatch = firstBatch;
            BatchLoader loader(cache, order, config, AugmentOptions{}, o);
            std::vector<LoadedBatch> batches;
            while (auto b = loader.next()) {
                if (errors) errors->insert(errors->end(), b->errors.begin(), b->errors.end());
                batches.push_back(std::move(*b));
            }
            return batches;
        };
        std::vector<std::string> errors;
        const auto serial = collect(0, 0, nullptr);
        const auto threaded = collect(3, 0, &errors);
        QCOMPARE(serial.size(), size_t{3});  // 12 examples in batches of 5
        QCOMPARE(errors.size(), size_t{1});
        QVERIFY(errors[0].find("broken.png") != std::string::npos);
        size_t images = 0;
        for (size_t b = 0; b < serial.size(); ++b) {
            QCOMPARE(threaded[b].index, b);
            QVERIFY(threaded[b].examples == serial[b].examples);
            QVERIFY(threaded[b].pixels == serial[b].pixels);
            QCOMPARE(serial[b].pixels.size(), serial[b].examples.size() * 3 * 32 * 32);
            images += serial[b].examples.size();
            std::vector<size_t> expected;  // the epoch order, cut in fives, without the broken file
            for (size_t i = b * 5; i < std::min(order.size(), b * 5 + 5); ++i)
                if (order[i] != 4) expected.push_back(order[i]);
            QVERIFY(serial[b].examples == expected);
        }
        QCOMPARE(images, size_t{11});
        const auto resumed = collect(1, 2, nullptr);  // resuming at batch 2 gives the same batch 2
        QCOMPARE(resumed.size(), size_t{1});
        QVERIFY(resumed[0].pixels == serial[2].pixels);
    }

    // ---- JSON and folders ----
    void epochMetricsAndStateRoundTrip() {
        EpochMetrics m;
        m.epoch = 3;
        m.step = 42;
        m.trainLoss = 1.0 / 3.0;
        m.valLoss = std::numeric_limits<double>::quiet_NaN();
        m.lr = 1.2345e-5;
        m.trainSamples = 77;
        m.val.n = 10;
        m.val.labelled = 9;
        m.val.top1 = 0.7;
        m.val.top5 = 1.0;
        m.val.classNames = {"a", "b"};
        m.val.perClassTop1 = {0.5, std::numeric_limits<double>::quiet_NaN()};
        m.val.perClassCount = {9, 0};
        m.val.i2tRecall[2] = 0.25;
        const EpochMetrics back = epochMetricsFromJson(toJson(m));
        QCOMPARE(back.epoch, 3);
        QCOMPARE(back.step, int64_t{42});
        QCOMPARE(back.trainLoss, 1.0 / 3.0);
        QVERIFY(std::isnan(back.valLoss));
        QCOMPARE(back.val.top1, 0.7);
        QCOMPARE(back.val.classNames, m.val.classNames);
        QVERIFY(std::isnan(back.val.perClassTop1[1]));
        QCOMPARE(back.val.perClassCount[0], size_t{9});
        QCOMPARE(back.val.i2tRecall[2], 0.25);

        TrainingState s;
        s.epoch = 2;
        s.batch = 4;
        s.step = 9;
        s.epochLossSum = 0.1 + 0.2;
        s.epochSamples = 12;
        s.history = {m, m};
        s.best = m;
        s.seed = 123456789012345ull;
        s.fingerprint = trainingFingerprint({{"a.png", "", "x", "", ""}}, CaptionStyle::PhotoOf);
        const TrainingState t = TrainingState::fromJson(s.toJson(), "state");
        QCOMPARE(t.epochLossSum, 0.1 + 0.2);  // exact
        QCOMPARE(t.seed, s.seed);
        QCOMPARE(t.history.size(), size_t{2});
        QVERIFY(t.best.has_value());
        QCOMPARE(t.fingerprint, s.fingerprint);
        QVERIFY(s.fingerprint != trainingFingerprint({{"a.png", "", "y", "", ""}}, CaptionStyle::PhotoOf));
        QVERIFY_THROWS_EXCEPTION(Error, TrainingState::fromJson(nlohmann::json::object(), "state"));
    }

    void bestCheckpointOrdering() {
        EpochMetrics a, b;
        a.epoch = 1;
        b.epoch = 2;
        a.val.top1 = 0.8;
        b.val.top1 = 0.7;
        a.valLoss = 2.0;
        b.valLoss = 1.0;
        QVERIFY(a.betterThan(b));  // top-1 first
        b.val.top1 = 0.8;
        QVERIFY(b.betterThan(a));  // tie -> lower loss
        b.val.top1 = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(a.betterThan(b));  // NaN is worst
    }

    void foldersAreReplacedWhole() {
        QTemporaryDir dir;
        const std::string target = dir.filePath("best").toStdString();
        const auto write = [](const std::string& folder, const std::string& text) {
            std::ofstream(folder + "/file.txt") << text;
        };
        replaceFolderAtomically(target, [&](const std::string& f) { write(f, "one"); });
        replaceFolderAtomically(target, [&](const std::string& f) { write(f, "two"); });
        std::string text;
        std::ifstream(target + "/file.txt") >> text;
        QCOMPARE(text, std::string("two"));
        QVERIFY(!std::filesystem::exists(target + ".old"));
        QVERIFY(!std::filesystem::exists(target + ".tmp"));
        // A failing writer leaves the old folder as it was.
        QVERIFY_THROWS_EXCEPTION(Error, replaceFolderAtomically(target, [](const std::string&) {
                                     throw Error("disk full");
                                 }));
        std::ifstream(target + "/file.txt") >> text;
        QCOMPARE(text, std::string("two"));
        QCOMPARE(existingCheckpointFolder(target), target);
        std::filesystem::rename(target, target + ".old");  // a crash between the two renames
        QCOMPARE(existingCheckpointFolder(target), target + ".old");
        QCOMPARE(existingCheckpointFolder(dir.filePath("none").toStdString()), std::string());
    }
};

QTEST_APPLESS_MAIN(TestTrainingData)
#include "tst_trainingdata.moc"
