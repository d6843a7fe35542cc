#include "cli/catalogcommands.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <map>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "catalog/annotationimport.h"
#include "catalog/catalog.h"
#include "catalog/catalogqueries.h"
#include "catalog/catalogsearch.h"
#include "catalog/indexer.h"
#include "catalog/shardmerge.h"
#include "catalog/shardspec.h"
#include "catalog/sqlitetransaction.h"
#include "cli/args.h"
#include "cli/imagecommands.h"
#include "cli/modelsource.h"
#include "cli/progressbar.h"
#include "common/error.h"
#include "image/clipinput.h"
#include "model/clipconfig.h"
#include "model/clipfactory.h"
#include "model/textembedding.h"
#include "image/rasterwriter.h"
#include "common/atomicfile.h"
#include "retrieval/nearduplicates.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/queryparser.h"
#include "retrieval/vectorindex.h"
#include "retrieval/vectormath.h"
#include "retrieval/zeroshotclassifier.h"

namespace cosmoclip::cli {

namespace fs = std::filesystem;

namespace {

using json = nlohmann::ordered_json;

// Ctrl-C during a long catalog job stops at the next file; committed batches stay, the next run resumes.
std::atomic<bool> g_interrupted{false};
extern "C" void onInterrupt(int) { g_interrupted = true; }

struct InterruptGuard {
    void (*previous)(int);
    InterruptGuard() : previous(std::signal(SIGINT, onInterrupt)) {}
    ~InterruptGuard() { std::signal(SIGINT, previous); }
};

ClipEncoderOptions encoderOptions(const ParsedArgs& args) {
    ClipEncoderOptions options;
    options.threads = static_cast<int>(args.integer("threads", 1, 1024).value_or(0));
    options.batchSize = args.integer("batch", 1, 4096).value_or(32);
    return options;
}

std::string requireDb(const ParsedArgs& args) {
    const auto db = args.value("db");
    if (!db) throw UsageError("--db CATALOG.sqlite is required");
    return *db;
}


/// The model of a catalog command, registered in the catalog, with every catalog image embedded by it:
/// a catalog met with a new model is embedded on demand (vectors of different models never mix).
struct CatalogModel {
    ModelSource source;
    ClipEncoder encoder;
    ModelRecord record;
};

CatalogModel openCatalogModel(Catalog& catalog, const ParsedArgs& args) {
    ModelSource source = ModelSource::resolve(args.value("model"), args.value("tokenizer"));
    ClipEncoder encoder = source.loadEncoder(encoderOptions(args));
    ModelRecord record = Indexer::registerModel(catalog, source.modelPath, encoder);
    return {std::move(source), std::move(encoder), std::move(record)};
}

void embedMissing(Catalog& catalog, const CatalogModel& model) {
    const size_t pending = catalog.pathsWithoutEmbedding(model.record.id).size();
    if (pending == 0) return;
    std::fprintf(stderr, "cosmoclip: embedding %zu catalog images with %s\n", pending, model.record.name.c_str());
    ProgressBar bar("img");
    InterruptGuard guard;
    embedMissingImages(catalog, model.encoder, model.record,
                       [&](const IndexProgress& p) { bar.update(p.done, p.total, p.path); }, &g_interrupted);
    if (g_interrupted) throw Error(catalog.path(), "interrupted; the images embedded so far are stored");
}

std::unordered_map<int64_t, ImageRecord> imagesById(Catalog& catalog) {
    std::unordered_map<int64_t, ImageRecord> out;
    for (auto& r : catalog.allImages()) out.emplace(r.id, std::move(r));
    return out;
}

// --- index ------------------------------------------------------------------------------------

const std::vector<OptionSpec> kIndexOptions = {
    {"db", true},      {"model", true}, {"tokenizer", true}, {"json", false},         {"threads", true},
    {"batch", true},   {"hdu", true},   {"stretch", true},   {"decode-threads", true},
    {"shard", true},   {"shard-out", true},
};

json failuresJson(const std::vector<ScanFailure>& failures) {
    json out = json::array();
    for (const auto& f : failures) out.push_back({{"path", f.path}, {"error", f.error}});
    return out;
}

/// The main catalog's knowledge for a shard run: files it holds unchanged with the same model are skipped.
struct ShardReference {
    std::optional<Catalog> catalog;
    std::optional<ModelRecord> model;

