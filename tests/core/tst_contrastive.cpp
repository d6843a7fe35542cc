// Contrastive loss (soft targets vs CLIP's loss), autograd through the CLIP modules in training mode,
// and the fine-tuning optimizer: parameter groups, freezing, logit_scale clamp, state files.
#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/optim/adamw.h>

#include <cmath>
#include <limits>

#include "common/error.h"
#include "model/clipmodel.h"
#include "model/residualattentionblock.h"
#include "training/contrastiveloss.h"
#include "training/parameterrules.h"
#include "training/trainingoptimizer.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace cosmoclip;

namespace {

// CLIP's loss as docs/clip-spec.md §6 writes it: labels arange(B), cross-entropy both ways.
at::Tensor referenceClipLoss(const at::Tensor& image, const at::Tensor& text, double logitScale) {
    const at::Tensor i = image / image.norm(2, -1, true);
    const at::Tensor t = text / text.norm(2, -1, true);
    const at::Tensor logits = std::exp(logitScale) * at::matmul(i, t.t());
    const at::Tensor labels = at::arange(image.size(0), at::kLong);
    return (at::cross_entropy_loss(logits, labels) + at::cross_entropy_loss(logits.t(), labels)) / 2;
}

// Token ids of `batch` texts for a model with vocabulary `vocab`: start, random tokens, end (largest id).
at::Tensor randomIds(int64_t batch, int64_t vocab) {
    at::Tensor ids = at::randint(1, vocab - 2, {batch, 8}, at::kLong);
    ids.select(1, 0).fill_(vocab - 2);
    for (int64_t b = 0; b < batch; ++b) ids[b][3 + b % 4] = vocab - 1;
    return ids;
}

at::Tensor trainingLoss(ClipModelImpl& model, int64_t batch = 4) {
    const at::Tensor images = at::randn({batch, 3, 32, 32});
    const at::Tensor ids = randomIds(batch, model.config().text.vocabSize);
    return contrastiveLoss(model.encodeImage(images), model.encodeText(ids), model.logit_scale);
}

std::map<std::string, at::Tensor> snapshot(ClipModelImpl& model) {
    std::map<std::string, at::Tensor> copy;
    for (const auto& p : model.named_parameters(true)) copy[p.key()] = p.value().detach().clone();
    return copy;
}

}  // namespace

