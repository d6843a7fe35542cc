#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

// GPT-2/CLIP byte-level alphabet (OpenAI's bytes_to_unicode): every byte maps to one printable code
// point, so BPE works on strings without whitespace or control characters.
namespace cosmoclip::bytes {

/// Code point of each byte: '!'..'~', U+00A1..U+00AC and U+00AE..U+00FF map to themselves, the other
/// 68 bytes to U+0100, U+0101, ... in ascending byte order.
const std::array<char32_t, 256>& byteToUnicode();
/// Inverse of byteToUnicode(); -1 for a code point outside the alphabet.
int unicodeToByte(char32_t cp);
/// The 256 bytes in OpenAI's vocabulary order (printable ranges first, then the remapped ones).
const std::array<uint8_t, 256>& vocabularyOrder();
/// UTF-8 of the alphabet string for raw bytes ("a b" -> "aĠb").
std::string encodeBytes(std::string_view raw);
/// Raw bytes of an alphabet string; false if a character is outside the alphabet or the UTF-8 is bad.
bool decodeBytes(std::string_view token, std::string& raw);

}  // namespace cosmoclip::bytes
