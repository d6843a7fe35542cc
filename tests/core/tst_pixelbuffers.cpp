// The building blocks under every whole-image pass (issue 2): parallelFor's parts, the pixel
// allocator that skips the zero fill only where asked, and LargeBuffer.
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "common/largebuffer.h"
#include "common/parallelfor.h"
#include "image/image.h"

using namespace cosmoclip;

class TestPixelBuffers : public QObject {
    Q_OBJECT

private slots:
    void parallelForCoversEveryIndexOnceInOrderedParts_data() {
        QTest::addColumn<qulonglong>("n");
        QTest::addColumn<qulonglong>("minPerThread");
        QTest::newRow("inline") << 10ull << 100ull;
        QTest::newRow("one row of parts") << 1000ull << 10ull;
        QTest::newRow("large") << 3'000'001ull << (1ull << 18);
        QTest::newRow("more threads than work") << 7ull << 1ull;
    }
    void parallelForCoversEveryIndexOnceInOrderedParts() {
        QFETCH(qulonglong, n);
        QFETCH(qulonglong, minPerThread);
        const size_t parts = parallelParts(n, minPerThread);
        QVERIFY(parts >= 1);
        std::vector<std::pair<size_t, size_t>> ranges(parts, {0, 0});
        std::vector<std::atomic<int>> calls(parts);
        std::vector<std::atomic<int>> seen(n);
        std::atomic<int> outOfRange{0};
        parallelFor(n, minPerThread, [&](size_t part, size_t begin, size_t end) {
            if (part >= parts) {  // checked on the calling thread below: QVERIFY belongs there
                ++outOfRange;
                return;
            }
            ranges[part] = {begin, end};
            ++calls[part];
            for (size_t i = begin; i < end; ++i) ++seen[i];
        });
        QCOMPARE(outOfRange.load(), 0);
        for (size_t p = 0; p < parts; ++p) {
            QCOMPARE(calls[p].load(), 1);
            QCOMPARE(ranges[p].first, p == 0 ? size_t{0} : ranges[p - 1].second);  // contiguous, in order
        }
        QCOMPARE(ranges.back().second, size_t(n));
        QVERIFY(std::all_of(seen.begin(), seen.end(), [](const std::atomic<int>& s) { return s.load() == 1; }));
        if (n >= 2 * minPerThread && std::thread::hardware_concurrency() > 1) QVERIFY(parts > 1);
    }

    void parallelForRethrowsAfterEveryPartFinished() {
        const size_t n = 1 << 20, minPerThread = 1 << 12;
        std::atomic<size_t> done{0};
        bool threw = false;
        try {
            parallelFor(n, minPerThread, [&](size_t part, size_t begin, size_t end) {
                if (part == 1) throw std::runtime_error("part 1");
                done += end - begin;
            });
        } catch (const std::runtime_error& e) {
            threw = QByteArray(e.what()) == "part 1";
        }
        QVERIFY(threw || parallelParts(n, minPerThread) == 1);
        const size_t parts = parallelParts(n, minPerThread);
        if (parts > 1) QCOMPARE(done.load(), n - (n * 2 / parts - n / parts));  // every other part ran
    }

    void allocatePixelsSizesExactlyAndResizeStillZeroes() {
        PixelVector v;
        allocatePixels(v, 1234);
        QCOMPARE(v.size(), size_t(1234));
        QCOMPARE(v.capacity(), size_t(1234));
        std::fill(v.begin(), v.end(), 7.0f);
        v.resize(3000);  // ordinary vector semantics: new elements are 0, old ones kept
        QCOMPARE(v[1233], 7.0f);
        QVERIFY(std::all_of(v.begin() + 1234, v.end(), [](float x) { return x == 0.0f; }));
        PixelVector w(500);
        QVERIFY(std::all_of(w.begin(), w.end(), [](float x) { return x == 0.0f; }));
        allocatePixels(v, 0);
        QVERIFY(v.empty());
    }

    void largeBufferHoldsWhatIsWritten() {
        LargeBuffer big(size_t{5} << 20);  // over one huge page
        QCOMPARE(big.size(), size_t{5} << 20);
        for (size_t i = 0; i < big.size(); i += 4093) big.data()[i] = static_cast<uint8_t>(i);
        for (size_t i = 0; i < big.size(); i += 4093) QCOMPARE(big.data()[i], static_cast<uint8_t>(i));
        std::vector<uint8_t> v;
        resizeLarge(v, size_t{3} << 20);
        QCOMPARE(v.size(), size_t{3} << 20);
        QVERIFY(std::all_of(v.begin(), v.end(), [](uint8_t b) { return b == 0; }));
    }
};

QTEST_GUILESS_MAIN(TestPixelBuffers)
#include "tst_pixelbuffers.moc"