    bool has(const std::string& path, int64_t size, int64_t mtimeNs) {
        if (!catalog || !model) return false;
        const auto r = catalog->imageByPath(path);
        return r && r->status == ImageStatus::Ok && r->fileSize == size && r->mtimeNs == mtimeNs &&
               catalog->hasEmbedding(r->id, model->id);
    }
};

IndexOptions indexOptions(const ParsedArgs& args) {
    IndexOptions options;
    options.batchSize = static_cast<size_t>(args.integer("batch", 1, 4096).value_or(32));
    options.decodeThreads = static_cast<int>(args.integer("decode-threads", 1, 256).value_or(0));
    options.load.hdu = args.value("hdu").value_or("");
    options.stretch = stretchOption(args);
    return options;
}

IndexReport runIndexer(Catalog& catalog, const CatalogModel& model, const IndexOptions& options,
                       const std::vector<std::string>& roots) {
    ProgressBar bar("img");
    InterruptGuard guard;
    const IndexReport r = Indexer(catalog, model.encoder, model.record, options)
                              .run(roots, [&](const IndexProgress& p) { bar.update(p.done, p.total, p.path); },
                                   &g_interrupted);
    bar.finish();
    if (r.cancelled) {
        throw Error(catalog.path(), "interrupted: " + std::to_string(r.added + r.updated) +
                                        " images stored; run the same command again to resume");
    }
    if (r.added + r.updated + r.unchanged == 0 && r.failed.size() == roots.size() && !r.failed.empty() &&
        r.failed.front().error == "no such file or folder") {
        throw Error(r.failed.front().path, "no such file or folder");
    }
    return r;
}

void printIndexReport(const ParsedArgs& args, const IndexReport& r, const std::string& db, json extra) {
    json out = {{"added", r.added},     {"updated", r.updated}, {"unchanged", r.unchanged}, {"removed", r.removed},
                {"failed", failuresJson(r.failed)}, {"total", r.total}};
    out.update(extra);
    if (args.has("json")) {
        std::cout << out.dump() << std::endl;
        return;
    }
    std::printf("added %zu, updated %zu, unchanged %zu, removed %zu, failed %zu; %zu images in %s\n", r.added, r.updated,
                r.unchanged, r.removed, r.failed.size(), r.total, db.c_str());
    for (const auto& f : r.failed) std::printf("  failed: %s\n", f.error.c_str());
}

/// `index --shard I/N --shard-out SHARD`: this shard's files into its own file; the catalog is only read.
int runShardIndex(const ParsedArgs& args, const std::string& db) {
    ShardSpec spec;
    try {
        spec = ShardSpec::parse(*args.value("shard"));
    } catch (const Error& e) {
        throw UsageError(e.what());
    }
    const std::string shardPath = *args.value("shard-out");
    if (fs::weakly_canonical(shardPath) == fs::weakly_canonical(db)) {
        throw UsageError("--shard-out must be a file of its own, not the catalog");
    }
    Catalog shard(shardPath);
    const CatalogModel model = openCatalogModel(shard, args);
    ShardReference reference;
    if (fs::exists(db)) {
        reference.catalog.emplace(db, Catalog::Mode::ReadOnly);
        reference.model = reference.catalog->modelByIdentity(model.record.identity);
    }
    IndexOptions options = indexOptions(args);
    options.select = [spec](const std::string& path) { return spec.contains(path); };
    options.indexedElsewhere = [&reference](const std::string& path, int64_t size, int64_t mtimeNs) {
        return reference.has(path, size, mtimeNs);
    };
    const IndexReport r = runIndexer(shard, model, options, args.positionals());
    printIndexReport(args, r, shardPath, {{"shard", spec.toString()}, {"shard_out", shardPath}});
    return 0;
}

}  // namespace

int runIndex(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kIndexOptions);
    const std::string db = requireDb(args);
    if (args.positionals().empty()) throw UsageError("index needs at least one PATH (file or folder)");
    if (args.has("shard") != args.has("shard-out")) throw UsageError("--shard I/N and --shard-out FILE go together");
    if (args.has("shard")) return runShardIndex(args, db);
    Catalog catalog(db);
    const CatalogModel model = openCatalogModel(catalog, args);
    const IndexReport r = runIndexer(catalog, model, indexOptions(args), args.positionals());
    printIndexReport(args, r, db, json::object());
    return 0;
}

