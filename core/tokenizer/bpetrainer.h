#pragma once

#include <string>
#include <vector>

#include "tokenizer/bpevocabulary.h"

namespace cosmoclip {

/// Learns a CLIP-style byte-level BPE vocabulary from captions: the texts are cleaned and pre-tokenized
/// exactly as BpeTokenizer::encode does, then the most frequent adjacent symbol pair is merged until the
/// vocabulary has `vocabSize` tokens (fewer if the texts run out of pairs). Layout as OpenAI's: 256 byte
/// tokens, 256 with '</w>', one token per merge, <|startoftext|> and <|endoftext|> last. Ties go to the
/// pair whose tokens come first in the vocabulary, so the result is deterministic.
/// Throws cosmoclip::Error if vocabSize < 514 (the byte tokens plus the two specials).
BpeVocabulary trainBpe(const std::vector<std::string>& texts, int vocabSize);

}  // namespace cosmoclip
