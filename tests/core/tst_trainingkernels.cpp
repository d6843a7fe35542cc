// LibTorch before Qt: Qt's `slots` macro breaks torch's ivalue headers.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>

#include <dlfcn.h>

#include <limits>
#include <set>
#include <string>

#include "model/fusedtrainingops.h"
#include "model/residualattentionblock.h"
#include "model/trainingkernels.h"

#include <QtTest>

// The fused training functions (FusedTrainingOps: QuickGELU, attention on packed QKV) against the LibTorch
// composition they replace: forward values and the gradients of every input, with the reference in
// double precision (the fused path computes in float32) and in float32 (the composition the modules ran
// before), for every instruction set this CPU runs and on 1 and 2 threads.
// Tolerances: relative to the largest magnitude of the reference tensor, 2e-6 for QuickGELU (one
// float op chain per element) and 2e-5 for attention (float32 sums of up to 64 products, softmax).

using namespace cosmoclip;

namespace {

double maxRelativeDifference(const at::Tensor& a, const at::Tensor& b) {
    const at::Tensor ad = a.to(at::kDouble), bd = b.to(at::kDouble);
    return (ad - bd).abs().max().item<double>() / std::max(1e-30, bd.abs().max().item<double>());
}

QStringList instructionSets() {
    QStringList sets;
    for (const char* name : {"avx512", "avx2", "generic"})
        if (TrainingKernels::useInstructionSet(name)) sets << name;
    TrainingKernels::useInstructionSet("");
    return sets;
}

bool ranFused(const at::Tensor& y, const char* function) {
    return y.grad_fn() && y.grad_fn()->name().find(function) != std::string::npos;
}

// Forward and the input gradient under upstream gradient `g` of f(x), x a copy of `input`.
template <typename F>
std::pair<at::Tensor, at::Tensor> valueAndGradient(const at::Tensor& input, const at::Tensor& g, F f) {
    const at::Tensor x = input.detach().clone().requires_grad_(true);
    const at::Tensor y = f(x);
    y.backward(g);
    return {y.detach(), x.grad()};
}

// Every autograd node behind y (names), to tell which path built the graph.
bool graphHas(const at::Tensor& y, const std::string& function) {
    std::vector<std::shared_ptr<torch::autograd::Node>> open{y.grad_fn()};
    std::set<torch::autograd::Node*> seen;
    while (!open.empty()) {
        const auto node = open.back();
        open.pop_back();
        if (!node || !seen.insert(node.get()).second) continue;
        if (node->name().find(function) != std::string::npos) return true;
        for (const auto& edge : node->next_edges()) open.push_back(edge.function);
    }
    return false;
}

at::Tensor causalMask(int64_t n, at::ScalarType type) {
    return at::full({n, n}, -std::numeric_limits<double>::infinity(), at::TensorOptions().dtype(type)).triu_(1);
}

}  // namespace

class TestTrainingKernels : public QObject {
    Q_OBJECT

private slots:
    void cleanup() {
        FusedTrainingOps::setEnabled(true);
        TrainingKernels::useInstructionSet("");
        at::set_num_threads(1);
    }

    void everyInstructionSetIsUsable() {
        QVERIFY(TrainingKernels::useInstructionSet("generic"));
        QCOMPARE(std::string(TrainingKernels::instructionSet()), std::string("generic"));
        QVERIFY(!TrainingKernels::useInstructionSet("sse1"));
        QCOMPARE(std::string(TrainingKernels::instructionSet()), std::string("generic"));
    }

    // The passes really split over the intra-op threads: at::parallel_for compiled without OpenMP runs
    // every range on the calling thread, which left one of two cores idle in training.
    void passesRunOnEveryThread() {
        if (!FusedTrainingOps::parallelBuild())
            QSKIP("built without OpenMP for an OpenMP LibTorch: the passes run serially (CMake warned)");
        at::set_num_threads(2);
        QCOMPARE(FusedTrainingOps::parallelThreads(), 2);
        at::set_num_threads(1);
        QCOMPARE(FusedTrainingOps::parallelThreads(), 1);
    }

    // Only float32 CPU tensors run fused; the rest get the composition.
    void fusedOnlyForFloat32() {
        const at::Tensor f = at::zeros({2, 3, 12});
        QVERIFY(FusedTrainingOps::fusedFor(f));
        QVERIFY(FusedTrainingOps::fusedFor(f, {}, 2));
        QVERIFY(FusedTrainingOps::fusedFor(f, causalMask(3, at::kFloat), 2));
        QVERIFY(!FusedTrainingOps::fusedFor(f, causalMask(4, at::kFloat), 2));  // wrong mask size
        QVERIFY(!FusedTrainingOps::fusedFor(f, {}, 5));                         // 12 is no multiple of 3 * 5
        QVERIFY(!FusedTrainingOps::fusedFor(f.to(at::kDouble)));
        FusedTrainingOps::setEnabled(false);
        QVERIFY(!FusedTrainingOps::fusedFor(f));
    }

