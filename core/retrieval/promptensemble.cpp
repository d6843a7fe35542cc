#include "retrieval/promptensemble.h"

#include "common/error.h"
#include "retrieval/vectormath.h"

#include <algorithm>
#include <string>

namespace cosmoclip {

std::vector<float> ensembleClassEmbeddings(const std::vector<float>& textEmbeddings, size_t classes,
                                           size_t templates, size_t dim)
{
    if (classes == 0 || templates == 0 || dim == 0)
        throw Error("prompt ensemble: classes, templates and dimension must all be positive");
    if (textEmbeddings.size() != classes * templates * dim)
        throw Error("prompt ensemble: expected " + std::to_string(classes) + " x " +
                    std::to_string(templates) + " x " + std::to_string(dim) + " values, got " +
                    std::to_string(textEmbeddings.size()));

    std::vector<float> result(classes * dim);
    std::vector<double> sum(dim);
    for (size_t c = 0; c < classes; ++c) {
        std::fill(sum.begin(), sum.end(), 0.0);
        for (size_t t = 0; t < templates; ++t) {
            const float* row = textEmbeddings.data() + (c * templates + t) * dim;
            // Normalise before averaging so that no template outweighs the others by its length.
            const double norm = l2Norm(row, dim);
            const double inv = norm > 1e-12 ? 1.0 / norm : 1.0 / 1e-12;
            for (size_t d = 0; d < dim; ++d)
                sum[d] += row[d] * inv;
        }
        float* out = result.data() + c * dim;
        for (size_t d = 0; d < dim; ++d)
            out[d] = static_cast<float>(sum[d] / static_cast<double>(templates));
        l2Normalize(out, dim);
    }
    return result;
}

}  // namespace cosmoclip