int runMerge(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, {{"db", true}, {"json", false}});
    const std::string db = requireDb(args);
    if (args.positionals().empty()) throw UsageError("merge needs at least one SHARD.sqlite");
    for (const auto& shard : args.positionals()) {
        if (!fs::exists(shard)) throw Error(shard, "no such shard file");
    }
    Catalog catalog(db);
    MergeReport total;
    for (const auto& shard : args.positionals()) {
        const MergeReport r = mergeShard(catalog, shard);
        total.merged += r.merged;
        total.total = r.total;
        if (!args.has("json")) std::printf("%s: %zu images merged\n", shard.c_str(), r.merged);
    }
    if (args.has("json")) {
        std::cout << json{{"merged", total.merged}, {"total", total.total}}.dump() << std::endl;
    } else {
        std::printf("%zu images merged; %zu images in %s\n", total.merged, total.total, db.c_str());
    }
    return 0;
}

// --- annotate ---------------------------------------------------------------------------------

namespace {
const std::vector<OptionSpec> kAnnotateOptions = {{"db", true}, {"csv", true}, {"json", false}};
}

int runAnnotate(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kAnnotateOptions);
    const std::string db = requireDb(args);
    const auto csv = args.value("csv");
    if (!csv) throw UsageError("--csv FILE is required");
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals().front() + "'");
    const auto rows = readAnnotationCsv(*csv);  // the whole file is checked before the catalog is touched
    Catalog catalog(db);
    const AnnotationReport r = importAnnotations(catalog, rows);
    json failed = json::array();
    for (const auto& f : r.failed) failed.push_back({{"line", f.line}, {"path", f.path}, {"error", f.error}});
    const json out = {{"rows", r.rows},       {"images", r.images}, {"labels", r.labels},
                      {"captions", r.captions}, {"added", r.added},  {"failed", failed}};
    if (args.has("json")) {
        std::cout << out.dump() << std::endl;
    } else {
        std::printf("%zu rows: %zu images annotated (%zu labels, %zu captions), %zu new images to index\n", r.rows,
                    r.images, r.labels, r.captions, r.added);
        for (const auto& f : r.failed) std::printf("  line %d: %s: %s\n", f.line, f.path.c_str(), f.error.c_str());
    }
    return 0;
}

// --- classify ---------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kClassifyOptions = {
    {"db", true},       {"model", true},        {"tokenizer", true},      {"labels", true},
    {"preset", true},   {"template", true, true}, {"templates-file", true}, {"template-set", true},
    {"top", true},      {"json", false},        {"threads", true},        {"batch", true},
    {"stretch", true},  {"hdu", true},
};

struct LabelSet {
    std::vector<std::string> labels;
    std::vector<std::string> prompts;
};

LabelSet labelSetFrom(const ParsedArgs& args) {
    const auto labels = args.value("labels");
    const auto preset = args.value("preset");
    if (labels && preset) throw UsageError("give --labels or --preset, not both");
    if (preset) {
        const LabelPreset& p = labelPreset(*preset);
        return {p.labels, p.prompts};
    }
    if (!labels) throw UsageError("--labels \"a,b,c\" (or --preset spacenet|galaxy-morphology|deep-sky) is required");
    LabelSet set{splitLabelList(*labels), {}};
    if (set.labels.empty()) throw UsageError("--labels holds no label");
    return set;
}

