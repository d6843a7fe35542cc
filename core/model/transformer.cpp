#include "model/transformer.h"

#include <ATen/ATen.h>

namespace cosmoclip {

TransformerImpl::TransformerImpl(const BlockOptions& options, int64_t layers)
    : resblocks(register_module("resblocks", torch::nn::ModuleList())) {
    for (int64_t i = 0; i < layers; ++i) {
        m_blocks.emplace_back(options);
        resblocks->push_back(m_blocks.back());
    }
}

at::Tensor TransformerImpl::forward(const at::Tensor& x, const at::Tensor& mask) {
    at::Tensor h = x;
    for (auto& block : m_blocks) h = block(h, mask);
    return h;
}

at::Tensor TransformerImpl::forwardPooled(const at::Tensor& x, const at::Tensor& mask, const at::Tensor& positions) {
    const int64_t batch = x.size(0);
    const int64_t width = x.size(2);
    if (!m_blocks.empty() && m_blocks.back()->runsFused(x, mask)) {
        at::Tensor h = x;
        for (size_t i = 0; i + 1 < m_blocks.size(); ++i) h = m_blocks[i]->forwardFused(h, mask, {});
        return m_blocks.back()->forwardFused(h, mask, positions).view({batch, width});
    }
    const at::Tensor index = positions.to(at::kLong).view({-1, 1, 1}).expand({batch, 1, width});
    return forward(x, mask).gather(1, index).squeeze(1);
}

}  // namespace cosmoclip
