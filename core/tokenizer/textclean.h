#pragma once

#include <string>
#include <string_view>

// CLIP's caption cleaning, as OpenAI's simple_tokenizer.py does it before BPE:
//   whitespace_clean(basic_clean(text)).lower()
// with basic_clean = ftfy.fix_text -> html.unescape twice -> strip.
namespace cosmoclip {

/// The cleaned, lower-cased text (UTF-8) that the CLIP pre-tokenizer splits. Invalid UTF-8 in the
/// input becomes U+FFFD. Thread-safe, never throws except std::bad_alloc.
std::string cleanText(std::string_view utf8);

/// The part of ftfy.fix_text() (ftfy 6.x defaults) that does not guess: HTML entities (unless the line
/// holds a '<'), C1 controls read as Windows-1252, Latin ligatures, full/half-width forms, curly quotes,
/// line breaks, terminal escapes, control characters, NFC; repeated per line until nothing changes.
/// Not done: fix_encoding (mojibake detection and re-decoding), which is heuristic.
std::u32string fixTextLikeFtfy(std::u32string_view text);

}  // namespace cosmoclip