std::vector<std::string> templatesFrom(const ParsedArgs& args, const std::string& modelPath) {
    std::vector<std::string> templates = args.values("template");
    for (const auto& t : templates) {
        try {
            validateTemplate(t);
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
    }
    if (const auto file = args.value("templates-file")) {
        const auto more = loadTemplatesFile(*file);
        templates.insert(templates.end(), more.begin(), more.end());
    }
    if (templates.empty())
        templates = args.value("template-set") ? templateSet(*args.value("template-set")) : templatesForModel(modelPath);
    return templates;
}

json scoresJson(const std::vector<std::string>& labels, const double* row, size_t k) {
    json scores = json::array();
    for (const auto& s : ZeroShotClassifier::topK(row, labels.size(), k))
        scores.push_back({{"label", labels[s.labelIndex]}, {"probability", s.probability}});
    return scores;
}

}  // namespace

int runClassify(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kClassifyOptions);
    const LabelSet set = labelSetFrom(args);
    const auto files = args.positionals();
    const auto db = args.value("db");
    if (files.empty() && !db) throw UsageError("give image FILEs, or --db CATALOG to classify the whole catalog");
    const size_t top = static_cast<size_t>(args.integer("top", 1, 1 << 20).value_or(static_cast<long long>(set.labels.size())));

    std::optional<Catalog> catalog;
    std::optional<CatalogModel> model;
    if (db) {
        catalog.emplace(*db);
        model.emplace(openCatalogModel(*catalog, args));
    } else {
        const ModelSource source = ModelSource::resolve(args.value("model"), args.value("tokenizer"));
        ClipEncoder encoder = source.loadEncoder(encoderOptions(args));
        model.emplace(CatalogModel{source, std::move(encoder), {}});
    }
    const ClipEncoder& encoder = model->encoder;
    const BpeTokenizer tokenizer = model->source.loadTokenizer();
    const std::vector<std::string> templates = templatesFrom(args, model->source.modelPath);
    const ZeroShotClassifier classifier(set.labels, templates,
                                        [&](const std::vector<std::string>& texts) { return encodeTextStrings(encoder, tokenizer, texts); },
                                        set.prompts);

    std::vector<std::string> paths;
    std::vector<int64_t> ids;
    std::vector<float> vectors;
    if (!files.empty()) {
        LoadOptions load;
        load.hdu = args.value("hdu").value_or("");
        const auto stretch = stretchOption(args);
        for (const auto& f : files) {
            const auto input = clipInputFromFile(f, encoder.preprocess().toPreprocessConfig(), stretch, load);
            const auto v = encoder.encodeImages(input.data(), 1);
            vectors.insert(vectors.end(), v.begin(), v.end());
            paths.push_back(f);
        }
    } else {
        embedMissing(*catalog, *model);
        EmbeddingMatrix m = catalog->embeddings(model->record.id);
        const auto byId = imagesById(*catalog);
        for (int64_t id : m.imageIds) paths.push_back(byId.at(id).path);
        ids = std::move(m.imageIds);
        vectors = std::move(m.vectors);
    }
    const size_t n = paths.size();
    const std::vector<double> probabilities = classifier.classify(vectors.data(), n, encoder.logitScale());
    const size_t c = set.labels.size();

    if (!ids.empty()) {
        // Stored as this model's zero-shot labels, replacing its earlier ones, in one transaction.
        SqliteTransaction transaction(catalog->database());
        for (size_t i = 0; i < n; ++i) {
            std::vector<LabelProbability> stored;
            for (const auto& s : ZeroShotClassifier::topK(probabilities.data() + i * c, c, top))
                stored.push_back({set.labels[s.labelIndex], s.probability});
            catalog->replaceLabels(ids[i], "zero-shot", model->record.id, stored);
        }
        transaction.commit();
    }
    json results = json::array();
    for (size_t i = 0; i < n; ++i)
        results.push_back({{"path", paths[i]}, {"scores", scoresJson(set.labels, probabilities.data() + i * c, top)}});
    const json out = {{"labels", set.labels}, {"results", results}};
    if (args.has("json")) {
        std::cout << out.dump() << std::endl;
    } else {
        for (const auto& r : results) {
            std::printf("%s\n", r["path"].get<std::string>().c_str());
            for (const auto& s : r["scores"])
                std::printf("  %6.2f%%  %s\n", 100 * s["probability"].get<double>(), s["label"].get<std::string>().c_str());
        }
    }
    return 0;
}

