#include "catalogwork.h"

#include <filesystem>
#include <set>

#include "catalog/catalog.h"
#include "catalog/catalogqueries.h"
#include "common/error.h"
#include "image/clipinput.h"
#include "loadedmodel.h"
#include "model/textembedding.h"

namespace cosmoclip {

size_t embedMissing(Catalog& catalog, const LoadedModel& model, const Indexer::ProgressCallback& onProgress,
                    const std::atomic<bool>* cancel) {
    return embedMissingImages(catalog, *model.encoder, model.record, onProgress, cancel);
}

std::vector<float> embedQueryTerm(const QueryTerm& term, Catalog& catalog, const LoadedModel& model) {
    return cosmoclip::embedQueryTerm(term, catalog, *model.encoder, *model.tokenizer, model.record);
}

std::vector<float> embedQuery(const std::string& query, Catalog& catalog, const LoadedModel& model) {
    return cosmoclip::embedQuery(parseQuery(query), catalog, *model.encoder, *model.tokenizer, model.record);
}

}  // namespace cosmoclip
