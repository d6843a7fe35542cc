#pragma once

#include <cstddef>

namespace cosmoclip {

/// Scalars of one AdamW step for one parameter tensor (torch.optim.AdamW's update, decoupled decay).
struct AdamWStep {
    float decay = 1.0f;          ///< 1 - lr * weight_decay
    float beta1 = 0.9f;
    float beta2 = 0.98f;
    float gradScale = 1.0f;      ///< gradient-clipping coefficient, folded into the update
    float stepSize = 0.0f;       ///< lr / (1 - beta1^step)
    float sqrtCorrection2 = 1.0f;  ///< sqrt(1 - beta2^step)
    float eps = 1e-6f;
};

/// One fused pass over n elements: p *= decay; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
/// p -= stepSize * m / (sqrt(v) / sqrtCorrection2 + eps), with g = gradScale * grad. The same maths as
/// LibTorch's AdamW in one read of p, g, m, v and one write of p, m, v instead of about a dozen passes
/// and two temporaries per tensor. Torch-free so that it compiles with -fno-math-errno (vectorised sqrt).
void adamwUpdate(float* p, const float* grad, float* m, float* v, size_t n, const AdamWStep& s);

}  // namespace cosmoclip
