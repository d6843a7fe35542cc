#pragma once

#include <string>
#include <vector>

namespace cosmoclip {

class BpeTokenizer;
class ClipEncoder;

/// Tokenizes `texts` for the model's context (truncated, end token kept) and encodes them: unnormalised
/// [texts.size(), embedDim] rows, or normalised when the encoder's options say so. The one path from a
/// phrase to a vector for zero-shot labels, search queries and evaluation.
std::vector<float> encodeTextStrings(const ClipEncoder& encoder, const BpeTokenizer& tokenizer,
                                     const std::vector<std::string>& texts);

}  // namespace cosmoclip
