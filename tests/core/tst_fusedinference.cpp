// LibTorch before Qt: Qt's `slots` macro breaks torch's ivalue headers.
#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/blasgemm.h"
#include "model/clipencoder.h"
#include "model/clipmodel.h"
#include "model/clipmodelloader.h"
#include "model/cpukernels.h"

#include <QtTest>

// The fused inference path of the transformer blocks (CpuKernels, BlasGemm, ResidualAttentionBlock::
// forwardFused, Transformer::forwardPooled, the patch GEMM) against the plain LibTorch modules it
// replaces, and the bfloat16 precision mode against float32.

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const std::string kReference = std::string(COSMOCLIP_SHARED_DIR) + "/clip-reference";

std::vector<float> randomFloats(size_t n, float scale, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, scale);
    std::vector<float> v(n);
    for (auto& x : v) x = normal(rng);
    return v;
}

double maxRelativeDifference(const at::Tensor& a, const at::Tensor& b) {
    return (a - b).abs().max().item<double>() / std::max(1e-12, b.abs().max().item<double>());
}

// Row-wise cosine similarity, the worst row.
double minCosine(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor ad = a.to(at::kDouble), bd = b.to(at::kDouble);
    return ((ad * bd).sum(1) / (ad.norm(2, 1) * bd.norm(2, 1))).min().item<double>();
}

// Sizes that are no multiple of the kernels' 16 lanes, several heads, GELU or QuickGELU.
ClipConfig oddConfig(ClipActivation activation) {
    ClipConfig c = ClipConfig::tiny(1000);
    c.vision = {48, 16, 72, 2, 3, 200};  // 9 patches + class token, head size 24
    c.text.width = 40;
    c.text.heads = 2;
    c.text.intermediate = 90;
    c.text.layers = 3;
    c.activation = activation;
    c.validate("oddConfig");
    return c;
}

// Text ids of several lengths (start 998, end 999 = argmax pooling), zero padded.
at::Tensor textIds(int64_t context) {
    at::Tensor ids = at::zeros({4, context}, at::kLong);
    const int64_t lengths[] = {2, 5, context, 9};
    for (int64_t row = 0; row < 4; ++row) {
        const int64_t n = std::min(lengths[row], context);
        for (int64_t i = 0; i < n; ++i)
            ids[row][i] = i == 0 ? 998 : (i == n - 1 ? 999 : 1 + (7 * i + row) % 900);
    }
    return ids;
}

// The kernel builds this CPU runs; each test runs with every one.
QStringList instructionSets() {
    QStringList sets;
    for (const char* name : {"avx512", "avx2", "generic"})
        if (CpuKernels::useInstructionSet(name)) sets << name;
    CpuKernels::useInstructionSet("");
    return sets;
}

void useInstructionSet(const QString& name) {
    QVERIFY(CpuKernels::useInstructionSet(name.toUtf8().constData()));
}

struct Outputs {
    at::Tensor image, text;
};

Outputs run(ClipModel& model, const at::Tensor& images, const at::Tensor& ids) {
    return {model->encodeImage(images), model->encodeText(ids)};
}

}  // namespace

class TestFusedInference : public QObject {
    Q_OBJECT

private slots:
    void init() {
        at::set_num_threads(1);
        setFusedInference(true);
    }
    void cleanup() {
        setFusedInference(true);
        CpuKernels::useInstructionSet("");
    }

    // Every build of the kernels this CPU runs (the widest is the default).
    void everyInstructionSetIsUsable() {
        QVERIFY(CpuKernels::useInstructionSet("generic"));
        QCOMPARE(std::string(CpuKernels::instructionSet()), std::string("generic"));
        QVERIFY(!CpuKernels::useInstructionSet("sse1"));
        QCOMPARE(std::string(CpuKernels::instructionSet()), std::string("generic"));
    }

    void layerNormMatchesDoublePrecision_data() {
        QTest::addColumn<QString>("isa");
        QTest::addColumn<int>("width");
        for (const QString& isa : instructionSets())
            for (int w : {1, 7, 16, 40, 768, 1000})
                QTest::newRow(qPrintable(isa + "/" + QString::number(w))) << isa << w;
    }
    void layerNormMatchesDoublePrecision() {
        QFETCH(QString, isa);
        QFETCH(int, width);
        useInstructionSet(isa);
        const int rows = 5;
        auto x = randomFloats(size_t(rows * width), 3.0f, 1);
        for (auto& v : x) v += 10.0f;  // an offset, where one-pass variance would lose digits
        const auto gamma = randomFloats(size_t(width), 1.0f, 2), beta = randomFloats(size_t(width), 1.0f, 3);
        std::vector<float> out(x.size());
        CpuKernels::layerNorm(x.data(), out.data(), rows, width, gamma.data(), beta.data(), 1e-5f);
        double worst = 0;
        for (int r = 0; r < rows; ++r) {
            double mean = 0, var = 0;
            for (int j = 0; j < width; ++j) mean += x[size_t(r * width + j)];
            mean /= width;
            for (int j = 0; j < width; ++j) var += std::pow(x[size_t(r * width + j)] - mean, 2);
            const double rstd = 1.0 / std::sqrt(var / width + 1e-5);
            for (int j = 0; j < width; ++j) {
                const double expected =
                    (x[size_t(r * width + j)] - mean) * rstd * gamma[size_t(j)] + beta[size_t(j)];
                worst = std::max(worst, std::abs(out[size_t(r * width + j)] - expected));
            }
        }
        QVERIFY2(worst < 2e-5, qPrintable(QString::number(worst)));
    }

