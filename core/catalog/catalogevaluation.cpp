#include "catalog/catalogevaluation.h"

#include "catalog/catalog.h"
#include "common/error.h"
#include "model/clipencoder.h"
#include "model/textembedding.h"
#include "retrieval/promptensemble.h"
#include "retrieval/prompttemplates.h"
#include "retrieval/vectormath.h"

namespace cosmoclip {

EvalMetrics evaluateOnCatalog(Catalog& catalog, const ClipEncoder& encoder, const BpeTokenizer& tokenizer,
                              const ModelRecord& model, const std::vector<TrainingExample>& examples,
                              const EvalTexts& texts, const std::vector<std::string>& templates,
                              const Indexer::ProgressCallback& onProgress) {
    std::vector<std::string> missing;
    for (const auto& e : examples) {
        const auto image = catalog.imageByPath(e.imagePath);
        if (!image || !catalog.hasEmbedding(image->id, model.id)) missing.push_back(e.imagePath);
    }
    if (!missing.empty()) Indexer(catalog, encoder, model).run(missing, onProgress);
    const size_t dim = static_cast<size_t>(encoder.embedDim());
    std::vector<float> images;
    images.reserve(examples.size() * dim);
    for (const auto& e : examples) {
        const auto image = catalog.imageByPath(e.imagePath);
        const auto v = image ? catalog.embedding(image->id, model.id) : std::vector<float>{};
        if (v.size() != dim) throw Error(e.imagePath, "no embedding for this model (the file could not be read)");
        images.insert(images.end(), v.begin(), v.end());
    }
    std::vector<float> classes;
    if (!texts.classNames.empty()) {
        std::vector<std::string> prompts;
        for (const auto& c : texts.classNames)
            for (const auto& t : templates) prompts.push_back(formatTemplate(t, c));
        classes = ensembleClassEmbeddings(encodeTextStrings(encoder, tokenizer, prompts), texts.classNames.size(),
                                          templates.size(), dim);
    }
    std::vector<float> captions = encodeTextStrings(encoder, tokenizer, texts.captions);
    l2NormalizeRows(captions.data(), texts.captions.size(), dim);
    return evaluateEmbeddings(texts, {dim, images, classes, captions});
}

}  // namespace cosmoclip
