#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <set>

#include "common/error.h"
#include "retrieval/promptensemble.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/vectormath.h"
#include "retrieval/zeroshotclassifier.h"

using namespace cosmoclip;

namespace {

std::vector<float> flatEmbeddings(const nlohmann::json& items)
{
    std::vector<float> out;
    for (const auto& item : items)
        for (double v : item.at("embedding"))
            out.push_back(static_cast<float>(v));
    return out;
}

// A deterministic stand-in for a text tower: a few sines of the text's bytes, not normalised.
std::vector<float> fakeEncode(const std::string& text, size_t dim)
{
    std::vector<float> v(dim);
    double h = 0.5;
    for (unsigned char c : text)
        h = std::fmod(h * 31.0 + c * 0.618, 1000.0);
    for (size_t d = 0; d < dim; ++d)
        v[d] = static_cast<float>((2.0 + std::sin(h + 0.7 * double(d))) * (1 + d % 3));
    return v;
}

}  // namespace

// Zero-shot probabilities against a hand computation from shared/clip-reference, templates and
// presets.
class TestZeroShot : public QObject {
    Q_OBJECT

private:
    nlohmann::json m_ref;

private slots:
    void initTestCase() {
        std::ifstream in(COSMOCLIP_SHARED_DIR "/clip-reference/reference.json");
        QVERIFY2(in, "shared/clip-reference/reference.json is missing");
        m_ref = nlohmann::json::parse(in);
    }

    void probabilitiesEqualSoftmaxOfReferenceLogits() {
        // The reference texts are 20 classes with one template each ("{}" = the text itself; the
        // labels are names, the texts go in as prompts); the encoder hands back the reference
        // text embeddings in the order it is asked.
        const auto& texts = m_ref.at("texts");
        const std::vector<float> textEmb = flatEmbeddings(texts);
        const size_t classes = texts.size();
        const size_t dim = textEmb.size() / classes;
        QCOMPARE(dim, size_t(64));
        std::vector<std::string> labels, prompts;
        for (size_t c = 0; c < classes; ++c) {
            labels.push_back("class " + std::to_string(c));
            prompts.push_back(texts[c].at("text").get<std::string>());
        }
        size_t served = 0;
        TextEncoder encode = [&](const std::vector<std::string>& batch) {
            std::vector<float> out;
            for (const auto& t : batch) {
                if (t != prompts.at(served))
                    throw Error("encoder asked for an unexpected text");
                out.insert(out.end(), textEmb.begin() + served * dim, textEmb.begin() + (served + 1) * dim);
                ++served;
            }
            return out;
        };
        const ZeroShotClassifier zs(labels, {"{}"}, encode, prompts);
        QCOMPARE(served, classes);
        QCOMPARE(zs.labelCount(), classes);

        const auto& images = m_ref.at("images");
        const std::vector<float> imageEmb = flatEmbeddings(images);
        const size_t n = images.size();
        const double scale = std::exp(m_ref.at("logit_scale").get<double>());
        const std::vector<double> logits = zs.logits(imageEmb.data(), n, scale);
        const std::vector<double> probs = zs.classify(imageEmb.data(), n, scale);
        const auto& refLogits = m_ref.at("logits_per_image");
        for (size_t i = 0; i < n; ++i) {
            // Softmax by hand from the reference logits (exp(logit_scale) x cosine, torch fp32).
            std::vector<double> expected;
            double maxLogit = -1e300, sum = 0;
            for (double l : refLogits[i])
                maxLogit = std::max(maxLogit, l);
            for (double l : refLogits[i]) {
                expected.push_back(std::exp(l - maxLogit));
                sum += expected.back();
            }
            double rowSum = 0;
            for (size_t c = 0; c < classes; ++c) {
                const double refLogit = refLogits[i][c].get<double>();
                QVERIFY2(std::abs(logits[i * classes + c] - refLogit) < 2e-5 * scale,
                         qPrintable(QString("image %1 class %2: %3 vs %4").arg(i).arg(c)
                                        .arg(logits[i * classes + c]).arg(refLogit)));
                const double p = probs[i * classes + c];
                // Relative 1e-4: the reference logits are float32.
                QVERIFY2(std::abs(p - expected[c] / sum) <= 1e-4 * expected[c] / sum + 1e-9,
                         qPrintable(QString("image %1 class %2: %3 vs %4").arg(i).arg(c).arg(p)
                                        .arg(expected[c] / sum)));
                rowSum += p;
            }
            QVERIFY(std::abs(rowSum - 1.0) < 1e-12);

            // Top-k follows the reference logits' order.
            const auto top = ZeroShotClassifier::topK(probs.data() + i * classes, classes, 3);
            QCOMPARE(top.size(), size_t(3));
            size_t best = 0;
            for (size_t c = 1; c < classes; ++c)
                if (refLogits[i][c].get<double>() > refLogits[i][best].get<double>())
                    best = c;
            QCOMPARE(top[0].labelIndex, best);
            QVERIFY(top[0].probability >= top[1].probability && top[1].probability >= top[2].probability);
        }

        // The same from the cached class matrix.
        const auto cached = ZeroShotClassifier::fromClassEmbeddings(labels, zs.classEmbeddings(), dim);
        const auto probs2 = cached.classify(imageEmb.data(), n, scale);
        for (size_t i = 0; i < probs.size(); ++i)
            QVERIFY(std::abs(probs[i] - probs2[i]) < 1e-12);
    }

