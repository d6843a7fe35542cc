#include "cli/tokenizercommands.h"

#include <fstream>
#include <iostream>
#include <set>

#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "cli/args.h"
#include "common/error.h"
#include "retrieval/prompttemplates.h"
#include "tokenizer/bpetokenizer.h"
#include "tokenizer/bpetrainer.h"

namespace cosmoclip::cli {

namespace {

using json = nlohmann::ordered_json;

const std::vector<OptionSpec> kTrainOptions = {{"db", true, true}, {"text-file", true, true}, {"vocab-size", true},
                                               {"out", true},      {"json", false}};

/// Captions, labels, and every label written into every built-in astronomy template.
void addCatalogTexts(const std::string& db, std::vector<std::string>& texts) {
    Catalog catalog(db, Catalog::Mode::ReadOnly);
    std::set<std::string> labels;
    for (const auto& image : catalog.allImages()) {
        if (image.status == ImageStatus::Removed) continue;
        for (const auto& c : catalog.captions(image.id)) texts.push_back(c.text);
        for (const auto& l : catalog.labels(image.id)) labels.insert(l.label);
    }
    for (const auto& label : labels) {
        texts.push_back(label);
        for (const auto& t : templateSet(kDefaultTemplateSet)) texts.push_back(formatTemplate(t, label));
    }
}

void addFileTexts(const std::string& path, std::vector<std::string>& texts) {
    std::ifstream in(path);
    if (!in) throw Error(path, "cannot open the text file");
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) texts.push_back(line);
}

}  // namespace

int runTokenizer(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] != "train") throw UsageError("expected 'tokenizer train'");
    const ParsedArgs args = parseArgs({argv.begin() + 1, argv.end()}, kTrainOptions);
    const auto out = args.value("out");
    if (!out) throw UsageError("--out DIR is required");
    if (args.values("db").empty() && args.values("text-file").empty())
        throw UsageError("give --db CATALOG.sqlite and/or --text-file FILE as the training texts");
    const int vocabSize = static_cast<int>(args.integer("vocab-size", 514, 1 << 20).value_or(4096));
    std::vector<std::string> texts;
    for (const auto& db : args.values("db")) addCatalogTexts(db, texts);
    for (const auto& f : args.values("text-file")) addFileTexts(f, texts);
    if (texts.empty()) throw Error("no training texts: the catalogs and files hold no captions or labels");
    const BpeTokenizer tokenizer(trainBpe(texts, vocabSize));
    tokenizer.save(*out);
    const json report = {{"out", *out}, {"vocab_size", tokenizer.vocabularySize()}, {"texts", texts.size()}};
    std::cout << (args.has("json") ? report.dump() : report.dump(2)) << std::endl;
    return 0;
}

}  // namespace cosmoclip::cli
