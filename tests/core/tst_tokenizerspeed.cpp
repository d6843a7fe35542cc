#include <QtTest>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "tokenizer/bpetokenizer.h"

using namespace cosmoclip;
namespace fs = std::filesystem;

namespace {

const fs::path kMerges = fs::path(COSMOCLIP_SHARED_DIR) / "clip-reference" / "bpe_simple_vocab_16e6.txt.gz";

// ~15-word captions over a few thousand distinct words, so both cache hits and misses occur.
std::vector<std::string> captions(size_t count) {
    static const char* stems[] = {"spiral",   "galaxy", "nebula", "cluster", "supernova",
                                  "comet",    "quasar", "pulsar", "crater",  "aurora",
                                  "redshift", "halo",   "merger", "dwarf",   "jet"};
    std::mt19937 rng(42);
    std::vector<std::string> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        std::string c = "A photo of";
        for (int w = 0; w < 12; ++w) {
            c += ' ';
            c += stems[rng() % std::size(stems)];
            if (rng() % 4 == 0) c += std::to_string(rng() % 3000);  // "nebula1234": many distinct words
        }
        c += ", NGC " + std::to_string(rng() % 8000) + ".";
        out.push_back(std::move(c));
    }
    return out;
}

double seconds(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

class TestTokenizerSpeed : public QObject {
    Q_OBJECT

private slots:
    void hundredThousandCaptionsTakeSeconds() {
        if (!fs::exists(kMerges)) QSKIP("bpe_simple_vocab_16e6.txt.gz not found under COSMOCLIP_SHARED_DIR");
        auto start = std::chrono::steady_clock::now();
        const BpeTokenizer tokenizer = BpeTokenizer::fromOpenAi(kMerges);
        qInfo("load: %.3f s", seconds(start));
        const auto texts = captions(100000);

        start = std::chrono::steady_clock::now();
        size_t ids = 0;
        for (const auto& t : texts) ids += tokenizer.encodeForContext(t).size();
        const double cold = seconds(start);
        start = std::chrono::steady_clock::now();
        for (const auto& t : texts) ids += tokenizer.encodeForContext(t).size();
        const double warm = seconds(start);
        qInfo(
            "1 thread: %.0f captions/s first pass (cache filling), %.0f captions/s second pass, %.1f "
            "ids/caption",
            texts.size() / cold, texts.size() / warm, ids / 2.0 / texts.size());

        const unsigned threads = std::max(2u, std::min(8u, std::thread::hardware_concurrency()));
        start = std::chrono::steady_clock::now();
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (size_t i = t; i < texts.size(); i += threads) (void)tokenizer.encodeForContext(texts[i]);
            });
        for (auto& th : pool) th.join();
        const double parallel = seconds(start);
        qInfo("%u threads: %.0f captions/s", threads, texts.size() / parallel);
        QVERIFY2(cold < 60.0, "100k captions must take seconds, not minutes");
    }
};

QTEST_GUILESS_MAIN(TestTokenizerSpeed)
#include "tst_tokenizerspeed.moc"