    void templatesAreEnsembledPerClassInBatches() {
        // 300 classes x 3 templates spans several encoder calls; the class matrix must equal the
        // ensemble of the texts encoded one by one.
        const size_t dim = 8, classes = 300;
        const std::vector<std::string> templates = {"a photo of a {}.", "{} in space", "the {} and the {}"};
        std::vector<std::string> labels;
        for (size_t c = 0; c < classes; ++c)
            labels.push_back("object " + std::to_string(c));
        size_t calls = 0;
        std::vector<std::string> seen;
        const ZeroShotClassifier zs(labels, templates, [&](const std::vector<std::string>& batch) {
            ++calls;
            std::vector<float> out;
            for (const auto& t : batch) {
                seen.push_back(t);
                const auto v = fakeEncode(t, dim);
                out.insert(out.end(), v.begin(), v.end());
            }
            return out;
        });
        QVERIFY(calls > 1);
        QCOMPARE(seen.size(), classes * templates.size());
        QCOMPARE(seen[0], std::string("a photo of a object 0."));
        QCOMPARE(seen[5], std::string("the object 1 and the object 1"));
        std::vector<float> manual;
        for (const auto& t : seen) {
            const auto v = fakeEncode(t, dim);
            manual.insert(manual.end(), v.begin(), v.end());
        }
        const auto expected = ensembleClassEmbeddings(manual, classes, templates.size(), dim);
        QCOMPARE(zs.classEmbeddings(), expected);
        QCOMPARE(zs.dim(), dim);
    }

    void softmaxIsStableForLargeScales() {
        const auto zs = ZeroShotClassifier::fromClassEmbeddings({"x", "y"}, {1, 0, 0, 1}, 2);
        const float image[2] = {1, 0};
        const auto p = zs.classify(image, 1, 1e4);
        QCOMPARE(p[0], 1.0);
        QCOMPARE(p[1], 0.0);
        const auto p100 = zs.classify(image, 1, 100.0);
        QVERIFY(std::abs(p100[0] - 1.0 / (1.0 + std::exp(-100.0))) < 1e-15);
    }