    // QuickGELU over the whole float range that matters, incl. the exp() clamps at both ends.
    void biasQuickGeluMatchesDoublePrecision_data() {
        QTest::addColumn<QString>("isa");
        for (const QString& isa : instructionSets()) QTest::newRow(qPrintable(isa)) << isa;
    }
    void biasQuickGeluMatchesDoublePrecision() {
        QFETCH(QString, isa);
        useInstructionSet(isa);
        const int cols = 37;
        std::vector<float> x, bias(cols);
        for (int j = 0; j < cols; ++j) bias[size_t(j)] = 0.01f * float(j - 18);
        for (float v = -120.0f; v <= 120.0f; v += 0.0173f) x.push_back(v);
        x.resize(x.size() / cols * cols);
        std::vector<float> y = x;
        CpuKernels::biasQuickGelu(y.data(), bias.data(), int64_t(x.size() / cols), cols);
        double worst = 0;
        for (size_t i = 0; i < x.size(); ++i) {
            const double v = double(x[i]) + bias[i % cols];
            const double expected = v / (1.0 + std::exp(-1.702 * v));
            worst = std::max(worst, std::abs(y[i] - expected) / std::max(1.0, std::abs(expected)));
            QVERIFY(std::isfinite(y[i]));
        }
        QVERIFY2(worst < 2e-6, qPrintable(QString::number(worst)));
    }

    // The attention kernel on strided Q/K/V with biases, a causal mask and single pooled queries, against
    // the same maths in LibTorch.
    void attentionMatchesLibTorch_data() {
        QTest::addColumn<QString>("isa");
        QTest::addColumn<bool>("masked");
        QTest::addColumn<bool>("pooled");
        for (const QString& isa : instructionSets())
            for (bool masked : {false, true})
                for (bool pooled : {false, true})
                    QTest::newRow(qPrintable(QString("%1/mask%2/pooled%3").arg(isa).arg(masked).arg(pooled)))
                        << isa << masked << pooled;
    }
    void attentionMatchesLibTorch() {
        QFETCH(QString, isa);
        QFETCH(bool, masked);
        QFETCH(bool, pooled);
        useInstructionSet(isa);
        QVERIFY(BlasGemm::available());
        const int64_t batch = 3, tokens = 11, heads = 3, d = 20, w = heads * d;
        at::manual_seed(5);
        at::Tensor qkv = at::randn({batch, tokens, 3 * w});
        const at::Tensor bias = at::randn({3 * w});
        const at::Tensor mask = at::full({tokens, tokens}, -INFINITY).triu_(1);
        const at::Tensor positions = at::tensor(std::vector<int64_t>{10, 0, 4});
        // Reference: [B, H, N, D] heads, softmax(q k^T / sqrt(d) + mask) v.
        const at::Tensor biased = (qkv + bias).view({batch, tokens, 3, heads, d}).permute({2, 0, 3, 1, 4});
        at::Tensor scores = at::matmul(biased[0], biased[1].transpose(-1, -2)) / std::sqrt(double(d));
        if (masked) scores = scores + mask;
        at::Tensor expected =
            at::matmul(at::softmax(scores, -1), biased[2]).permute({0, 2, 1, 3}).reshape({batch, tokens, w});
        if (pooled) expected = expected.gather(1, positions.view({-1, 1, 1}).expand({batch, 1, w}));

        AttentionArgs a;
        a.queries = pooled ? 1 : tokens;
        a.keys = tokens, a.heads = heads, a.headDim = d, a.scale = float(1.0 / std::sqrt(double(d)));
        float* p = qkv.data_ptr<float>();
        at::Tensor q;  // pooled: the queries on their own, one row per element
        if (pooled) {
            q = qkv.gather(1, positions.view({-1, 1, 1}).expand({batch, 1, 3 * w}))
                    .slice(2, 0, w)
                    .contiguous();
            a.q = q.data_ptr<float>(), a.qRowStride = w, a.qBatchStride = w,
            a.queryPositions = positions.data_ptr<int64_t>();
        } else {
            a.q = p, a.qRowStride = 3 * w, a.qBatchStride = tokens * 3 * w;
        }
        a.k = p + w, a.v = p + 2 * w;
        a.kRowStride = a.vRowStride = 3 * w;
        a.kBatchStride = a.vBatchStride = tokens * 3 * w;
        a.qBias = bias.data_ptr<float>(), a.kBias = a.qBias + w, a.vBias = a.qBias + 2 * w;
        if (masked) a.mask = mask.data_ptr<float>(), a.maskRowStride = tokens;
        at::Tensor out = at::empty({batch, a.queries, w});
        a.out = out.data_ptr<float>(), a.outRowStride = w, a.outBatchStride = a.queries * w;
        CpuKernels::attention(a, 0, batch);
        const double diff = maxRelativeDifference(out, expected);
        QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
    }