// --- search -----------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kSearchOptions = {
    {"db", true},       {"model", true},     {"tokenizer", true},    {"text", true},    {"image", true},
    {"top", true, false, "k"}, {"json", false}, {"threads", true},   {"batch", true},   {"folder", true, true},
    {"label", true, true}, {"where", true, true}, {"distinct", false}, {"captions", false}, {"stretch", true},
    {"index", true},
};

std::string lowerCase(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return s;
}

std::optional<std::string> headerValue(const ImageRecord& r, const std::string& key) {
    if (key == "object") return r.object;
    if (key == "telescope" || key == "telescop") return r.telescope;
    if (key == "instrument" || key == "instrume") return r.instrument;
    if (key == "filter") return r.filter;
    if (key == "format") return r.format;
    if (key == "date-obs" || key == "date_obs") return r.dateObs;
    throw UsageError("--where " + key + "=...: known keys are object, telescope, instrument, filter, format, date-obs");
}

/// --folder, --label and --where KEY=VALUE (case-insensitive) as one allowed-id set; nullopt when none given.
std::optional<std::unordered_set<int64_t>> allowedIds(const ParsedArgs& args, Catalog& catalog,
                                                      const std::unordered_map<int64_t, ImageRecord>& images) {
    const auto folders = args.values("folder");
    const auto labels = args.values("label");
    const auto wheres = args.values("where");
    if (folders.empty() && labels.empty() && wheres.empty()) return std::nullopt;
    std::unordered_set<int64_t> labelled;
    for (const auto& l : labels)
        for (int64_t id : catalog.imageIdsWithLabel(l)) labelled.insert(id);
    std::vector<std::pair<std::string, std::string>> conditions;
    for (const auto& w : wheres) {
        const auto eq = w.find('=');
        if (eq == std::string::npos) throw UsageError("--where takes KEY=VALUE, got '" + w + "'");
        conditions.emplace_back(lowerCase(w.substr(0, eq)), lowerCase(w.substr(eq + 1)));
    }
    std::unordered_set<int64_t> allowed;
    for (const auto& [id, r] : images) {
        bool ok = folders.empty();
        for (const auto& f : folders) {
            const std::string prefix = Catalog::normalizePath(f);
            ok = ok || r.path.rfind(prefix.back() == '/' ? prefix : prefix + "/", 0) == 0;
        }
        ok = ok && (labels.empty() || labelled.count(id));
        for (const auto& [key, value] : conditions) {
            const auto v = headerValue(r, key);
            ok = ok && v && lowerCase(*v) == value;
        }
        if (ok) allowed.insert(id);
    }
    return allowed;
}

json captionResults(Catalog& catalog, const CatalogModel& model, const BpeTokenizer& tokenizer,
                    const std::vector<float>& query, size_t k, const std::unordered_map<int64_t, ImageRecord>& images) {
    std::vector<std::string> captions;
    std::vector<std::string> owners;
    std::unordered_set<std::string> seen;
    for (const auto& [id, r] : images) {
        if (r.status != ImageStatus::Ok) continue;
        for (const auto& c : catalog.captions(id)) {
            if (seen.insert(c.text).second) {
                captions.push_back(c.text);
                owners.push_back(r.path);
            }
        }
    }
    json results = json::array();
    if (captions.empty()) return results;
    const size_t dim = static_cast<size_t>(model.encoder.embedDim());
    std::vector<float> vectors = encodeTextStrings(model.encoder, tokenizer, captions);
    VectorIndex index(dim);
    std::vector<int64_t> ids(captions.size());
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i);
    index.add(ids.data(), vectors.data(), ids.size());
    for (const auto& hit : index.search(query.data(), k)) {
        const auto i = static_cast<size_t>(hit.id);
        results.push_back({{"caption", captions[i]}, {"path", owners[i]}, {"score", hit.score}});
    }
    return results;
}

}  // namespace