    void rejectsBadInput() {
        const TextEncoder ok = [](const std::vector<std::string>& t) { return std::vector<float>(t.size() * 4, 1.0f); };
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({}, {"{}"}, ok));
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({"a"}, {}, ok));
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({"a"}, {"no placeholder"}, ok));
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({"a", "b"}, {"{}"}, ok, {"only one"}));
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({" "}, {"{}"}, ok));
        const TextEncoder ragged = [](const std::vector<std::string>& t) { return std::vector<float>(t.size() * 4 + 1); };
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier({"a", "b"}, {"{}"}, ragged));
        QVERIFY_THROWS_EXCEPTION(Error, ZeroShotClassifier::fromClassEmbeddings({"a"}, {1, 2, 3}, 2));
    }

    void templateSetsAndFormatting() {
        const auto& openai = templateSet("openai-imagenet");
        QCOMPARE(openai.size(), size_t(80));
        QCOMPARE(openai.front(), std::string("a bad photo of a {}."));
        QCOMPARE(openai[39], std::string("a photo of a {}."));
        QCOMPARE(openai.back(), std::string("a tattoo of the {}."));
        QCOMPARE(std::set<std::string>(openai.begin(), openai.end()).size(), size_t(80));
        const auto& simple = templateSet("simple-imagenet");
        QCOMPARE(simple.size(), size_t(7));
        QCOMPARE(simple.front(), std::string("itap of a {}."));
        QCOMPARE(simple.back(), std::string("a photo of the small {}."));
        for (const auto& s : simple)  // a subset of the 80
            QVERIFY(std::find(openai.begin(), openai.end(), s) != openai.end());
        const auto& astro = templateSet(kDefaultTemplateSet);
        QVERIFY(astro.size() >= 10 && astro.size() <= 20);
        for (const auto& name : templateSetNames())
            for (const auto& t : templateSet(name))
                validateTemplate(t);
        QVERIFY_THROWS_EXCEPTION(Error, templateSet("imagenet-9000"));

        QCOMPARE(formatTemplate("a photo of a {}.", "comet"), std::string("a photo of a comet."));
        QCOMPARE(formatTemplate("{} and {}", "M31"), std::string("M31 and M31"));
        QCOMPARE(formatTemplate("{}", ""), std::string(""));
        QVERIFY_THROWS_EXCEPTION(Error, formatTemplate("a photo of a galaxy", "x"));
        QVERIFY_THROWS_EXCEPTION(Error, formatTemplate("   ", "x"));
    }

    void templateFiles() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.txt").toStdString();
        std::ofstream(path) << "# mine\n\n  a photo of a {}.  \r\nan old plate of the {}\n";
        const auto t = loadTemplatesFile(path);
        QCOMPARE(t.size(), size_t(2));
        QCOMPARE(t[0], std::string("a photo of a {}."));
        QCOMPARE(t[1], std::string("an old plate of the {}"));
        std::ofstream(path) << "ok {}\nbroken\n";
        try {
            loadTemplatesFile(path);
            QFAIL("no error for a template without {}");
        } catch (const Error& e) {
            QVERIFY2(std::string(e.what()).find(path + ":2:") == 0, e.what());
        }
        std::ofstream(path) << "# nothing\n";
        QVERIFY_THROWS_EXCEPTION(Error, loadTemplatesFile(path));
        QVERIFY_THROWS_EXCEPTION(Error, loadTemplatesFile(path + ".missing"));
    }

    void labelPresets() {
        const auto& spacenet = labelPreset("spacenet");
        const std::vector<std::string> expected = {"planets", "galaxies", "asteroids", "nebulae",
                                                   "comets", "black holes", "stars", "constellations"};
        QCOMPARE(spacenet.labels, expected);
        for (const auto& name : labelPresetNames()) {
            const auto& p = labelPreset(name);
            QCOMPARE(p.name, name);
            QVERIFY(p.labels.size() >= 8);
            QCOMPARE(p.prompts.size(), p.labels.size());
            QCOMPARE(std::set<std::string>(p.labels.begin(), p.labels.end()).size(), p.labels.size());
        }
        QVERIFY(labelPreset("galaxy-morphology").labels.size() >= 7);
        QVERIFY_THROWS_EXCEPTION(Error, labelPreset("dogs"));
    }
};

QTEST_APPLESS_MAIN(TestZeroShot)
#include "tst_zeroshot.moc"
