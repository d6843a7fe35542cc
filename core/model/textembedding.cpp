#include "model/textembedding.h"

#include "model/clipencoder.h"
#include "tokenizer/bpetokenizer.h"

namespace cosmoclip {

std::vector<float> encodeTextStrings(const ClipEncoder& encoder, const BpeTokenizer& tokenizer,
                                     const std::vector<std::string>& texts) {
    std::vector<std::vector<int32_t>> tokens;
    tokens.reserve(texts.size());
    const int context = static_cast<int>(encoder.config().text.contextLength);
    for (const auto& text : texts) tokens.push_back(tokenizer.encodeForContext(text, context));
    return encoder.encodeTexts(tokens);
}

}  // namespace cosmoclip
