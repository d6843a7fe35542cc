#include <QtTest>

#include <cmath>
#include <vector>

#include "common/error.h"
#include "retrieval/promptensemble.h"
#include "retrieval/vectormath.h"

using namespace cosmoclip;

// Prompt ensembling (docs/clip-spec.md §5) against numbers worked out by hand.
class TestPromptEnsemble : public QObject {
    Q_OBJECT

private slots:
    void normalisesEachTemplateBeforeAveraging() {
        // Class 0: (3,4) -> (0.6,0.8); (0,2) -> (0,1); mean (0.3,0.9); norm sqrt(0.9).
        // Class 1: (-5,0) -> (-1,0); (0,-0.5) -> (0,-1); mean (-0.5,-0.5) -> (-1,-1)/sqrt(2).
        // Averaging the raw vectors instead would give class 0 the direction of (3,6) (0.447, 0.894).
        const std::vector<float> text = {3, 4, 0, 2, -5, 0, 0, -0.5f};
        const auto w = ensembleClassEmbeddings(text, 2, 2, 2);
        QCOMPARE(w.size(), size_t(4));
        const double n0 = std::sqrt(0.9);
        QVERIFY(std::abs(w[0] - 0.3 / n0) < 1e-6);
        QVERIFY(std::abs(w[1] - 0.9 / n0) < 1e-6);
        QVERIFY(std::abs(w[2] + 1 / std::sqrt(2.0)) < 1e-6);
        QVERIFY(std::abs(w[3] + 1 / std::sqrt(2.0)) < 1e-6);
    }

    void threeTemplatesInThreeDimensions() {
        // (2,0,0)->(1,0,0); (0,0,7)->(0,0,1); (1,1,0)->(1,1,0)/sqrt2. Sum (1+a, a, 1), a = 1/sqrt2.
        const std::vector<float> text = {2, 0, 0, 0, 0, 7, 1, 1, 0};
        const auto w = ensembleClassEmbeddings(text, 1, 3, 3);
        const double a = 1 / std::sqrt(2.0);
        const double n = std::sqrt((1 + a) * (1 + a) + a * a + 1);
        QVERIFY(std::abs(w[0] - (1 + a) / n) < 1e-6);
        QVERIFY(std::abs(w[1] - a / n) < 1e-6);
        QVERIFY(std::abs(w[2] - 1 / n) < 1e-6);
    }

    void oneTemplateIsJustNormalisation() {
        std::vector<float> text = {1, 2, 3, -4, 0.5f, 0.25f};
        const auto w = ensembleClassEmbeddings(text, 2, 1, 3);
        l2NormalizeRows(text.data(), 2, 3);
        for (size_t i = 0; i < text.size(); ++i)
            QVERIFY(std::abs(w[i] - text[i]) < 1e-7);
        QVERIFY(std::abs(l2Norm(w.data() + 3, 3) - 1.0) < 1e-6);
    }

    void zeroRowStaysZeroLikeTorchNormalize() {
        std::vector<float> v = {0, 0, 0, 3, 0, 4};
        l2NormalizeRows(v.data(), 2, 3);
        QCOMPARE(v[0], 0.0f);
        QCOMPARE(v[2], 0.0f);
        QVERIFY(std::abs(v[3] - 0.6f) < 1e-7);
        QVERIFY(std::abs(v[5] - 0.8f) < 1e-7);
    }

    void simdDotMatchesDouble() {
        // Odd dimensions exercise the tails of the 8-wide and 4-row kernels; both kernels (AVX2
        // where the CPU has it, and the portable one).
        for (bool simd : {true, false})
        for (size_t dim : {1u, 7u, 8u, 17u, 64u, 515u}) {
            setSimdKernelsEnabled(simd);
            std::vector<float> rows(7 * dim), q(dim), out(7);
            for (size_t i = 0; i < rows.size(); ++i)
                rows[i] = std::sin(0.37 * double(i) + 0.1);
            for (size_t i = 0; i < dim; ++i)
                q[i] = std::cos(0.11 * double(i));
            dotRows(rows.data(), 7, dim, q.data(), out.data());
            for (size_t r = 0; r < 7; ++r) {
                const double ref = dotDouble(rows.data() + r * dim, q.data(), dim);
                QVERIFY2(std::abs(out[r] - ref) < 1e-4, qPrintable(QString::number(dim)));
                QVERIFY(std::abs(dot(rows.data() + r * dim, q.data(), dim) - ref) < 1e-4);
                // The one-row and many-row kernels agree to the bit (the search relies on it).
                QCOMPARE(dot(rows.data() + r * dim, q.data(), dim), out[r]);
            }
        }
        setSimdKernelsEnabled(true);
    }

    void rejectsBadShapes() {
        QVERIFY_THROWS_EXCEPTION(Error, ensembleClassEmbeddings({1, 2, 3}, 2, 1, 2));
        QVERIFY_THROWS_EXCEPTION(Error, ensembleClassEmbeddings({}, 0, 1, 2));
        QVERIFY_THROWS_EXCEPTION(Error, ensembleClassEmbeddings({1, 2}, 1, 0, 2));
    }
};

QTEST_APPLESS_MAIN(TestPromptEnsemble)
#include "tst_promptensemble.moc"
