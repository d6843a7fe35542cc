#pragma once

#include <cstddef>
#include <vector>

namespace cosmoclip {

/// Prompt ensembling as open_clip's build_zero_shot_classifier and OpenAI's zero-shot notebook do it
/// (docs/clip-spec.md §5): each text embedding is L2-normalised, the `templates` embeddings of a class
/// are averaged, and the mean is normalised again.
///
/// `textEmbeddings` is [classes * templates, dim], row-major and class-major (class c, template t at
/// row c * templates + t), unnormalised. Returns the [classes, dim] class matrix, rows of unit norm.
/// Throws cosmoclip::Error when the sizes do not match or a count is zero.
std::vector<float> ensembleClassEmbeddings(const std::vector<float>& textEmbeddings, size_t classes,
                                           size_t templates, size_t dim);

}  // namespace cosmoclip
