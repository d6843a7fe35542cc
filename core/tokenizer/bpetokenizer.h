#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/bpevocabulary.h"

namespace cosmoclip {

class PreTokenizer;

/// CLIP's byte-level BPE tokenizer, id for id the same as OpenAI's simple_tokenizer.py (see README.md
/// for the one documented gap: ftfy's mojibake repair). Thread-safe: all const member functions may run
/// concurrently; the per-word BPE cache is guarded by a shared mutex (see README.md).
class BpeTokenizer final {
public:
    static constexpr int kDefaultContextLength = 77;

    /// Validates `vocabulary` (base byte tokens, both special tokens, merges made of known tokens);
    /// throws cosmoclip::Error naming vocabulary.source and the problem.
    explicit BpeTokenizer(BpeVocabulary vocabulary);
    ~BpeTokenizer();
    BpeTokenizer(BpeTokenizer&&) noexcept;
    BpeTokenizer& operator=(BpeTokenizer&&) noexcept;
    BpeTokenizer(const BpeTokenizer&) = delete;
    BpeTokenizer& operator=(const BpeTokenizer&) = delete;

    /// Loaders; see BpeVocabulary for the formats. Errors name the file and the problem.
    static BpeTokenizer fromDirectory(const std::filesystem::path& dir);
    static BpeTokenizer fromHuggingFace(const std::filesystem::path& vocabJson,
                                        const std::filesystem::path& mergesTxt);
    static BpeTokenizer fromOpenAi(const std::filesystem::path& gzFile);

    /// Token ids of `text` (UTF-8; invalid bytes count as U+FFFD), without start/end tokens.
    std::vector<int32_t> encode(std::string_view text) const;
    /// [startOfText] + encode(text) + [endOfText]; longer than contextLength -> cut to contextLength with
    /// the last id forced to endOfText (OpenAI's truncate=True). No padding. contextLength must be >= 1.
    std::vector<int32_t> encodeForContext(std::string_view text,
                                          int contextLength = kDefaultContextLength) const;
    /// OpenAI's decode: token strings joined, bytes decoded as UTF-8 (bad bytes -> U+FFFD), '</w>' -> ' '.
    /// Throws cosmoclip::Error for an id outside [0, vocabularySize()).
    std::string decode(std::span<const int32_t> ids) const;

    /// Writes vocab.json + merges.txt (Hugging Face layout) into `dir`.
    void save(const std::filesystem::path& dir) const;

    int32_t startOfText() const { return m_startOfText; }
    int32_t endOfText() const { return m_endOfText; }
    int vocabularySize() const { return static_cast<int>(m_vocabulary.tokens.size()); }
    const BpeVocabulary& vocabulary() const { return m_vocabulary; }
    /// Id of a token string in the byte-level alphabet, or -1.
    int32_t tokenId(std::string_view token) const;

private:
    struct Merge {
        int32_t rank;
        int32_t result;
    };
    struct Cache;

    void buildIndex();
    void appendWord(std::string_view word, std::vector<int32_t>& ids) const;
    std::vector<int32_t> bpe(std::string_view word) const;

    BpeVocabulary m_vocabulary;
    std::unordered_map<std::string, int32_t> m_ids;
    std::unordered_map<uint64_t, Merge> m_merges;  // (left id << 32 | right id) -> rank, merged id
    std::vector<std::string> m_rawBytes;           // id -> the bytes the token stands for
    int32_t m_byteId[256] = {};
    int32_t m_byteEndId[256] = {};  // byte + "</w>"
    int32_t m_startOfText = -1;
    int32_t m_endOfText = -1;
    std::unique_ptr<PreTokenizer> m_preTokenizer;
    std::unique_ptr<Cache> m_cache;
};

}  // namespace cosmoclip
