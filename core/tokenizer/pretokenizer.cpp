#include "tokenizer/pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

#include "common/error.h"
#include "tokenizer/unicodetext.h"

namespace cosmoclip {
namespace {

// Python's `regex` module, not PCRE2, defines the reference behaviour. Three differences are patched:
// \s is the module's White_Space set (PCRE2's UCP \s lacks U+0085), letters and numbers the module knows
// from Unicode 15 are added, and U+0345 is left out of the symbol run because under IGNORECASE the module
// folds it to a Greek iota, a letter, so it matches no alternative at all.
std::string clipPattern() {
    const std::string space = R"(\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029})"
                              R"(\x{202F}\x{205F}\x{3000})";
    const std::string letters = std::string(R"(\p{L})") + unicode::extraLetterClassItems();
    const std::string numbers = std::string(R"(\p{N})") + unicode::extraNumberClassItems();
    return R"(<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[)" + letters + "]+|[" + numbers +
           "]|[^" + space + letters + numbers + R"(\x{345}]+)";
}

struct MatchDataDeleter {
    void operator()(pcre2_match_data* data) const { pcre2_match_data_free(data); }
};

}  // namespace

void PreTokenizer::CodeDeleter::operator()(pcre2_real_code_8* code) const {
    pcre2_code_free(code);
}

PreTokenizer::PreTokenizer() {
    const std::string pattern = clipPattern();
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    m_code.reset(pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                               PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &errorCode, &errorOffset, nullptr));
    if (!m_code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(errorCode, message, sizeof message);
        throw Error("CLIP pre-tokenizer pattern: PCRE2 error at offset " + std::to_string(errorOffset) +
                    ": " + reinterpret_cast<const char*>(message));
    }
    pcre2_jit_compile(m_code.get(), PCRE2_JIT_COMPLETE);  // optional: the interpreter is the fallback
}

PreTokenizer::~PreTokenizer() = default;

std::vector<std::string_view> PreTokenizer::split(std::string_view cleaned) const {
    std::vector<std::string_view> words;
    std::unique_ptr<pcre2_match_data, MatchDataDeleter> match(
        pcre2_match_data_create_from_pattern(m_code.get(), nullptr));
    if (!match) throw std::bad_alloc();
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(cleaned.data());
    PCRE2_SIZE offset = 0;
    while (offset < cleaned.size()) {
        const int rc = pcre2_match(m_code.get(), subject, cleaned.size(), offset, PCRE2_NO_UTF_CHECK,
                                   match.get(), nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) throw Error("CLIP pre-tokenizer: PCRE2 match error " + std::to_string(rc));
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match.get());
        words.emplace_back(cleaned.data() + ovector[0], ovector[1] - ovector[0]);
        offset = ovector[1];  // every alternative consumes at least one character
    }
    return words;
}

}  // namespace cosmoclip