    // Whole towers: the fused path (inference mode and no_grad) equals the LibTorch modules.
    void fusedTowersEqualModules_data() {
        QTest::addColumn<QString>("isa");
        QTest::addColumn<int>("activation");
        QTest::addColumn<bool>("inferenceMode");
        QTest::addColumn<int>("threads");
        for (const QString& isa : instructionSets())
            for (auto act : {ClipActivation::QuickGelu, ClipActivation::Gelu})
                for (bool inference : {true, false})
                    for (int threads : {1, 2})
                        QTest::newRow(qPrintable(QString("%1/%2/%3/threads%4")
                                                     .arg(isa)
                                                     .arg(activationName(act))
                                                     .arg(inference ? "inference" : "no_grad")
                                                     .arg(threads)))
                            << isa << int(act) << inference << threads;
    }
    void fusedTowersEqualModules() {
        QFETCH(QString, isa);
        QFETCH(int, activation);
        QFETCH(bool, inferenceMode);
        QFETCH(int, threads);
        useInstructionSet(isa);
        const ClipConfig config = oddConfig(ClipActivation(activation));
        at::manual_seed(3);
        ClipModel model(config);
        model->eval();
        const at::Tensor images = at::randn({5, 3, 48, 48});
        const at::Tensor ids = textIds(config.text.contextLength);
        at::set_num_threads(threads);
        std::optional<c10::InferenceMode> inference;
        std::optional<at::NoGradGuard> noGrad;
        if (inferenceMode)
            inference.emplace();
        else
            noGrad.emplace();
        // The fused path must really be taken, else this test compares the modules with themselves.
        auto& block = *std::dynamic_pointer_cast<ResidualAttentionBlockImpl>(
            model->visual->transformer->resblocks->ptr(0));
        QVERIFY(block.runsFused(at::zeros({1, 10, 72}), {}));
        const Outputs fused = run(model, images, ids);
        setFusedInference(false);
        QVERIFY(!block.runsFused(at::zeros({1, 10, 72}), {}));
        const Outputs plain = run(model, images, ids);
        QCOMPARE(fused.image.sizes(), plain.image.sizes());
        QCOMPARE(fused.text.sizes(), plain.text.sizes());
        const double imageDiff = maxRelativeDifference(fused.image, plain.image);
        const double textDiff = maxRelativeDifference(fused.text, plain.text);
        qInfo("max relative difference: image %.3g, text %.3g", imageDiff, textDiff);
        QVERIFY2(imageDiff < 1e-5, qPrintable(QString::number(imageDiff)));
        QVERIFY2(textDiff < 1e-5, qPrintable(QString::number(textDiff)));
    }

    // With autograd on (training) the modules run as before and gradients flow to every weight.
    void trainingKeepsAutograd() {
        const ClipConfig config = oddConfig(ClipActivation::QuickGelu);
        at::manual_seed(3);
        ClipModel model(config);
        auto& block = *std::dynamic_pointer_cast<ResidualAttentionBlockImpl>(
            model->visual->transformer->resblocks->ptr(0));
        QVERIFY(!block.runsFused(at::zeros({1, 10, 72}), {}));
        const at::Tensor loss = model->encodeImage(at::randn({2, 3, 48, 48})).square().sum() +
                                model->encodeText(textIds(config.text.contextLength)).square().sum();
        loss.backward();
        for (const auto& p : model->named_parameters()) {
            if (p.key() == "logit_scale") continue;
            QVERIFY2(p.value().grad().defined(), p.key().c_str());
        }
        QVERIFY(model->visual->conv1->weight.grad().abs().sum().item<double>() > 0);
    }