    void quickGeluMatchesComposition_data() {
        QTest::addColumn<QString>("isa");
        QTest::addColumn<int>("threads");
        for (const QString& isa : instructionSets())
            for (int threads : {1, 2}) QTest::newRow(qPrintable(isa + "/" + QString::number(threads))) << isa << threads;
    }
    void quickGeluMatchesComposition() {
        QFETCH(QString, isa);
        QFETCH(int, threads);
        QVERIFY(TrainingKernels::useInstructionSet(isa.toUtf8().constData()));
        at::set_num_threads(threads);
        at::manual_seed(1);
        // Odd sizes (tails of the 16-float lanes), values out to where sigmoid saturates, and more
        // elements than one parallel task takes.
        const at::Tensor x = at::randn({67, 1031}) * 4.0;
        x.view(-1).slice(0, 0, 4).copy_(at::tensor({-200.0f, 200.0f, 0.0f, -0.0f}));
        const at::Tensor g = at::randn({67, 1031});
        const auto fused = valueAndGradient(x, g, [](const at::Tensor& t) {
            const at::Tensor y = FusedTrainingOps::quickGelu(t);
            if (!ranFused(y, "QuickGeluFunction")) throw std::runtime_error("the fused QuickGELU did not run");
            return y;
        });
        const auto composition = [](const at::Tensor& t) { return t * at::sigmoid(t * 1.702); };
        const auto reference = valueAndGradient(x.to(at::kDouble), g.to(at::kDouble), composition);
        const auto single = valueAndGradient(x, g, composition);
        QVERIFY2(maxRelativeDifference(fused.first, reference.first) < 2e-6,
                 qPrintable(QString::number(maxRelativeDifference(fused.first, reference.first))));
        QVERIFY2(maxRelativeDifference(fused.second, reference.second) < 2e-6,
                 qPrintable(QString::number(maxRelativeDifference(fused.second, reference.second))));
        QVERIFY(maxRelativeDifference(fused.first, single.first) < 2e-6);
        QVERIFY(maxRelativeDifference(fused.second, single.second) < 2e-6);
        QVERIFY(fused.first.isfinite().all().item<bool>() && fused.second.isfinite().all().item<bool>());
    }

    void attentionMatchesComposition_data() {
        QTest::addColumn<QString>("isa");
        QTest::addColumn<int>("threads");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<int>("heads");
        QTest::addColumn<int>("headDim");
        QTest::addColumn<bool>("masked");
        for (const QString& isa : instructionSets())
            for (int threads : {1, 2})
                for (bool masked : {false, true}) {
                    const QString name = isa + "/" + QString::number(threads) + (masked ? "/causal" : "/full");
                    QTest::newRow(qPrintable(name + "/odd")) << isa << threads << 3 << 7 << 3 << 5 << masked;
                    QTest::newRow(qPrintable(name + "/vit")) << isa << threads << 2 << 50 << 4 << 64 << masked;
                    QTest::newRow(qPrintable(name + "/text")) << isa << threads << 3 << 16 << 2 << 64 << masked;
                }
    }
    void attentionMatchesComposition() {
        QFETCH(QString, isa);
        QFETCH(int, threads);
        QFETCH(int, batch);
        QFETCH(int, tokens);
        QFETCH(int, heads);
        QFETCH(int, headDim);
        QFETCH(bool, masked);
        QVERIFY(TrainingKernels::useInstructionSet(isa.toUtf8().constData()));
        at::set_num_threads(threads);
        at::manual_seed(2);
        const at::Tensor qkv = at::randn({batch, tokens, 3 * heads * headDim}) * 1.5;
        const at::Tensor g = at::randn({batch, tokens, heads * headDim});
        const at::Tensor mask = masked ? causalMask(tokens, at::kFloat) : at::Tensor();
        const auto fused = valueAndGradient(qkv, g, [&](const at::Tensor& t) {
            const at::Tensor y = FusedTrainingOps::attention(t, mask, heads);
            if (!ranFused(y, "AttentionFunction")) throw std::runtime_error("the fused attention did not run");
            return y;
        });
        // The composition: in double (the reference) and in float32 with the fused path switched off.
        const at::Tensor maskDouble = masked ? causalMask(tokens, at::kDouble) : at::Tensor();
        const auto reference = valueAndGradient(qkv.to(at::kDouble), g.to(at::kDouble), [&](const at::Tensor& t) {
            return FusedTrainingOps::attention(t, maskDouble, heads);
        });
        FusedTrainingOps::setEnabled(false);
        const auto single = valueAndGradient(qkv, g, [&](const at::Tensor& t) {
            const at::Tensor y = FusedTrainingOps::attention(t, mask, heads);
            if (ranFused(y, "AttentionFunction")) throw std::runtime_error("the composition did not run");
            return y;
        });
        FusedTrainingOps::setEnabled(true);
        // Gradient blocks: q, k and v separately (a wrong dK would hide behind a large dV).
        const int64_t w = heads * headDim;
        for (int part = 0; part < 3; ++part) {
            const at::Tensor f = fused.second.narrow(2, part * w, w);
            const double toReference = maxRelativeDifference(f, reference.second.narrow(2, part * w, w));
            const double toFloat = maxRelativeDifference(f, single.second.narrow(2, part * w, w));
            QVERIFY2(toReference < 2e-5, qPrintable(QString("grad part %1: %2").arg(part).arg(toReference)));
            QVERIFY2(toFloat < 2e-5, qPrintable(QString("grad part %1 vs float: %2").arg(part).arg(toFloat)));
        }
        QVERIFY2(maxRelativeDifference(fused.first, reference.first) < 2e-5,
                 qPrintable(QString::number(maxRelativeDifference(fused.first, reference.first))));
        QVERIFY(maxRelativeDifference(fused.first, single.first) < 2e-5);
    }

