#pragma once

#include <string>
#include <string_view>

// Unicode helpers that reproduce CPython 3.11 exactly (tables generated from its unicodedata 14.0.0
// by gen_unicode_tables.py), so that the C++ tokenizer cleans text the way OpenAI's Python code does.
namespace cosmoclip::unicode {

/// UTF-8 -> code points. Invalid input becomes U+FFFD per maximal subpart, like Python's
/// bytes.decode('utf-8', errors='replace'). Never throws.
std::u32string decodeUtf8(std::string_view utf8);
/// Code points -> UTF-8 (the caller guarantees no surrogates).
std::string encodeUtf8(std::u32string_view text);
void appendUtf8(std::string& out, char32_t cp);
/// Repairs invalid UTF-8 (Python's errors='replace'); returns the input unchanged when it is valid.
std::string sanitizeUtf8(std::string_view utf8);

/// unicodedata.normalize('NFC', text).
std::u32string toNfc(std::u32string_view text);
/// str.lower(): full case mapping (U+0130 -> "i\u0307") and the Final_Sigma rule for U+03A3.
std::u32string toLower(std::u32string_view text);

/// str.isspace() for one character.
bool isPythonSpace(char32_t cp);
/// `\s` of the Python `regex` module (Unicode White_Space).
bool isRegexSpace(char32_t cp);
/// Unicode category Nd (what Python's `re` calls \d).
bool isDecimalDigit(char32_t cp);
/// ftfy's fix_character_width map (NFKC of U+FF01..U+FFEF, U+3000 -> space); empty if unmapped.
std::u32string_view standardWidth(char32_t cp);

/// PCRE2 class items (\x{..} ranges) of letters / numbers that the `regex` module knows but
/// PCRE2 10.42's Unicode 14 tables do not; appended to [\p{L}] / [\p{N}] in the CLIP pattern.
const char* extraLetterClassItems();
const char* extraNumberClassItems();

}  // namespace cosmoclip::unicode