class TestContrastive : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { at::manual_seed(11); }

    void distinctCaptionsGiveClipLoss() {
        const at::Tensor image = at::randn({6, 8}).requires_grad_();
        const at::Tensor text = at::randn({6, 8}).requires_grad_();
        const at::Tensor scale = at::full({}, std::log(1 / 0.07));
        const at::Tensor reference = referenceClipLoss(image, text, std::log(1 / 0.07));
        const std::vector<std::string> captions = {"a", "b", "c", "d", "e", "f"};
        const at::Tensor soft = contrastiveLoss(image, text, scale, positivePairs(captions, {"x", "y", "", "", "z", "w"}));
        const at::Tensor plain = contrastiveLoss(image, text, scale);
        QVERIFY2(std::abs(soft.item<double>() - reference.item<double>()) < 1e-6,
                 qPrintable(QString("%1 vs %2").arg(soft.item<double>()).arg(reference.item<double>())));
        QVERIFY(std::abs(plain.item<double>() - reference.item<double>()) < 1e-6);
        // Same gradients too.
        const auto g1 = torch::autograd::grad({soft}, {image, text});
        const auto g2 = torch::autograd::grad({reference}, {image, text});
        QVERIFY(at::allclose(g1[0], g2[0], 1e-5, 1e-6));
        QVERIFY(at::allclose(g1[1], g2[1], 1e-5, 1e-6));
    }

    void sharedCaptionsAreSoftPositives() {
        // Items 0 and 1 share a caption: rows and columns 0 and 1 aim at {0, 1} with 1/2 each.
        const at::Tensor image = at::randn({3, 5});
        const at::Tensor text = at::randn({3, 5});
        const double s = 2.0;
        const at::Tensor loss = contrastiveLoss(image, text, at::full({}, s), positivePairs({"a", "a", "b"}));
        const at::Tensor i = image / image.norm(2, -1, true);
        const at::Tensor t = text / text.norm(2, -1, true);
        const at::Tensor logits = (std::exp(s) * at::matmul(i, t.t())).to(at::kDouble);
        const double target[3][3] = {{0.5, 0.5, 0}, {0.5, 0.5, 0}, {0, 0, 1}};
        double expected = 0;
        for (const bool transposed : {false, true}) {
            const at::Tensor l = transposed ? logits.t().contiguous() : logits;
            for (int r = 0; r < 3; ++r) {
                double norm = 0;
                for (int c = 0; c < 3; ++c) norm += std::exp(l[r][c].item<double>());
                for (int c = 0; c < 3; ++c)
                    if (target[r][c] > 0) expected -= target[r][c] * (l[r][c].item<double>() - std::log(norm)) / 3;
            }
        }
        expected /= 2;
        QVERIFY2(std::abs(loss.item<double>() - expected) < 1e-5,
                 qPrintable(QString("%1 vs %2").arg(loss.item<double>()).arg(expected)));
    }

    void positivePairsFromCaptionsAndLabels() {
        const at::Tensor p = positivePairs({"x", "y", "z", "x"}, {"cat", "cat", "", ""});
        const bool expected[4][4] = {{1, 1, 0, 1}, {1, 1, 0, 0}, {0, 0, 1, 0}, {1, 0, 0, 1}};
        for (int i = 0; i < 4; ++i)
            for (int j = 0; j < 4; ++j) QCOMPARE(p[i][j].item<bool>(), expected[i][j]);
        QVERIFY(at::equal(positivePairs({"a", "b"}, {"", ""}), at::eye(2, at::kBool)));  // empty labels never match
        QVERIFY_THROWS_EXCEPTION(Error, positivePairs({"a", "b"}, {"x"}));
    }

    // The modules run in place without autograd; with it they must keep every saved tensor intact.
    void modulesTrainUnderAutograd() {
        for (const ClipActivation activation : {ClipActivation::QuickGelu, ClipActivation::Gelu}) {
            ClipConfig config = ClipConfig::tiny(100);
            config.activation = activation;
            ClipModel model(config);
            model->train();
            const at::Tensor images = at::randn({3, 3, 32, 32});
            const at::Tensor ids = randomIds(3, 100);
            at::Tensor withGrad = model->encodeImage(images);
            at::Tensor textWithGrad = model->encodeText(ids);
            const at::Tensor loss = contrastiveLoss(withGrad, textWithGrad, model->logit_scale);
            loss.backward();  // throws "modified by an inplace operation" if a saved tensor was overwritten
            for (const auto& p : model->named_parameters(true))
                QVERIFY2(p.value().grad().defined() && p.value().grad().isfinite().all().item<bool>(),
                         p.key().c_str());
            QVERIFY(model->logit_scale.grad().abs().item<double>() > 0);
            // The in-place inference path computes the same function.
            at::NoGradGuard noGrad;
            QVERIFY(at::allclose(model->encodeImage(images), withGrad.detach(), 1e-5, 1e-6));
            // 1e-5 absolute: the training path's fused linears round differently (features ~2: a few ulp).
            QVERIFY(at::allclose(model->encodeText(ids), textWithGrad.detach(), 1e-5, 1e-5));
        }
    }

    // Mixed precision: the branches run in bfloat16 under autocast, the residual stream stays float32
    // (CUDA autocast in training; CPU autocast here shows the same dispatch rules).
    void residualStreamKeepsItsPrecisionUnderAutocast() {
        ResidualAttentionBlock block(BlockOptions{64, 1, 256});
        const at::Tensor x = at::randn({2, 5, 64});
        at::NoGradGuard noGrad;
        const at::Tensor full = block(x);
        at::autocast::set_cpu_enabled(true);
        at::autocast::increment_nesting();
        const at::Tensor mixed = block(x);
        const at::Tensor branch = block->mlp(x);  // what an in-place residual add would have written into
        at::autocast::decrement_nesting();
        at::autocast::clear_cache();
        at::autocast::set_cpu_enabled(false);
        QVERIFY(branch.scalar_type() == at::kBFloat16);
        QVERIFY(mixed.scalar_type() == at::kFloat);
        QVERIFY(at::allclose(mixed, full, 0.05, 0.05));
    }

    void optimizerGroupsDecayOnlyMatrices() {
        ClipModel model(ClipConfig::tiny(100));
        TrainingOptimizer optimizer(*model, FreezeOptions{}, 0.1, 0.5);
        const auto before = snapshot(*model);
        for (const auto& [name, p] : optimizer.trainable()) p.mutable_grad() = at::zeros_like(p);
        optimizer.step(1.0);
        // Zero gradients: Adam's update is 0, so only decoupled decay (x (1 - lr wd)) moves parameters.
        for (const auto& p : model->named_parameters(true)) {
            const at::Tensor& old = before.at(p.key());
            const bool decays = p.value().dim() >= 2 && p.key() != "positional_embedding" &&
                                p.key() != "visual.positional_embedding";
            const at::Tensor expected = decays ? old * (1.0 - 0.1 * 0.5) : old;
            QVERIFY2(at::allclose(p.value(), expected, 1e-6, 1e-7), p.key().c_str());
            if (!decays) QVERIFY2(at::equal(p.value(), old), p.key().c_str());
        }
    }

    // The fused CPU update is torch.optim.AdamW's (LibTorch's implementation as the reference).
    void fusedUpdateMatchesLibTorchAdamW() {
        ClipModel a(ClipConfig::tiny(100));
        ClipModel b(ClipConfig::tiny(100));
        {
            at::NoGradGuard noGrad;
            const auto weights = snapshot(*a);
            for (auto& p : b->named_parameters(true)) p.value().copy_(weights.at(p.key()));
        }
        const auto initial = snapshot(*a);
        TrainingOptimizer ours(*a, FreezeOptions{}, 1e-3, 0.2);
        std::vector<at::Tensor> decay, rest;
        for (const auto& p : b->named_parameters(true))
            (hasWeightDecay(p.key(), p.value().dim()) ? decay : rest).push_back(p.value());
        const auto options = [](double wd) {
            return std::make_unique<torch::optim::AdamWOptions>(
                torch::optim::AdamWOptions(1e-3).betas({0.9, 0.98}).eps(1e-6).weight_decay(wd));
        };
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(decay, options(0.2));
        groups.emplace_back(rest, options(0.0));
        torch::optim::AdamW reference(std::move(groups));
        for (int step = 0; step < 3; ++step) {
            at::manual_seed(100 + step);
            trainingLoss(*a).backward();
            at::manual_seed(100 + step);
            trainingLoss(*b).backward();
            ours.step(0.0);
            reference.step();
            reference.zero_grad();
            at::NoGradGuard noGrad;
            b->logit_scale.clamp_(0.0, std::log(100.0));
        }
        const auto expected = snapshot(*b);
        for (const auto& p : a->named_parameters(true)) {
            at::Tensor mine = p.value();
            at::Tensor theirs = expected.at(p.key());
            if (p.key().find("in_proj_bias") != std::string::npos) {
                // The key bias cannot change attention (softmax is shift-invariant), so its gradient is
                // rounding noise that Adam normalises: compare the query and value parts only.
                const int64_t w = mine.size(0) / 3;
                mine = at::cat({mine.slice(0, 0, w), mine.slice(0, 2 * w)});
                theirs = at::cat({theirs.slice(0, 0, w), theirs.slice(0, 2 * w)});
            }
            // 1e-6 absolute (0.1% of one step of lr 1e-3): the two updates round differently, and from
            // step 2 on that reaches the gradients, which Adam normalises.
            QVERIFY2(at::allclose(mine, theirs, 1e-5, 1e-6), p.key().c_str());
        }
        QVERIFY(!at::allclose(a->visual->proj, initial.at("visual.proj"), 1e-3, 1e-4));  // it did move
    }

    void frozenParametersStayBitIdentical() {
        ClipModel model(ClipConfig::tiny(100));
        const auto before = snapshot(*model);
        TrainingOptimizer optimizer(*model, FreezeOptions::parse("text"), 1e-2, 0.2);
        for (int step = 0; step < 3; ++step) {
            trainingLoss(*model).backward();
            optimizer.step(1.0);
        }
        int frozen = 0;
        for (const auto& p : model->named_parameters(true)) {
            const bool text = p.key().rfind("visual.", 0) != 0 && p.key() != "logit_scale";
            QCOMPARE(p.value().requires_grad(), !text);
            if (text) {
                QVERIFY2(at::equal(p.value(), before.at(p.key())), p.key().c_str());
                ++frozen;
            } else if (p.value().dim() >= 2) {
                QVERIFY2(!at::equal(p.value(), before.at(p.key())), p.key().c_str());
            }
        }
        QVERIFY(frozen > 10);
    }

    void logitScaleIsClampedAndNaNGradientsChangeNothing() {
        ClipModel model(ClipConfig::tiny(100));
        TrainingOptimizer optimizer(*model, FreezeOptions{}, 1e-3, 0.2);
        {
            at::NoGradGuard noGrad;
            model->logit_scale.fill_(7.0);
        }
        trainingLoss(*model).backward();
        const double norm = optimizer.step(0.5);
        QVERIFY(norm > 0.5 && std::isfinite(norm));
        QVERIFY(model->logit_scale.item<double>() <= std::log(100.0) + 1e-7);

        const auto before = snapshot(*model);
        trainingLoss(*model).backward();
        model->visual->proj.mutable_grad()[0][0] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(std::isnan(optimizer.step(1.0)));
        for (const auto& p : model->named_parameters(true)) QVERIFY(at::equal(p.value(), before.at(p.key())));
    }

    void optimizerStateRoundTrips() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("optimizer.safetensors").toStdString();
        ClipModel a(ClipConfig::tiny(100));
        TrainingOptimizer first(*a, FreezeOptions::parse("last:1"), 1e-3, 0.2);
        for (int step = 0; step < 2; ++step) {
            trainingLoss(*a).backward();
            first.step(1.0);
        }
        first.save(path);
        // A second model with the same weights and the loaded state takes the same next step.
        ClipModel b(ClipConfig::tiny(100));
        {
            at::NoGradGuard noGrad;
            const auto weights = snapshot(*a);
            for (auto& p : b->named_parameters(true)) p.value().copy_(weights.at(p.key()));
        }
        TrainingOptimizer second(*b, FreezeOptions::parse("last:1"), 1e-3, 0.2);
        second.load(path);
        at::manual_seed(5);
        trainingLoss(*a).backward();
        at::manual_seed(5);
        trainingLoss(*b).backward();
        first.step(1.0);
        second.step(1.0);
        const auto after = snapshot(*a);
        for (const auto& p : b->named_parameters(true)) QVERIFY2(at::equal(p.value(), after.at(p.key())), p.key().c_str());
        // A state for other parameter shapes is refused.
        ClipConfig wider = ClipConfig::tiny(100);
        wider.embedDim = 48;
        ClipModel c(wider);
        TrainingOptimizer third(*c, FreezeOptions::parse("last:1"), 1e-3, 0.2);
        QVERIFY_THROWS_EXCEPTION(Error, third.load(path));
    }
};

QTEST_APPLESS_MAIN(TestContrastive)
#include "tst_contrastive.moc"
