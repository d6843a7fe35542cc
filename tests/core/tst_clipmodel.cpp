// LibTorch before Qt: Qt's `slots` macro breaks torch's ivalue headers.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "model/checkpointtensors.h"
#include "model/clipencoder.h"
#include "model/clipmodel.h"
#include "model/clipmodelloader.h"
#include "model/safetensorsfile.h"
#include "model/safetensorswriter.h"
#include "model/weightnames.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace cosmoclip;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::string kReference = std::string(COSMOCLIP_SHARED_DIR) + "/clip-reference";

// Cosine similarity in double precision, computed here independently of the library.
double cosine(const float* a, const std::vector<double>& b) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < b.size(); ++i) {
        dot += double(a[i]) * b[i];
        na += double(a[i]) * a[i];
        nb += b[i] * b[i];
    }
    return dot / std::sqrt(na * nb);
}

std::vector<float> readF32(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<float> values(3 * 64 * 64);
    in.read(reinterpret_cast<char*>(values.data()), std::streamsize(values.size() * sizeof(float)));
    if (!in) throw std::runtime_error(path + ": short read");
    return values;
}

// The embedding key of reference.json for a layout.
std::string embeddingKey(const QString& layout) {
    if (layout == "hf") return "embedding_hf";
    if (layout == "openclip") return "embedding_openclip";
    return "embedding";
}

std::string layoutPath(const QString& layout) {
    if (layout == "hf") return kReference + "/model-hf";
    if (layout == "openclip") return kReference + "/model-openclip";
    return kReference + "/model-openai.pt";
}