int runSearch(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kSearchOptions);
    const std::string db = requireDb(args);
    const auto text = args.value("text");
    const auto image = args.value("image");
    if (text.has_value() == image.has_value()) throw UsageError("give exactly one of --text QUERY and --image FILE");
    if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals().front() + "'");
    const size_t k = static_cast<size_t>(args.integer("top", 1, 1 << 24).value_or(10));
    const auto stretch = stretchOption(args);

    Catalog catalog(db);
    const CatalogModel model = openCatalogModel(catalog, args);
    const BpeTokenizer tokenizer = model.source.loadTokenizer();
    embedMissing(catalog, model);

    std::vector<QueryTerm> terms;
    if (text) {
        try {
            terms = parseQuery(*text);
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
    } else {
        terms.push_back({1.0, *image, true});
    }
    const std::vector<float> query = embedQuery(terms, catalog, model.encoder, tokenizer, model.record, stretch);
    const auto images = imagesById(catalog);

    json results;
    if (args.has("captions")) {
        results = captionResults(catalog, model, tokenizer, query, k, images);
    } else {
        CatalogSearch searcher(catalog, model.record, static_cast<size_t>(args.integer("threads", 1, 1024).value_or(0)));
        SearchFilter filter;
        filter.allowedIds = allowedIds(args, catalog, images);
        if (image) {
            // The query image is left out of its own results.
            if (const auto self = catalog.imageByPath(Catalog::normalizePath(*image))) filter.excludeId = self->id;
        }
        SearchMode mode = SearchMode::Auto;
        try {
            mode = parseSearchMode(args.value("index").value_or("auto"));
        } catch (const Error& e) {
            throw UsageError(e.what());
        }
        const auto hits = searcher.search(query.data(), k, filter, mode, args.has("distinct"));
        results = json::array();
        for (const auto& hit : hits) results.push_back({{"path", images.at(hit.id).path}, {"score", hit.score}});
    }
    const json out = {{"query", text ? *text : *image}, {"results", results}};
    if (args.has("json")) {
        std::cout << out.dump() << std::endl;
    } else {
        for (const auto& r : results) {
            std::printf("%.4f  %s", r["score"].get<double>(), r["path"].get<std::string>().c_str());
            if (r.contains("caption")) std::printf("  \"%s\"", r["caption"].get<std::string>().c_str());
            std::printf("\n");
        }
    }
    return 0;
}

// --- bench index ------------------------------------------------------------------------------