    void linearMatchesComposition_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("withBias");
        QTest::addColumn<int>("rows");
        for (int threads : {1, 2})
            for (bool withBias : {false, true})
                for (int rows : {1, 37, 160})
                    QTest::newRow(qPrintable(QString("%1/%2/%3").arg(threads).arg(withBias ? "bias" : "nobias").arg(rows)))
                        << threads << withBias << rows;
    }
    void linearMatchesComposition() {
        QFETCH(int, threads);
        QFETCH(bool, withBias);
        QFETCH(int, rows);
        using GetThreads = int (*)();
        const auto blasThreads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
        if (!blasThreads) QSKIP("the BLAS is not OpenBLAS: the fused linear is not used");
        at::set_num_threads(threads);
        const int before = blasThreads();
        at::manual_seed(5);
        // [2, rows, 67] x [83, 67]^T: widths that are no multiple of the threads' 16-row blocks.
        const at::Tensor x0 = at::randn({2, rows, 67});
        const at::Tensor w0 = at::randn({83, 67}) * 0.2;
        const at::Tensor b0 = at::randn({83});
        const at::Tensor g = at::randn({2, rows, 83});
        const auto run = [&](at::ScalarType type, bool fused) {
            const at::Tensor x = x0.to(type).detach().clone().requires_grad_(true);
            const at::Tensor w = w0.to(type).detach().clone().requires_grad_(true);
            const at::Tensor b = withBias ? b0.to(type).detach().clone().requires_grad_(true) : at::Tensor();
            const at::Tensor y = fused ? FusedTrainingOps::linear(x, w, b) : at::linear(x, w, b);
            if (fused && !ranFused(y, "LinearFunction")) throw std::runtime_error("the fused linear did not run");
            y.backward(g.to(type));
            return std::vector<at::Tensor>{y.detach(), x.grad(), w.grad(), withBias ? b.grad() : at::zeros({1})};
        };
        const auto fused = run(at::kFloat, true);
        const auto exact = run(at::kDouble, false);
        const auto single = run(at::kFloat, false);
        const char* names[] = {"output", "input gradient", "weight gradient", "bias gradient"};
        for (size_t i = 0; i < fused.size(); ++i) {
            QCOMPARE(fused[i].sizes(), exact[i].sizes());
            const double toExact = maxRelativeDifference(fused[i], exact[i]);
            const double toFloat = maxRelativeDifference(fused[i], single[i]);
            QVERIFY2(toExact < 2e-6 && toFloat < 2e-6,
                     qPrintable(QString("%1: %2 vs double, %3 vs float").arg(names[i]).arg(toExact).arg(toFloat)));
        }
        QCOMPARE(blasThreads(), before);  // OpenBLAS's own pool is left as it was
    }

    // A whole residual block (LayerNorms, packed QKV, attention, out_proj, MLP with QuickGELU, residuals)
    // as training runs it: the output and the gradients of the input and of every parameter, fused
    // float32 against the composition in double and in float32. Odd sizes: width 48, 3 heads of 16,
    // 11 tokens, MLP 72.
    void blockMatchesComposition_data() {
        QTest::addColumn<int>("threads");
        QTest::addColumn<bool>("masked");
        for (int threads : {1, 2})
            for (bool masked : {false, true})
                QTest::newRow(qPrintable(QString::number(threads) + (masked ? "/causal" : "/full"))) << threads << masked;
    }
    void blockMatchesComposition() {
        QFETCH(int, threads);
        QFETCH(bool, masked);
        at::set_num_threads(threads);
        at::manual_seed(4);
        ResidualAttentionBlock block(BlockOptions{48, 3, 72, ClipActivation::QuickGelu, 1e-5});
        {
            // Non-trivial LayerNorm affines and biases (all start at 1 and 0).
            at::NoGradGuard noGrad;
            for (auto& p : block->parameters()) p.copy_(at::randn(p.sizes()) * (p.dim() == 1 ? 0.5 : 0.2) + (p.dim() == 1 ? 0.3 : 0.0));
        }
        const at::Tensor x = at::randn({3, 11, 48});
        const at::Tensor g = at::randn({3, 11, 48});
        struct Run {
            at::Tensor y, dx;
            std::vector<std::pair<std::string, at::Tensor>> grads;
            bool fused = false;
        };
        const auto run = [&](ResidualAttentionBlock& b, at::ScalarType type) {
            b->zero_grad();
            const at::Tensor input = x.to(type).detach().clone().requires_grad_(true);
            const at::Tensor mask = masked ? causalMask(11, type) : at::Tensor();
            Run r;
            r.y = b->forward(input, mask);
            r.fused = graphHas(r.y, "AttentionFunction") && graphHas(r.y, "QuickGeluFunction") &&
                      graphHas(r.y, "LinearFunction");
            r.y.backward(g.to(type));
            r.dx = input.grad();
            for (const auto& p : b->named_parameters()) r.grads.emplace_back(p.key(), p.value().grad().clone());
            return r;
        };
        const Run fused = run(block, at::kFloat);
        QVERIFY2(fused.fused, "the fused training functions did not run");
        FusedTrainingOps::setEnabled(false);
        const Run single = run(block, at::kFloat);
        FusedTrainingOps::setEnabled(true);
        QVERIFY(!single.fused);
        ResidualAttentionBlock reference(BlockOptions{48, 3, 72, ClipActivation::QuickGelu, 1e-5});
        {
            at::NoGradGuard noGrad;
            const auto from = block->parameters();
            const auto to = reference->parameters();
            for (size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
        }
        reference->to(at::kDouble);
        const Run exact = run(reference, at::kDouble);
        QVERIFY(!exact.fused);
        const double tolerance = 5e-5;
        QVERIFY2(maxRelativeDifference(fused.y, exact.y) < tolerance, "output");
        QVERIFY2(maxRelativeDifference(fused.y, single.y) < tolerance, "output vs float");
        QVERIFY2(maxRelativeDifference(fused.dx, exact.dx) < tolerance,
                 qPrintable(QString("input gradient %1").arg(maxRelativeDifference(fused.dx, exact.dx))));
        QVERIFY2(maxRelativeDifference(fused.dx, single.dx) < tolerance, "input gradient vs float");
        QCOMPARE(fused.grads.size(), size_t{12});
        for (size_t i = 0; i < fused.grads.size(); ++i) {
            const double toExact = maxRelativeDifference(fused.grads[i].second, exact.grads[i].second);
            const double toFloat = maxRelativeDifference(fused.grads[i].second, single.grads[i].second);
            QVERIFY2(toExact < tolerance && toFloat < tolerance,
                     qPrintable(QString("%1: %2 vs double, %3 vs float")
                                    .arg(QString::fromStdString(fused.grads[i].first)).arg(toExact).arg(toFloat)));
        }
    }

    // A non-contiguous input (a transposed view) gives the same as its contiguous copy.
    void attentionTakesNonContiguousInput() {
        at::manual_seed(3);
        const at::Tensor base = at::randn({5, 2, 24});  // [N, B, 3W] -> transpose -> [B, N, 3W]
        const at::Tensor g = at::randn({2, 5, 8});
        const auto strided = valueAndGradient(base, g, [](const at::Tensor& t) {
            return FusedTrainingOps::attention(t.transpose(0, 1), {}, 2);
        });
        const auto dense = valueAndGradient(base, g, [](const at::Tensor& t) {
            return FusedTrainingOps::attention(t.transpose(0, 1).contiguous(), {}, 2);
        });
        QVERIFY(at::equal(strided.first, dense.first));
        QVERIFY(at::equal(strided.second, dense.second));
    }
};

QTEST_GUILESS_MAIN(TestTrainingKernels)
#include "tst_trainingkernels.moc"
