#pragma once

#include <optional>
#include <vector>

#include "training/datasplit.h"
#include "training/trainingexample.h"

namespace cosmoclip {

class Catalog;

/// The catalog's readable images as training/evaluation examples: path, HDU, best caption (user, then
/// imported, generated, template), first ground-truth label (user, then imported) and content hash.
/// With `split`, only the images whose hash falls in that split for `fractions` (the assignment
/// fine-tuning and evaluation share).
std::vector<TrainingExample> catalogExamples(Catalog& catalog, std::optional<Split> split = std::nullopt,
                                             const SplitFractions& fractions = {});

}  // namespace cosmoclip