namespace {

const std::vector<OptionSpec> kBenchIndexOptions = {{"arch", true},    {"images", true}, {"batch", true}, {"threads", true},
                                                    {"size", true},    {"json", false},  {"decode-threads", true}};

/// A synthetic sky picture: dark noisy background, a few stars and one extended blob.
Raster8 syntheticSky(int size, uint32_t seed) {
    Raster8 r;
    r.width = r.height = size;
    r.channels = 3;
    r.color = ColorSource::Rgb;
    r.pixels.resize(static_cast<size_t>(size) * static_cast<size_t>(size) * 3);
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(20.0f, 6.0f);
    for (auto& p : r.pixels) p = static_cast<uint8_t>(std::clamp(noise(rng), 0.0f, 255.0f));
    std::uniform_int_distribution<int> pos(0, size - 1);
    for (int s = 0; s < 40; ++s) {
        const int x = pos(rng), y = pos(rng);
        for (int c = 0; c < 3; ++c) r.pixels[(static_cast<size_t>(y) * size + x) * 3 + c] = 255;
    }
    const int cx = pos(rng), cy = pos(rng), radius = size / 6;
    for (int y = std::max(0, cy - radius); y < std::min(size, cy + radius); ++y)
        for (int x = std::max(0, cx - radius); x < std::min(size, cx + radius); ++x) {
            const double d2 = double((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (radius * radius);
            auto& px = r.pixels[(static_cast<size_t>(y) * size + x) * 3];
            px = static_cast<uint8_t>(std::min(255.0, px + 200 * std::exp(-4 * d2)));
        }
    return r;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

/// `cosmoclip bench index`: end-to-end indexing (decode + preprocess + embed + store) against the
/// model-only throughput of the same model, batch and threads, measured in the same run.
int runBenchIndex(const std::vector<std::string>& argv) {
    const ParsedArgs args = parseArgs(argv, kBenchIndexOptions);
    const std::string arch = args.value("arch").value_or("ViT-B/32");
    ClipConfig config;
    if (arch == "tiny") {
        config = ClipConfig::tiny();
    } else {
        bool known = false;
        for (const auto& name : ClipConfig::knownNames()) known = known || name == arch;
        if (!known) throw UsageError("--arch must be tiny or one of ViT-B/32, ViT-B/16, ViT-L/14");
        config = ClipConfig::named(arch);
    }
    const int images = static_cast<int>(args.integer("images", 1, 100000).value_or(64));
    const int size = static_cast<int>(args.integer("size", 16, 8192).value_or(512));
    const int64_t batch = args.integer("batch", 1, 4096).value_or(32);
    ClipEncoderOptions options;
    options.threads = static_cast<int>(args.integer("threads", 1, 1024).value_or(std::thread::hardware_concurrency()));
    options.batchSize = batch;
    const ClipEncoder encoder = ClipFactory::randomEncoder(config, 0, options);

    const fs::path dir = fs::temp_directory_path() / ("cosmoclip-bench-index-" + std::to_string(::getpid()));
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code ec;
            fs::remove_all(dir, ec);
        }
    } cleanup{dir};
    fs::create_directories(dir / "images");
    std::fprintf(stderr, "cosmoclip: writing %d synthetic %dx%d PNGs to %s\n", images, size, size, dir.c_str());
    for (int i = 0; i < images; ++i)
        writePng((dir / "images" / ("sky" + std::to_string(i) + ".png")).string(), syntheticSky(size, static_cast<uint32_t>(i)));

    // Model only: the same number of already preprocessed images through the same encoder.
    const int64_t r = config.vision.imageSize;
    std::vector<float> pixels(static_cast<size_t>(batch * 3 * r * r));
    std::mt19937 rng(1);
    std::normal_distribution<float> normal;
    for (auto& p : pixels) p = normal(rng);
    encoder.encodeImages(pixels.data(), static_cast<size_t>(std::min<int64_t>(batch, images)));  // warm-up
    auto start = std::chrono::steady_clock::now();
    for (int done = 0; done < images; done += static_cast<int>(batch))
        encoder.encodeImages(pixels.data(), static_cast<size_t>(std::min<int64_t>(batch, images - done)));
    const double modelRate = images / secondsSince(start);

    Catalog catalog((dir / "bench.sqlite").string());
    writeFileAtomically((dir / "weights.id").string(), arch.data(), arch.size());
    const ModelRecord model = catalog.ensureModel(dir.string(), (dir / "weights.id").string(), encoder.configHash(),
                                                  static_cast<int>(encoder.embedDim()), static_cast<int>(r));
    IndexOptions indexOptions;
    indexOptions.batchSize = static_cast<size_t>(batch);
    indexOptions.decodeThreads = static_cast<int>(args.integer("decode-threads", 1, 256).value_or(0));
    start = std::chrono::steady_clock::now();
    const IndexReport report = Indexer(catalog, encoder, model, indexOptions).run({(dir / "images").string()});
    const double indexRate = images / secondsSince(start);
    if (report.added != static_cast<size_t>(images)) throw Error(catalog.path(), "benchmark indexing lost images");

    const json out = {{"arch", arch},
                      {"images", images},
                      {"image_size", size},
                      {"batch", batch},
                      {"threads", options.threads},
                      {"model_images_per_second", modelRate},
                      {"index_images_per_second", indexRate},
                      {"ratio_index_vs_model", indexRate / modelRate}};
    std::cout << (args.has("json") ? out.dump() : out.dump(2)) << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