    // Under autocast (mixed-precision training and its evaluation) the modules decide the precision
    // per op, so the fused path stays out.
    void autocastKeepsTheModules() {
        ResidualAttentionBlock block(BlockOptions{64, 2, 256});
        at::NoGradGuard noGrad;
        const at::Tensor x = at::randn({2, 5, 64});
        QVERIFY(block->runsFused(x, {}));
        at::autocast::set_cpu_enabled(true);
        const bool fusedUnderAutocast = block->runsFused(x, {});
        at::autocast::set_cpu_enabled(false);
        QVERIFY(!fusedUnderAutocast);
    }

    // Reduced precision (bfloat16 GEMMs, int8 dynamic quantisation): close to float32 (cosine >= 0.99
    // per embedding), yet really different arithmetic.
    void reducedPrecisionStaysCloseToFloat32_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("precision");
        for (auto precision : {ClipPrecision::BFloat16, ClipPrecision::Int8}) {
            QTest::newRow(qPrintable(QString("reference-hf/") + precisionName(precision)))
                << "hf" << int(precision);
            QTest::newRow(qPrintable(QString("random-ViT-B/32/") + precisionName(precision)))
                << "ViT-B/32" << int(precision);
        }
    }
    void reducedPrecisionStaysCloseToFloat32() {
        QFETCH(QString, model);
        QFETCH(int, precision);
        LoadedClipModel loaded;
        if (model == "hf") {
            if (!fs::exists(kReference + "/model-hf")) QSKIP("shared clip-reference material is absent");
            loaded = ClipModelLoader::load(kReference + "/model-hf");
        } else {
            at::manual_seed(11);
            loaded.config = ClipConfig::named("ViT-B/32");
            loaded.model = ClipModel(loaded.config);
            loaded.preprocess = ClipPreprocessorConfig::forImageSize(224);
        }
        const int64_t r = loaded.config.vision.imageSize;
        const std::vector<float> pixels = randomFloats(size_t(3 * 3 * r * r), 1.0f, 9);
        std::vector<std::vector<int32_t>> texts;
        const auto ids = textIds(std::min<int64_t>(loaded.config.text.contextLength, 20));
        const auto eot = int32_t(loaded.config.text.vocabSize - 1);
        for (int64_t row = 0; row < ids.size(0); ++row) {
            std::vector<int32_t> t;
            for (int64_t i = 0; i < ids.size(1); ++i) {
                const auto id = int32_t(ids[row][i].item<int64_t>());
                if (id == 999) {
                    t.push_back(eot);
                    break;
                }
                t.push_back(id == 998 ? eot - 1 : id);
            }
            texts.push_back(t);
        }
        ClipEncoder encoder(std::move(loaded), ClipEncoderOptions{1, 8, false});
        const auto fp32Images = encoder.encodeImages(pixels.data(), 3);
        const auto fp32Texts = encoder.encodeTexts(texts);
        encoder.setOptions(ClipEncoderOptions{1, 8, false, true, ClipPrecision(precision)});
        const auto lowImages = encoder.encodeImages(pixels.data(), 3);
        const auto lowTexts = encoder.encodeTexts(texts);
        const int64_t e = encoder.embedDim();
        const auto asTensor = [e](const std::vector<float>& v) {
            return at::from_blob(const_cast<float*>(v.data()), {int64_t(v.size()) / e, e}, at::kFloat);
        };
        const double imageCos = minCosine(asTensor(lowImages), asTensor(fp32Images));
        const double textCos = minCosine(asTensor(lowTexts), asTensor(fp32Texts));
        qInfo("%s vs fp32: worst cosine image %.6f, text %.6f", precisionName(ClipPrecision(precision)),
              imageCos, textCos);
        QVERIFY2(imageCos >= 0.99, qPrintable(QString::number(imageCos)));
        QVERIFY2(textCos >= 0.99, qPrintable(QString::number(textCos)));
        QVERIFY(lowImages != fp32Images);  // the mode did change the arithmetic
        QVERIFY(lowTexts != fp32Texts);
        // Back to float32: the same vectors as before (the converted weights live beside the originals).
        encoder.setOptions(ClipEncoderOptions{1, 8, false});
        QVERIFY(encoder.encodeImages(pixels.data(), 3) == fp32Images);
    }

    void precisionNames() {
        QCOMPARE(parsePrecision("bf16"), ClipPrecision::BFloat16);
        QCOMPARE(parsePrecision("fp32"), ClipPrecision::Float32);
        QCOMPARE(parsePrecision("int8"), ClipPrecision::Int8);
        QCOMPARE(std::string(precisionName(ClipPrecision::BFloat16)), std::string("bf16"));
        QCOMPARE(std::string(precisionName(ClipPrecision::Int8)), std::string("int8"));
        QVERIFY_THROWS_EXCEPTION(Error, parsePrecision("int4"));
    }
};

QTEST_APPLESS_MAIN(TestFusedInference)
#include "tst_fusedinference.moc"
