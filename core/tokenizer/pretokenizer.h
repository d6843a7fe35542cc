#pragma once

#include <memory>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace cosmoclip {

/// CLIP's pre-tokenisation regex (OpenAI simple_tokenizer.py, Python `regex` with IGNORECASE)
///   <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
/// run by PCRE2 in UTF + UCP + caseless mode. Immutable after construction: split() may be called
/// from any number of threads at once.
class PreTokenizer final {
public:
    /// Compiles (and JIT-compiles where available) the pattern; throws cosmoclip::Error if PCRE2 fails.
    PreTokenizer();
    ~PreTokenizer();
    PreTokenizer(const PreTokenizer&) = delete;
    PreTokenizer& operator=(const PreTokenizer&) = delete;

    /// The successive matches in `cleaned` (valid UTF-8, as cleanText() returns), like regex.findall:
    /// whitespace between them is dropped. The views point into `cleaned`.
    std::vector<std::string_view> split(std::string_view cleaned) const;

private:
    struct CodeDeleter {
        void operator()(pcre2_real_code_8* code) const;
    };
    std::unique_ptr<pcre2_real_code_8, CodeDeleter> m_code;
};

}  // namespace cosmoclip
