#include "catalog/catalogqueries.h"

#include <filesystem>
#include <set>

#include "catalog/catalog.h"
#include "image/clipinput.h"
#include "model/clipencoder.h"
#include "model/textembedding.h"

namespace cosmoclip {

size_t embedMissingImages(Catalog& catalog, const ClipEncoder& encoder, const ModelRecord& model,
                          const Indexer::ProgressCallback& onProgress, const std::atomic<bool>* cancel) {
    const auto paths = catalog.pathsWithoutEmbedding(model.id);
    if (paths.empty()) return 0;
    Indexer(catalog, encoder, model).run(paths, onProgress, cancel);
    return paths.size();
}

std::vector<float> embedQueryTerm(const QueryTerm& term, Catalog& catalog, const ClipEncoder& encoder,
                                  const BpeTokenizer& tokenizer, const ModelRecord& model,
                                  std::optional<StretchKind> stretch) {
    if (!term.isImage) return encodeTextStrings(encoder, tokenizer, {term.text});
    if (const auto image = catalog.imageByPath(Catalog::normalizePath(term.text))) {
        auto stored = catalog.embedding(image->id, model.id);
        if (!stored.empty()) return stored;
    }
    const auto input = clipInputFromFile(term.text, encoder.preprocess().toPreprocessConfig(), stretch);
    return encoder.encodeImages(input.data(), 1);
}

std::vector<float> embedQuery(const std::vector<QueryTerm>& terms, Catalog& catalog, const ClipEncoder& encoder,
                              const BpeTokenizer& tokenizer, const ModelRecord& model,
                              std::optional<StretchKind> stretch) {
    std::vector<float> vectors;
    for (const QueryTerm& term : terms) {
        const auto v = embedQueryTerm(term, catalog, encoder, tokenizer, model, stretch);
        vectors.insert(vectors.end(), v.begin(), v.end());
    }
    return combineQuery(terms, vectors, static_cast<size_t>(encoder.embedDim()));
}

std::vector<int64_t> imageIdsUnder(Catalog& catalog, const std::vector<std::string>& roots) {
    std::set<int64_t> ids;
    for (const std::string& root : roots) {
        const std::string path = Catalog::normalizePath(root);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            for (const ImageRecord& r : catalog.imagesUnder(path))
                if (r.status == ImageStatus::Ok) ids.insert(r.id);
        } else if (const auto r = catalog.imageByPath(path); r && r->status == ImageStatus::Ok) {
            ids.insert(r->id);
        }
    }
    return {ids.begin(), ids.end()};
}

}  // namespace cosmoclip