at::Tensor idsTensor(const std::vector<int64_t>& ids, int64_t padTo) {
    at::Tensor t = at::zeros({1, std::max<int64_t>(padTo, int64_t(ids.size()))}, at::kLong);
    for (size_t i = 0; i < ids.size(); ++i) t[0][int64_t(i)] = ids[i];
    return t;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestClipModel : public QObject {
    Q_OBJECT

private:
    json m_reference;
    std::map<QString, LoadedClipModel> m_models;
    std::map<QString, double> m_minCosine;
    QTemporaryDir m_dir;

    LoadedClipModel& model(const QString& layout) { return m_models.at(layout); }

    void noteCosine(const QString& layout, double c) {
        auto& slot = m_minCosine.try_emplace(layout, 1.0).first->second;
        slot = std::min(slot, c);
    }

    std::string copyReferenceHf(const std::string& name) {
        const fs::path folder = m_dir.filePath(QString::fromStdString(name)).toStdString();
        fs::create_directories(folder);
        for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
            fs::copy_file(fs::path(kReference) / "model-hf" / f, folder / f,
                          fs::copy_options::overwrite_existing);
        return folder.string();
    }

private slots:
    void initTestCase() {
        if (!fs::exists(kReference + "/reference.json"))
            QSKIP("shared clip-reference material is absent (COSMOCLIP_SHARED_DIR)");
        std::ifstream in(kReference + "/reference.json");
        m_reference = json::parse(in);
        at::set_num_threads(1);
        for (const QString layout : {"hf", "openclip", "openai"})
            m_models.emplace(layout, ClipModelLoader::load(layoutPath(layout)));
    }

    void cleanupTestCase() {
        for (const auto& [layout, c] : m_minCosine)
            qInfo("min cosine %s: %.12f (1 - cos = %.3g)", qPrintable(layout), c, 1.0 - c);
    }

    void detectsTheThreeLayouts() {
        QCOMPARE(int(ClipModelLoader::detectLayout(layoutPath("hf"))),
                 int(ClipCheckpointLayout::HuggingFace));
        QCOMPARE(int(ClipModelLoader::detectLayout(layoutPath("openclip"))),
                 int(ClipCheckpointLayout::OpenClip));
        QCOMPARE(int(ClipModelLoader::detectLayout(layoutPath("openai"))), int(ClipCheckpointLayout::OpenAi));
        QCOMPARE(int(ClipModelLoader::detectLayout(layoutPath("hf") + "/model.safetensors")),
                 int(ClipCheckpointLayout::HuggingFace));
    }

    void configsOfAllLayoutsMatchReference() {
        const json& r = m_reference["config"];
        for (const QString layout : {"hf", "openclip", "openai"}) {
            const ClipConfig& c = model(layout).config;
            QCOMPARE(c.embedDim, r["embed_dim"].get<int64_t>());
            QCOMPARE(c.vision.imageSize, r["image_resolution"].get<int64_t>());
            QCOMPARE(c.vision.patchSize, r["vision_patch_size"].get<int64_t>());
            QCOMPARE(c.vision.width, r["vision_width"].get<int64_t>());
            QCOMPARE(c.vision.layers, r["vision_layers"].get<int64_t>());
            QCOMPARE(c.vision.heads, c.vision.width / 64);
            QCOMPARE(c.text.width, r["transformer_width"].get<int64_t>());
            QCOMPARE(c.text.heads, r["transformer_heads"].get<int64_t>());
            QCOMPARE(c.text.layers, r["transformer_layers"].get<int64_t>());
            QCOMPARE(c.text.contextLength, r["context_length"].get<int64_t>());
            QCOMPARE(c.text.vocabSize, r["vocab_size"].get<int64_t>());
            QCOMPARE(int(c.activation), int(ClipActivation::QuickGelu));
            QCOMPARE(c.layerNormEps, 1e-5);
            QVERIFY(c == model("hf").config);
        }
    }

    void preprocessSettingsComeFromTheFiles() {
        for (const QString layout : {"hf", "openclip", "openai"}) {
            const PreprocessConfig p = model(layout).preprocess.toPreprocessConfig();
            QCOMPARE(p.size, 64);
            QCOMPARE(p.mean[0], 0.48145466f);
            QCOMPARE(p.std[2], 0.27577711f);
        }
        const auto bad = ClipPreprocessorConfig::fromHuggingFaceJson(
            json{{"size", {{"shortest_edge", 256}}}, {"crop_size", 224}}, 224, "p.json");
        QCOMPARE(bad.resizeShortest, int64_t(256));
        QVERIFY(errorOf([&] { bad.toPreprocessConfig(); }).contains("256"));
    }

    void logitScaleIsTheReferenceLog() {
        for (const QString layout : {"hf", "openclip", "openai"}) {
            const double scale = model(layout).model->logit_scale.item<double>();
            QVERIFY2(std::abs(scale - m_reference["logit_scale"].get<double>()) < 1e-3, qPrintable(layout));
        }
    }

    void imageFeaturesMatchReference_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<int>("image");
        for (const QString layout : {"hf", "openclip", "openai"})
            for (int i = 0; i < 7; ++i)
                QTest::newRow(qPrintable(layout + "/" + QString::number(i))) << layout << i;
    }
    void imageFeaturesMatchReference() {
        QFETCH(QString, layout);
        QFETCH(int, image);
        const json& ref = m_reference["images"][size_t(image)];
        std::vector<float> pixels = readF32(kReference + "/" + ref["preprocessed"].get<std::string>());
        c10::InferenceMode guard;
        const at::Tensor input = at::from_blob(pixels.data(), {1, 3, 64, 64}, at::kFloat);
        const at::Tensor features = model(layout).model->encodeImage(input).contiguous();
        const auto expected = ref[embeddingKey(layout)].get<std::vector<double>>();
        QCOMPARE(features.size(1), int64_t(expected.size()));
        const double c = cosine(features.data_ptr<float>(), expected);
        noteCosine(layout, c);
        QVERIFY2(c >= 0.99999, qPrintable(QString("cosine %1").arg(c, 0, 'g', 10)));
    }

    void textFeaturesMatchReference_data() {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<int>("text");
        QTest::addColumn<int>("padTo");
        for (const QString layout : {"hf", "openclip", "openai"})
            for (int i = 0; i < 20; ++i)
                for (int pad : {0, 77})
                    QTest::newRow(qPrintable(QString("%1/%2/pad%3").arg(layout).arg(i).arg(pad)))
                        << layout << i << pad;
    }
    void textFeaturesMatchReference() {
        QFETCH(QString, layout);
        QFETCH(int, text);
        QFETCH(int, padTo);
        const json& ref = m_reference["texts"][size_t(text)];
        c10::InferenceMode guard;
        const auto ids = ref["context_ids"].get<std::vector<int64_t>>();
        const at::Tensor features = model(layout).model->encodeText(idsTensor(ids, padTo)).contiguous();
        const double c =
            cosine(features.data_ptr<float>(), ref[embeddingKey(layout)].get<std::vector<double>>());
        noteCosine(layout, c);
        QVERIFY2(c >= 0.99999, qPrintable(QString("cosine %1").arg(c, 0, 'g', 10)));
    }

    // All 20 texts (2 to 77 tokens) in one zero-padded batch, and all images in one batch, through the
    // torch-free encoder: the same logits as the reference.
    void batchedLogitsMatchReference_data() {
        QTest::addColumn<QString>("layout");
        for (const QString layout : {"hf", "openclip", "openai"}) QTest::newRow(qPrintable(layout)) << layout;
    }
    void batchedLogitsMatchReference() {
        QFETCH(QString, layout);
        LoadedClipModel copy = model(layout);  // shares the module
        ClipEncoder encoder(std::move(copy), ClipEncoderOptions{1, 5, true});
        std::vector<std::vector<float>> images;
        for (const auto& img : m_reference["images"])
            images.push_back(readF32(kReference + "/" + img["preprocessed"].get<std::string>()));
        std::vector<std::vector<int32_t>> texts;
        for (const auto& t : m_reference["texts"])
            texts.push_back(t["context_ids"].get<std::vector<int32_t>>());
        const auto imageRows = encoder.encodeImages(images);
        const auto textRows = encoder.encodeTexts(texts);
        const int64_t e = encoder.embedDim();
        const std::string key = layout == "hf"         ? "logits_per_image_hf"
                                : layout == "openclip" ? "logits_per_image_openclip"
                                                       : "logits_per_image";
        const auto& expected = m_reference[key];
        double worst = 0;
        for (size_t i = 0; i < images.size(); ++i) {
            for (size_t j = 0; j < texts.size(); ++j) {
                double dot = 0;
                for (int64_t k = 0; k < e; ++k) dot += double(imageRows[i * e + k]) * textRows[j * e + k];
                const double ref = expected[i][j].get<double>();
                worst = std::max(worst,
                                 std::abs(encoder.logitScale() * dot - ref) / std::max(1.0, std::abs(ref)));
            }
        }
        qInfo("%s: worst relative logit error %.3g", qPrintable(layout), worst);
        QVERIFY2(worst < 1e-3, qPrintable(QString::number(worst)));
    }

    void moduleParametersAreTheCheckpointNames() {
        const ClipConfig config = ClipConfig::tiny(1000);
        ClipModel m(config);
        std::map<std::string, std::vector<int64_t>> registered;
        for (const auto& p : m->named_parameters(true)) registered[p.key()] = p.value().sizes().vec();
        std::map<std::string, std::vector<int64_t>> table;
        for (const auto& w : WeightNames::openAi(config)) table[w.name] = w.shape;
        QCOMPARE(registered.size(), table.size());
        QVERIFY(registered == table);
        QVERIFY(registered.count("visual.transformer.resblocks.1.attn.in_proj_weight"));
        QVERIFY(registered.count("transformer.resblocks.0.mlp.c_proj.bias"));
    }

    // Parameter counts of the named architectures against open_clip's model_profile.csv (spec §1.5).
    void namedArchitecturesHaveTheKnownSizes_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<double>("millions");
        QTest::newRow("B/32") << "ViT-B/32" << 151.28;
        QTest::newRow("B/16") << "ViT-B/16" << 149.62;
        QTest::newRow("L/14") << "ViT-L/14" << 427.62;
        QTest::newRow("L/14@336") << "ViT-L/14@336" << 427.94;
    }
    void namedArchitecturesHaveTheKnownSizes() {
        QFETCH(QString, name);
        QFETCH(double, millions);
        double count = 0;
        for (const auto& w : WeightNames::openAi(ClipConfig::named(name.toStdString()))) {
            double n = 1;
            for (auto d : w.shape) n *= double(d);
            count += n;
        }
        QVERIFY2(std::abs(count / 1e6 - millions) < 0.02, qPrintable(QString::number(count / 1e6)));
    }

    void huggingFaceConfigRoundTrips() {
        for (const auto& config : {ClipConfig::tiny(500), ClipConfig::named("ViT-L/14@336")}) {
            const ClipConfig back =
                ClipConfig::fromHuggingFaceJson(config.toHuggingFaceJson(), "config.json");
            QVERIFY(back == config);
        }
        ClipConfig gelu = ClipConfig::tiny(500);
        gelu.activation = ClipActivation::Gelu;
        QVERIFY(ClipConfig::fromHuggingFaceJson(gelu.toHuggingFaceJson(), "c").activation ==
                ClipActivation::Gelu);
    }

    void huggingFacePoolingFollowsEosTokenId() {
        json j = ClipConfig::tiny(500).toHuggingFaceJson();
        j["text_config"]["eos_token_id"] = 2;  // configs from before transformers PR #24773
        QCOMPARE(int(ClipConfig::fromHuggingFaceJson(j, "c").text.pooling), int(ClipTextPooling::Argmax));
        j["text_config"]["eos_token_id"] = 300;
        const ClipConfig c = ClipConfig::fromHuggingFaceJson(j, "c");
        QCOMPARE(int(c.text.pooling), int(ClipTextPooling::FirstEot));
        QCOMPARE(c.text.eotTokenId, int64_t(300));
    }

    void badConfigsAreRefused_data() {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("message");
        QTest::newRow("act")
            << R"({"text_config":{"hidden_act":"relu"},"vision_config":{"hidden_act":"relu"}})"
            << "relu";
        QTest::newRow("mixed act") << R"({"vision_config":{"hidden_act":"gelu"}})"
                                   << "differs";
        QTest::newRow("heads") << R"({"vision_config":{"num_attention_heads":5}})"
                               << "not divisible";
        QTest::newRow("patch") << R"({"vision_config":{"patch_size":15}})"
                               << "multiple of patch";
        QTest::newRow("type") << R"({"projection_dim":"big"})"
                              << "projection_dim";
    }
    void badConfigsAreRefused() {
        QFETCH(QString, patch);
        QFETCH(QString, message);
        json j = ClipConfig::tiny(500).toHuggingFaceJson();
        j.merge_patch(json::parse(patch.toStdString()));
        const QString error = errorOf([&] { ClipConfig::fromHuggingFaceJson(j, "x/config.json"); });
        QVERIFY2(error.startsWith("x/config.json: ") && error.contains(message), qPrintable(error));
    }

    void openClipArchitectureOptionsAreRefused() {
        const json j = {{"model_cfg", {{"embed_dim", 512}, {"vision_cfg", {{"ls_init_value", 1e-5}}}}}};
        QVERIFY(errorOf([&] { ClipConfig::fromOpenClipJson(j, "o.json"); }).contains("ls_init_value"));
        const json resnet = {{"embed_dim", 512}, {"vision_cfg", {{"layers", {3, 4, 6, 3}}}}};
        QVERIFY(errorOf([&] { ClipConfig::fromOpenClipJson(resnet, "o.json"); }).contains("ResNet"));
    }

    void firstEotPoolingIgnoresLargerIds() {
        ClipConfig config = ClipConfig::tiny(100);
        config.text.pooling = ClipTextPooling::FirstEot;
        config.text.eotTokenId = 50;
        ClipModel m(config);
        c10::InferenceMode guard;
        const at::Tensor ids = at::tensor(std::vector<int64_t>{98, 3, 50, 99, 7}).view({1, 5});
        QCOMPARE(m->text->poolingPositions(ids).item<int64_t>(), int64_t(2));
        const at::Tensor full = m->encodeText(ids);
        const at::Tensor cut = m->encodeText(ids.slice(1, 0, 3));
        QVERIFY(at::allclose(full, cut, 1e-5, 1e-6));
        config.text.pooling = ClipTextPooling::Argmax;
        ClipModel argmaxModel(config);
        QCOMPARE(argmaxModel->text->poolingPositions(ids).item<int64_t>(), int64_t(3));
    }

    void badInputsAreErrors() {
        ClipModel m(ClipConfig::tiny(100));
        c10::InferenceMode guard;
        QVERIFY(errorOf([&] { m->encodeText(at::zeros({1, 17}, at::kLong)); }).contains("L <= 16"));
        QVERIFY(errorOf([&] {
                    m->encodeText(at::full({1, 3}, 100, at::kLong));
                }).contains("outside the vocabulary"));
        QVERIFY(errorOf([&] { m->encodeImage(at::zeros({1, 3, 64, 64})); }).contains("[B,3,32,32]"));
    }

    void wrongConfigNamesTheTensors() {
        const std::string folder = copyReferenceHf("wrong-width");
        json j = json::parse(std::ifstream(folder + "/config.json"));
        j["vision_config"]["hidden_size"] = 192;  // 3 heads of 64
        j["vision_config"]["num_attention_heads"] = 3;
        std::ofstream(folder + "/config.json") << j.dump();
        const QString error = errorOf([&] { ClipModelLoader::load(folder); });
        QVERIFY2(error.startsWith(QString::fromStdString(folder + "/model.safetensors: ")),
                 qPrintable(error));
        QVERIFY2(error.contains("'vision_model.embeddings.class_embedding' has shape [128], expected [192]"),
                 qPrintable(error));
        QVERIFY2(error.contains("'visual_projection.weight' has shape [64,128], expected [64,192]"),
                 qPrintable(error));
        QVERIFY2(
            error.contains("'vision_model.encoder.layers.1.self_attn.q_proj.weight' has shape [128,128], "
                           "expected [192,192]"),
            qPrintable(error));
        QVERIFY(!error.contains("text_model"));
    }

    void missingAndUnexpectedTensorsAreAllNamed() {
        const std::string folder = copyReferenceHf("missing");
        const SafetensorsFile file = SafetensorsFile::open(kReference + "/model-hf/model.safetensors");
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        for (const auto& name : file.names()) {
            if (name == "text_model.final_layer_norm.weight" || name == "logit_scale") continue;
            tensors.emplace_back(name == "visual_projection.weight" ? "visual.proj" : name,
                                 file.tensor(name));
        }
        tensors.emplace_back("text_model.embeddings.position_ids", at::arange(77).view({1, 77}));  // ignored
        writeSafetensors(folder + "/model.safetensors", tensors, {{"format", "pt"}});
        const QString error = errorOf([&] { ClipModelLoader::load(folder); });
        QVERIFY2(error.contains("missing tensor 'text_model.final_layer_norm.weight'"), qPrintable(error));
        QVERIFY2(error.contains("missing tensor 'logit_scale'"), qPrintable(error));
        QVERIFY2(error.contains("missing tensor 'visual_projection.weight'"), qPrintable(error));
        QVERIFY2(error.contains("unexpected tensor 'visual.proj'"), qPrintable(error));
        QVERIFY2(!error.contains("position_ids"), qPrintable(error));
    }

    void unusableFilesGiveClearErrors() {
        const QString base = m_dir.path();
        QVERIFY(errorOf([&] {
                    ClipModelLoader::load((base + "/nothing").toStdString());
                }).contains("no such file"));
        fs::create_directories((base + "/empty").toStdString());
        QVERIFY(errorOf([&] {
                    ClipModelLoader::load((base + "/empty").toStdString());
                }).contains("not a CLIP checkpoint folder"));
        fs::create_directories((base + "/pickle").toStdString());
        std::ofstream((base + "/pickle/pytorch_model.bin").toStdString()) << "PK";
        QVERIFY(errorOf([&] { ClipModelLoader::load((base + "/pickle").toStdString()); }).contains("pickle"));
        std::ofstream((base + "/junk.pt").toStdString()) << "not a zip archive";
        QVERIFY(
            errorOf([&] { ClipModelLoader::load((base + "/junk.pt").toStdString()); }).contains("junk.pt: "));
        const std::string badJson = copyReferenceHf("badjson");
        std::ofstream(badJson + "/config.json") << "{ \"projection_dim\": ";
        QVERIFY(errorOf([&] { ClipModelLoader::load(badJson); }).contains("invalid JSON"));
        std::ofstream(badJson + "/config.json") << R"({"model_type": "bert"})";
        QVERIFY(errorOf([&] { ClipModelLoader::load(badJson); }).contains("not a CLIPModel"));
    }

    // Saving the OpenAI reference as HF reproduces the reference HF file tensor for tensor: the name
    // mapping, the q/k/v split and both transposes are right.
    void savedHuggingFaceFolderEqualsReferenceFile() {
        const std::string out = m_dir.filePath("saved-openai").toStdString();
        ClipModelLoader::saveHuggingFace(*model("openai").model, model("openai").preprocess, out);
        const SafetensorsFile saved = SafetensorsFile::open(out + "/model.safetensors");
        const SafetensorsFile reference = SafetensorsFile::open(kReference + "/model-hf/model.safetensors");
        QVERIFY(saved.names() == reference.names());
        QCOMPARE(saved.metadata().at("format"), std::string("pt"));
        for (const auto& name : reference.names())
            QVERIFY2(at::equal(saved.tensor(name), reference.tensor(name)), name.c_str());
        const json config = json::parse(std::ifstream(out + "/config.json"));
        QCOMPARE(config["vision_config"]["hidden_size"].get<int>(), 128);
        QCOMPARE(config["text_config"]["hidden_act"].get<std::string>(), std::string("quick_gelu"));
        QCOMPARE(config["architectures"][0].get<std::string>(), std::string("CLIPModel"));
        const auto reloaded = ClipModelLoader::load(out);
        QVERIFY(reloaded.preprocess == model("hf").preprocess);
    }

    void tinyModelSurvivesSaveAndLoad() {
        ClipModel original(ClipConfig::tiny(49408));
        original->eval();
        ClipPreprocessorConfig preprocess = ClipPreprocessorConfig::forImageSize(32);
        preprocess.mean = {0.5f, 0.25f, 0.125f};
        const std::string out = m_dir.filePath("tiny").toStdString();
        ClipModelLoader::saveHuggingFace(*original, preprocess, out);
        LoadedClipModel loaded = ClipModelLoader::load(out);
        QVERIFY(loaded.config == original->config());
        QVERIFY(loaded.preprocess == preprocess);
        c10::InferenceMode guard;
        at::manual_seed(7);
        const at::Tensor images = at::randn({3, 3, 32, 32});
        const at::Tensor ids = at::tensor(std::vector<int64_t>{49406, 320, 1125, 539, 320, 3240, 49407, 0,
                                                               49406, 5, 49407, 0, 0, 0, 0, 0})
                                   .view({2, 8});
        QVERIFY(at::equal(loaded.model->encodeImage(images), original->encodeImage(images)));
        QVERIFY(at::equal(loaded.model->encodeText(ids), original->encodeText(ids)));
        QVERIFY(at::equal(loaded.model->logit_scale, original->logit_scale));
    }

    void encoderNormalisesAndChecksInputs() {
        ClipEncoder encoder(layoutPath("hf"), ClipEncoderOptions{1, 2, true});
        const auto rows = encoder.encodeTexts(
            std::vector<std::vector<int64_t>>{{49406, 320, 49407}, {49406, 49407}, {49406, 1, 2, 49407}});
        QCOMPARE(rows.size(), size_t(3 * 64));
        for (int r = 0; r < 3; ++r) {
            double n = 0;
            for (int k = 0; k < 64; ++k) n += double(rows[r * 64 + k]) * rows[r * 64 + k];
            QVERIFY(std::abs(n - 1.0) < 1e-5);
        }
        QVERIFY(
            errorOf([&] { encoder.encodeTexts(std::vector<std::vector<int64_t>>{{}}); }).contains("text 0"));
        QVERIFY(errorOf([&] {
                    encoder.encodeTexts(std::vector<std::vector<int64_t>>(1, std::vector<int64_t>(78, 1)));
                }).contains("78 tokens"));
        QVERIFY(errorOf([&] { encoder.encodeImages({std::vector<float>(10)}); }).contains("image 0"));
        QVERIFY(std::abs(encoder.logitScale() - std::exp(m_reference["logit_scale"].get<double>())) < 1e-3);
    }
};

QTEST_GUILESS_MAIN(TestClipModel)
#include "tst_clipmodel.moc"
