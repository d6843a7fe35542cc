#include "model/transformer.h"

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

}  // namespace cosmoclip
