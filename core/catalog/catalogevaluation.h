#pragma once

#include <string>
#include <vector>

#include "catalog/indexer.h"
#include "training/evaluation.h"
#include "training/trainingexample.h"

namespace cosmoclip {

class BpeTokenizer;
class Catalog;
class ClipEncoder;

/// One model's zero-shot and retrieval metrics on catalog examples (the paper's table): images use
/// the catalog's vectors of `model` (embedded first where missing, so they are kept for search),
/// classes are the prompt ensemble of `templates`, captions are encoded as written. Shared by
/// `cosmoclip eval` and the app's "compare with base".
EvalMetrics evaluateOnCatalog(Catalog& catalog, const ClipEncoder& encoder, const BpeTokenizer& tokenizer,
                              const ModelRecord& model, const std::vector<TrainingExample>& examples,
                              const EvalTexts& texts, const std::vector<std::string>& templates,
                              const Indexer::ProgressCallback& onProgress = {});

}  // namespace cosmoclip
