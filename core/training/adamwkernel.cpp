#include "training/adamwkernel.h"

#include <cmath>

namespace cosmoclip {

void adamwUpdate(float* __restrict p, const float* __restrict grad, float* __restrict m, float* __restrict v,
                 size_t n, const AdamWStep& s) {
    const float a1 = (1.0f - s.beta1) * s.gradScale;
    const float a2 = (1.0f - s.beta2) * s.gradScale * s.gradScale;
    for (size_t i = 0; i < n; ++i) {
        const float g = grad[i];
        const float mi = s.beta1 * m[i] + a1 * g;
        const float vi = s.beta2 * v[i] + a2 * g * g;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * s.decay - s.stepSize * mi / (std::sqrt(vi) / s.sqrtCorrection2 + s.eps);
    }
}

}  // namespace cosmoclip
